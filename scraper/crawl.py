"""The crawl: discover -> fetch -> parse -> store for every configured site.

Each site has its own frontier (start URLs, robots.txt and configured sitemaps, feeds, then
the links of fetched pages), keyed by canonical URL so that a tracking-parameter, AMP or
print variant is recorded as an alias of its article instead of being fetched again.
Sites crawl concurrently; politeness (robots.txt, per-host delay and concurrency) lives in
the fetcher. Results are written in batches, each one transaction.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from .config import SiteConfig, load_crawl_settings, load_sites
from .decode import decode_body
from .discover import looks_like_xml_feed, page_links, parse_feed, parse_sitemap
from .errors import ConfigError, SiteConfigError
from .extract import extract_tree
from .fetch import Fetcher, FetchResult, FetchSettings, HostPolicy
from .store import Archive, PageOutcome
from .urls import canonical_url
from .widgets import looks_like_article_url

__all__ = ["CrawlReport", "SiteReport", "crawl", "crawl_sites", "fetch_settings"]

BATCH_SIZE = 25  # results per transaction: large enough to amortise the commit
BATCH_SECONDS = 2.0  # ...but never hold finished work in memory longer than this
FRONTIER_FACTOR = 20  # URLs remembered per run: this many times the site's page budget
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# The selectors whose failure means the site changed its layout (not just a missing tag).
LAYOUT_ALARM_WARNINGS = ("selector title=", "selector body=")


@dataclass
class SiteReport:
    """What one site's crawl did, for the crawl record and the command's summary."""

    name: str
    fetched: int = 0
    failed: int = 0
    articles: int = 0
    outcomes: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    selector_misses: int = 0

    @property
    def broken(self) -> bool:
        """All fetches failed, or selectors matched nothing on most article pages."""
        if self.fetched and self.failed == self.fetched:
            return True
        return self.articles >= 3 and self.selector_misses > self.articles / 2


@dataclass
class CrawlReport:
    crawl_id: int | None
    status: str
    sites: dict[str, SiteReport]
    config_errors: list[SiteConfigError]
    counts: dict[str, int]


def fetch_settings(config_dir: Path | None) -> FetchSettings:
    """FetchSettings with the ``[fetch]`` overrides of ``config_dir/crawl.toml``."""
    overrides = load_crawl_settings(config_dir).get("fetch", {}) if config_dir else {}
    known = {f.name for f in fields(FetchSettings)}
    unknown = set(overrides) - known
    if unknown:
        raise ConfigError(f"{config_dir}/crawl.toml: unknown [fetch] keys: {sorted(unknown)}")
    return FetchSettings(**overrides)


class _SiteCrawl:
    """The frontier and workers of one site in one run."""

    def __init__(self, site: SiteConfig, fetcher: Fetcher, sink: Callable[[PageOutcome], None],
                 max_pages: int | None) -> None:
        self.site = site
        self.fetcher = fetcher
        self.sink = sink
        self.max_pages = min(max_pages or site.max_pages, site.max_pages)
        # Sitemaps and feeds first (they list the most URLs per request), then article-like
        # URLs, then listing pages: a page budget is spent on articles, not on navigation.
        self.queue: asyncio.PriorityQueue[tuple[int, int, str, str, int]] = (
            asyncio.PriorityQueue())
        self.aliases: dict[str, dict[str, str]] = {}  # canonical key -> {variant: source}
        self.pages_fetched = 0
        self.report = SiteReport(site.name)

    def enqueue(self, url: str, kind: str, depth: int, source: str) -> None:
        key = canonical_url(url)
        if key in self.aliases:
            if url != key:
                self.aliases[key].setdefault(url, source)
            return
        if kind == "page" and not self.site.follows(key):
            reason = "offsite" if urlsplit(key).netloc not in self.site.site_hosts else "denied"
            self.report.skipped[reason] += 1
            return
        if kind == "page" and depth > self.site.max_depth:
            self.report.skipped["max_depth"] += 1
            return
        if len(self.aliases) >= FRONTIER_FACTOR * self.max_pages:
            self.report.skipped["frontier_full"] += 1
            return
        self.aliases[key] = {url: source} if url != key else {}
        priority = 0 if kind != "page" else 1 if looks_like_article_url(key) else 2
        self.queue.put_nowait((priority, len(self.aliases), key, kind, depth))

    async def run(self) -> SiteReport:
        site = self.site
        for host in site.site_hosts:
            self.fetcher.set_policy(host, HostPolicy(site.delay, site.concurrency))
        for url in site.start_urls:
            self.enqueue(url, "page", 0, "start_url")
        sitemaps = list(site.sitemaps)
        if site.use_robots_sitemaps:
            robots = await self.fetcher.robots(site.start_urls[0])
            sitemaps += robots.sitemaps
        for url in sitemaps:
            self.enqueue(url, "sitemap", 0, "robots")
        for url in site.feeds:
            self.enqueue(url, "feed", 0, "config")
        workers = [asyncio.create_task(self._worker()) for _ in range(max(1, site.concurrency))]
        drained = asyncio.create_task(self.queue.join())
        try:
            # A worker only ends by raising (e.g. the archive cannot be written): stop then.
            done, _ = await asyncio.wait([drained, *workers], return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (drained, *workers):
                task.cancel()
            await asyncio.gather(drained, *workers, return_exceptions=True)
        for task in done:
            if task is not drained and not task.cancelled() and task.exception():
                raise task.exception()
        return self.report

    async def _worker(self) -> None:
        while True:
            _, _, url, kind, depth = await self.queue.get()
            try:
                if kind == "page":
                    if self.pages_fetched >= self.max_pages:
                        self.report.skipped["max_pages"] += 1
                        continue
                    self.pages_fetched += 1
                result = await self.fetcher.fetch(url)
                self.sink(self._process(result, kind, depth))
            finally:
                self.queue.task_done()

    def _process(self, result: FetchResult, kind: str, depth: int) -> PageOutcome:
        report = self.report
        report.fetched += 1
        report.outcomes[result.outcome] += 1
        outcome = PageOutcome(
            site=self.site.name, url=result.url, final_url=result.final_url, kind=kind,
            status=result.status, outcome=result.outcome, error=result.error,
            content_type=result.content_type, bytes=result.bytes_downloaded,
            elapsed=result.elapsed, attempts=result.attempts, headers=result.headers,
        )
        if not result.ok:
            if result.outcome not in ("not_modified", "robots_disallowed"):
                report.failed += 1
            return outcome
        base = result.final_url
        try:
            if kind == "sitemap" or (kind == "feed" and not looks_like_xml_feed(result.body)):
                pages, children = parse_sitemap(result.body, base)
                for child in children:
                    self.enqueue(child, "sitemap", depth, "sitemap-index")
                for hint in pages:
                    self.enqueue(hint.url, "page", 1, "sitemap")
            elif kind == "feed":
                for hint in parse_feed(result.body, base):
                    self.enqueue(hint.url, "page", 1, "feed")
            elif (result.content_type or "text/html").split(";")[0].strip() in _HTML_TYPES:
                self._process_html(result, depth, outcome)
            else:
                outcome.outcome, outcome.error = "not_html", result.content_type
        except Exception as exc:  # one broken document must not stop the site's crawl
            outcome.outcome, outcome.error = "parse_error", f"{type(exc).__name__}: {exc}"
            report.failed += 1
        return outcome

    def _process_html(self, result: FetchResult, depth: int, outcome: PageOutcome) -> None:
        text, _ = decode_body(result.body, result.content_type)
        tree = LexborHTMLParser(text)
        if depth < self.site.max_depth:
            for link in page_links(tree, result.final_url):
                self.enqueue(link, "page", depth + 1, "link")
        article = extract_tree(tree, result.final_url, self.site)
        if not article.is_article:
            outcome.outcome = "not_article"
            return
        if article.amphtml_url:
            self.enqueue(article.amphtml_url, "page", depth + 1, "amphtml")
        key = canonical_url(result.url)
        aliases = dict(self.aliases.get(key, {}))
        canonical = article.canonical_url
        if canonical and _trusted_canonical(canonical, result.final_url):
            aliases.setdefault(canonical, "rel-canonical")
            outcome.article_url = canonical
        if article.amphtml_url:
            aliases.setdefault(article.amphtml_url, "amphtml")
        self.report.articles += 1
        if any(w.startswith(LAYOUT_ALARM_WARNINGS) for w in article.warnings):
            self.report.selector_misses += 1
        outcome.article = article
        outcome.aliases = aliases
        outcome.body = result.body

    def late_aliases(self) -> dict[str, dict[str, str]]:
        """Variants discovered after their article was already written."""
        return {key: urls for key, urls in self.aliases.items() if urls}


def _trusted_canonical(canonical: str, page_url: str) -> bool:
    """rel=canonical is evidence, not an order: same host and not the home page."""
    parts = urlsplit(canonical)
    return (parts.netloc.lower() == urlsplit(page_url).netloc.lower()
            and parts.path not in ("", "/"))


async def crawl_sites(sites: list[SiteConfig], archive: Archive, settings: FetchSettings,
                      max_pages: int | None = None,
                      log: Callable[[str], None] = lambda _: None) -> CrawlReport:
    """Crawl ``sites`` concurrently into ``archive``; the crawl row records the result."""
    crawl_id = archive.start_crawl(s.name for s in sites)
    for site in sites:
        archive.upsert_site(site)
    counts = Counter({"fetched": 0, "failed": 0, "articles_new": 0, "articles_updated": 0,
                      "articles_unchanged": 0})
    pending: list[PageOutcome] = []
    last_flush = time.monotonic()

    def flush() -> None:
        nonlocal last_flush
        if pending:
            counts.update(archive.write_batch(crawl_id, pending))
            pending.clear()
        last_flush = time.monotonic()

    def sink(outcome: PageOutcome) -> None:
        counts["fetched"] += 1
        counts["failed"] += outcome.outcome not in ("ok", "not_article", "not_modified")
        log(f"{outcome.site}: {outcome.outcome:<18} {outcome.url}")
        pending.append(outcome)
        if len(pending) >= BATCH_SIZE or time.monotonic() - last_flush > BATCH_SECONDS:
            flush()

    status = "interrupted"
    runs: list[_SiteCrawl] = []
    try:
        async with Fetcher(settings) as fetcher:
            runs = [_SiteCrawl(site, fetcher, sink, max_pages) for site in sites]
            reports = await asyncio.gather(*(run.run() for run in runs))
        flush()
        for run in runs:
            archive.add_aliases(run.late_aliases())
        status = "failed" if any(r.broken for r in reports) else "ok"
    finally:
        flush()
        reports_by_site = {run.site.name: run.report for run in runs}
        notes: dict[str, Any] = {
            name: {"outcomes": dict(r.outcomes), "skipped": dict(r.skipped),
                   "selector_misses": r.selector_misses, "broken": r.broken}
            for name, r in reports_by_site.items()
        }
        archive.finish_crawl(crawl_id, status, dict(counts), notes)
    return CrawlReport(crawl_id, status, reports_by_site, [], dict(counts))


def crawl(config_dir: Path, db_path: Path, site_names: list[str] | None = None,
          max_pages: int | None = None, log: Callable[[str], None] = lambda _: None
          ) -> CrawlReport:
    """Load the site files of ``config_dir`` and crawl them (or the named ones) into the archive.

    Bad site files are reported in ``CrawlReport.config_errors`` and skipped; the others run.
    """
    sites, errors = load_sites(config_dir)
    if site_names:
        unknown = set(site_names) - {s.name for s in sites} - {
            Path(e.path).stem for e in errors}
        if unknown:
            raise ConfigError(f"no site named {', '.join(sorted(unknown))} in {config_dir}/sites")
        sites = [s for s in sites if s.name in site_names]
    settings = fetch_settings(config_dir)
    with Archive(db_path) as archive:
        report = asyncio.run(crawl_sites(sites, archive, settings, max_pages, log))
    report.config_errors = errors
    return report
