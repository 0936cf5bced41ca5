"""``newsarchive reparse``: re-extract the stored raw pages with the current site adapters.

After a site file or the extractor changes, the archive's articles were extracted by the old
rules. The raw responses are kept in ``pages``, so they can be extracted again without any
network. The results go through the archive's own ``write_batch`` inside a crawl row (with
the stored page re-used, not copied, and the frontier untouched), so
a changed title or text keeps the old one in ``article_versions`` exactly as a crawl would,
and links are rewritten from the new extraction. The fetch rows it writes have the outcome
``reparsed`` (``vocab.REPARSED``) and zero attempts and bytes: no request was made.

A multi-page article is rebuilt from all its stored pages, joined as the crawl joins them.
Not re-extracted (counted and left as they are): ``multi_page_kept``, a multi-page article
stored before every page was kept (migration m012: only its first page is there, so the
text would lose its continuation); ``no_site_file_kept``, an article whose site has no
site file now; ``not_article_kept``, a page the current adapter no longer sees as an
article; ``no_stored_page``; ``parse_error``.

Each page is read by the layout version of the site file in force on the day it was
fetched (``[[layouts]]``), so a redesign's new selectors never meet the old pages.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from ..article import Article
from ..config import SiteConfig, select_sites
from ..extraction.page import extract_tree
from ..fetch.decode import decode_body
from ..store.archive import Archive, PageOutcome
from ..vocab import REPARSED

__all__ = ["ReparseReport", "reparse"]

BATCH_SIZE = 50  # articles per transaction, like a crawl's batches


@dataclass
class ReparseReport:
    """What a reparse did: its crawl row and, per site, counts by result."""

    crawl_id: int
    sites: dict[str, Counter] = field(default_factory=dict)

    @property
    def totals(self) -> Counter:
        return sum(self.sites.values(), Counter())


def reparse(db_path: Path, config_dir: Path, site_names: list[str] | None = None,
            log: Callable[[str], None] = lambda _: None) -> ReparseReport:
    """Re-extract the articles of the named sites (default: every site with a site file).

    Takes the crawl lock (raises CrawlLockedError while a crawl runs) and ConfigError for a
    site name that has no valid site file.
    """
    sites, _ = select_sites(config_dir, site_names, refuse_invalid=True)
    by_name = {site.name: site for site in sites}
    names = list(site_names or by_name)
    with Archive(db_path) as archive:
        archive.lock_for_crawl()
        ids = archive.article_ids(names)
        report = ReparseReport(archive.start_crawl(names), {n: Counter() for n in names})
        if not site_names:
            for site_name, count in archive.article_counts(exclude=names).items():
                report.sites[site_name] = Counter({"no_site_file_kept": count})
        totals: Counter = Counter()
        status = "interrupted"
        try:
            for site_name, rows in groupby(ids, key=lambda row: row[0]):
                site_ids = [row[1] for row in rows]
                counts = report.sites[site_name]
                for start in range(0, len(site_ids), BATCH_SIZE):
                    outcomes = [outcome for article_id in site_ids[start:start + BATCH_SIZE]
                                if (outcome := _outcome(archive, article_id,
                                                        by_name[site_name], counts, log))]
                    written = archive.write_batch(report.crawl_id, outcomes)
                    counts.update({k.removeprefix("articles_"): v for k, v in written.items()
                                   if v})
                    totals.update(written)
                    totals["fetched"] += len(outcomes)
                log(f"{site_name}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
            status = "ok"
        finally:
            notes = {name: {"outcomes": dict(counts), "reparse": True}
                     for name, counts in report.sites.items()}
            archive.finish_crawl(report.crawl_id, status,
                                 {"failed": 0, "fetched": 0, "articles_new": 0,
                                  "articles_updated": 0, "articles_unchanged": 0, **totals},
                                 notes)
    return report


def _extract(body: bytes, headers: dict[str, str], url: str, site: SiteConfig,
             day: str | None) -> Article:
    text, _ = decode_body(body, headers.get("content-type"))
    return extract_tree(LexborHTMLParser(text), url, site, day)


def _outcome(archive: Archive, article_id: int, site: SiteConfig, counts: Counter,
             log: Callable[[str], None]) -> PageOutcome | None:
    """A PageOutcome re-extracted from the article's stored page, or None (counted why)."""
    page = archive.stored_page(article_id)
    if page is None:
        counts["no_stored_page"] += 1
        return None
    parts = archive.stored_parts(page["id"]) if page["continuation"] else []
    if page["continuation"] and not parts:
        counts["multi_page_kept"] += 1
        return None
    body = page["body"]
    headers = json.loads(page["headers"] or "{}")
    try:
        day = page.get("fetched_at")  # the layout of the day it was fetched
        article = _extract(body, headers, page["final_url"], site, day)
        for part in parts:
            article.append_page(_extract(part["body"], json.loads(part["headers"] or "{}"),
                                         part["final_url"], site, day))
    except Exception as exc:  # one broken page must not stop the others
        counts["parse_error"] += 1
        log(f"{site.name}: article {article_id}: {type(exc).__name__}: {exc}")
        return None
    if not article.is_article:
        counts["not_article_kept"] += 1
        return None
    return PageOutcome(
        site=site.name, url=page["url"], final_url=page["final_url"], kind="page",
        status=page["status"], outcome=REPARSED, content_type=headers.get("content-type"),
        bytes=0, elapsed=0.0, attempts=0, depth=page["depth"] or 0, headers=headers,
        body=body, article=article, page_id=page["id"])
