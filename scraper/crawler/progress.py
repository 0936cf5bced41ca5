"""What a crawl shows on a terminal: one live line per site (tqdm).

Per site: URLs fetched, URLs queued, articles archived, errors, pages per second and the
time since the site's first fetch. tqdm redraws each line at most ten times a second, so a
fast crawl does not spend its time printing; off a terminal (cron, a pipe) nothing is drawn
and the crawl prints its summary lines only, or the log lines ``-v`` and ``--log-format
json`` ask for.
"""

from __future__ import annotations

from typing import IO, Any

from tqdm import tqdm

from ..vocab import OK_OUTCOMES

__all__ = ["CrawlProgress"]

LINE = "{desc} | {rate_fmt} | {elapsed}"


class CrawlProgress:
    """Live per-site lines fed by the crawl's ``fetch`` events; ``close()`` leaves them."""

    def __init__(self, file: IO[str]) -> None:
        self.file = file
        self.bars: dict[str, tqdm] = {}
        self.counts: dict[str, dict[str, int]] = {}

    def update(self, event: dict[str, Any]) -> None:
        site = event["site"]
        if site not in self.bars:
            self.bars[site] = tqdm(desc=site, unit=" pages", bar_format=LINE, file=self.file,
                                   position=len(self.bars), leave=True, dynamic_ncols=True)
            self.counts[site] = {"articles": 0, "errors": 0}
        counts = self.counts[site]
        counts["articles"] += bool(event.get("article"))
        counts["errors"] += event["outcome"] not in OK_OUTCOMES
        bar = self.bars[site]
        bar.set_description_str(
            f"{site}: fetched {bar.n + 1} | queued {event.get('queued', 0)} | articles "
            f"{counts['articles']} | errors {counts['errors']}", refresh=False)
        bar.update(1)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()
