"""The crawl: discover -> fetch -> parse -> store for every configured site.

Each site has its own frontier (``scraper.frontier``: seeds, re-crawl policy, trap
defences), sites crawl concurrently, and politeness (robots.txt, per-host delay and
concurrency) lives in the fetcher. Results are written in batches, each one transaction,
together with the URLs they revealed, so a run killed at any moment resumes where it
stopped. One crawl at a time per archive (an flock); SIGTERM/SIGINT stop the scheduling,
give in-flight requests a few seconds, commit, and mark the run ``interrupted``.
"""

from __future__ import annotations

import asyncio
import signal
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
from .discover import (
    feed_links,
    looks_like_xml_feed,
    next_page,
    page_links,
    parse_feed,
    parse_sitemap,
)
from .errors import ConfigError, SiteConfigError
from .extract import extract_tree
from .fetch import Fetcher, FetchResult, FetchSettings, HostPolicy
from .frontier import Entry, Frontier
from .store import Archive, PageOutcome

__all__ = ["CrawlReport", "SiteReport", "crawl", "crawl_sites", "fetch_settings"]

BATCH_SIZE = 25  # results per transaction: large enough to amortise the commit
BATCH_SECONDS = 2.0  # ...but never hold finished work in memory longer than this
STOP_GRACE_SECONDS = 5.0  # in-flight requests get this long after SIGTERM, then are dropped
MAX_ARTICLE_PAGES = 20  # pages of one multi-page article (rel=next) joined into one text
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# The selectors whose failure means the site changed its layout (not just a missing tag).
LAYOUT_ALARM_WARNINGS = ("selector title=", "selector body=")
_OK_OUTCOMES = ("ok", "not_article", "not_modified", "robots_disallowed")


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
    robots: str = "ok"

    @property
    def broken(self) -> bool:
        """robots.txt unreachable, all fetches failed, or the layout alarm."""
        if self.robots == "unreachable":
            return True
        if self.fetched and self.failed == self.fetched:
            return True
        return self.articles >= 3 and self.selector_misses > self.articles / 2

    def notes(self) -> dict[str, Any]:
        return {"outcomes": dict(self.outcomes), "skipped": dict(self.skipped),
                "selector_misses": self.selector_misses, "robots": self.robots,
                "broken": self.broken}


@dataclass
class CrawlReport:
    crawl_id: int | None
    status: str  # ok, failed, interrupted
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
    """The workers of one site in one run."""

    def __init__(self, site: SiteConfig, fetcher: Fetcher, archive: Archive,
                 sink: Callable[[PageOutcome], None], stop: asyncio.Event,
                 max_pages: int | None) -> None:
        self.site = site
        self.fetcher = fetcher
        self.archive = archive
        self.sink = sink
        self.stop = stop
        self.frontier = Frontier(site, archive, max_pages)
        self.report = SiteReport(site.name, skipped=self.frontier.skipped)

    async def run(self) -> SiteReport:
        site, frontier = self.site, self.frontier
        for host in site.site_hosts:
            self.fetcher.set_policy(host, HostPolicy(site.delay, site.concurrency))
        frontier.seed()
        robots = await self.fetcher.robots(site.start_urls[0])
        self.report.robots = robots.status
        if site.use_robots_sitemaps:
            for url in robots.sitemaps:
                frontier.offer(url, "sitemap", 0, "robots", force=True)
        self.archive.frontier_add(site.name, frontier.drain_new())
        workers = [asyncio.create_task(self._worker()) for _ in range(max(1, site.concurrency))]
        drained = asyncio.create_task(frontier.queue.join())
        stopped = asyncio.create_task(self.stop.wait())
        try:
            await asyncio.wait([drained, stopped, *workers], return_when=asyncio.FIRST_COMPLETED)
            if self.stop.is_set():
                await asyncio.wait(workers, timeout=STOP_GRACE_SECONDS)
        finally:
            for task in (drained, stopped, *workers):
                task.cancel()
            await asyncio.gather(drained, stopped, *workers, return_exceptions=True)
        for task in workers:  # a worker ends early only by raising (e.g. the disk is full)
            if task.done() and not task.cancelled() and task.exception():
                raise task.exception()
        return self.report

    async def _worker(self) -> None:
        queue = self.frontier.queue
        while not self.stop.is_set():
            entry = await queue.get()
            try:
                if self.stop.is_set() or (entry.kind == "page" and not self.frontier.take_page()):
                    continue  # left pending in the frontier table for the next run
                result = await self.fetcher.fetch(entry.url, headers=entry.conditional)
                outcome = await self._process(result, entry)
                outcome.discovered = self.frontier.drain_new()
                self.sink(outcome)
            finally:
                queue.task_done()

    async def _process(self, result: FetchResult, entry: Entry) -> PageOutcome:
        report = self.report
        report.fetched += 1
        outcome = PageOutcome(
            site=self.site.name, url=entry.url, final_url=result.final_url, kind=entry.kind,
            status=result.status, outcome=result.outcome, error=result.error,
            content_type=result.content_type, bytes=result.bytes_downloaded,
            elapsed=result.elapsed, attempts=result.attempts, depth=entry.depth,
            headers=result.headers, hint=entry.hint,
        )
        if result.ok:
            try:
                await self._parse(result, entry, outcome)
            except Exception as exc:  # one broken document must not stop the site's crawl
                outcome.outcome, outcome.error = "parse_error", f"{type(exc).__name__}: {exc}"
        report.outcomes[outcome.outcome] += 1
        report.failed += outcome.outcome not in _OK_OUTCOMES
        return outcome

    async def _parse(self, result: FetchResult, entry: Entry, outcome: PageOutcome) -> None:
        base, offer = result.final_url, self.frontier.offer
        if entry.kind == "sitemap" or (entry.kind == "feed" and
                                       not looks_like_xml_feed(result.body)):
            pages, children = parse_sitemap(result.body, base)
            for child in children:
                offer(child, "sitemap", entry.depth, "sitemap-index", force=True)
            for hint in pages:
                offer(hint.url, "page", 1, "sitemap", hint.as_dict(base))
        elif entry.kind == "feed":
            for hint in parse_feed(result.body, base):
                offer(hint.url, "page", 1, "feed", hint.as_dict(base))
        elif (result.content_type or "text/html").split(";")[0].strip() in _HTML_TYPES:
            await self._parse_html(result, entry, outcome)
        else:
            outcome.outcome, outcome.error = "not_html", result.content_type

    async def _parse_html(self, result: FetchResult, entry: Entry, outcome: PageOutcome) -> None:
        site, frontier = self.site, self.frontier
        text, _ = decode_body(result.body, result.content_type)
        tree = LexborHTMLParser(text)
        links = page_links(tree, result.final_url) if entry.depth < site.max_depth else []
        if entry.depth == 0:
            for feed in feed_links(tree, result.final_url):
                if urlsplit(feed).netloc in site.site_hosts:
                    frontier.offer(feed, "feed", 0, "autodiscovered", force=True)
        following = next_page(tree, result.final_url)
        article = extract_tree(tree, result.final_url, site)
        if not article.is_article:
            following = None
        elif following and _continues(following, result.final_url):
            frontier.claim(following)  # a later page of this article, not a page of its own
        for link in links:
            frontier.offer(link, "page", entry.depth + 1, "link")
        if not article.is_article:
            outcome.outcome = "not_article"
            return
        aliases = dict(frontier.seen.get(entry.url, {}))
        for url in await self._more_pages(article, following, result.final_url):
            aliases.setdefault(url, "next-page")
        if article.canonical_url and _trusted_canonical(article.canonical_url, result.final_url):
            aliases.setdefault(article.canonical_url, "rel-canonical")
            outcome.article_url = article.canonical_url
        if article.amphtml_url:
            aliases.setdefault(article.amphtml_url, "amphtml")
            frontier.offer(article.amphtml_url, "page", entry.depth + 1, "amphtml")
        self.report.articles += 1
        if any(w.startswith(LAYOUT_ALARM_WARNINGS) for w in article.warnings):
            self.report.selector_misses += 1
        outcome.article, outcome.aliases, outcome.body = article, aliases, result.body

    async def _more_pages(self, article, following: str | None, first: str) -> list[str]:
        """Fetch the continuation pages of a multi-page article and append their text."""
        fetched: list[str] = []
        seen = {first}
        while following and following not in seen and _continues(following, first):
            if len(fetched) >= MAX_ARTICLE_PAGES - 1:
                article.warnings.append(f"more than {MAX_ARTICLE_PAGES} pages: text truncated")
                break
            seen.add(following)
            self.frontier.claim(following)
            result = await self.fetcher.fetch(following)
            if not result.ok:
                article.warnings.append(f"page {following}: {result.outcome}")
                break
            text, _ = decode_body(result.body, result.content_type)
            tree = LexborHTMLParser(text)
            after = next_page(tree, result.final_url)
            part = extract_tree(tree, result.final_url, self.site)
            if part.text:
                article.text = f"{article.text}\n\n{part.text}" if article.text else part.text
            fetched.append(following)
            following = after
        return fetched


def _continues(url: str, first: str) -> bool:
    """A next page of the same article: same host, and its path extends the first page's
    (``/story/2/``) or only its page parameter differs (``/story/?page=2``)."""
    a, b = urlsplit(url), urlsplit(first)
    if a.netloc != b.netloc:
        return False
    return (a.path != b.path and a.path.startswith(b.path.rstrip("/") + "/")) or (
        a.path == b.path and "page=" in a.query)


def _trusted_canonical(canonical: str, page_url: str) -> bool:
    """rel=canonical is evidence, not an order: same host and not the home page."""
    parts = urlsplit(canonical)
    return (parts.netloc.lower() == urlsplit(page_url).netloc.lower()
            and parts.path not in ("", "/"))


async def crawl_sites(sites: list[SiteConfig], archive: Archive, settings: FetchSettings,
                      max_pages: int | None = None,
                      log: Callable[[dict[str, Any]], None] = lambda _: None) -> CrawlReport:
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
        counts["failed"] += outcome.outcome not in _OK_OUTCOMES
        log({"event": "fetch", "site": outcome.site, "url": outcome.url,
             "outcome": outcome.outcome, "status": outcome.status,
             "elapsed": round(outcome.elapsed, 3), "error": outcome.error})
        pending.append(outcome)
        if len(pending) >= BATCH_SIZE or time.monotonic() - last_flush > BATCH_SECONDS:
            flush()

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    handled = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(signum, stop.set)
            handled.append(signum)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread
            pass
    status = "interrupted"
    runs: list[_SiteCrawl] = []
    try:
        async with Fetcher(settings) as fetcher:
            runs = [_SiteCrawl(site, fetcher, archive, sink, stop, max_pages) for site in sites]
            await asyncio.gather(*(run.run() for run in runs))
        flush()
        for run in runs:
            archive.add_aliases({k: v for k, v in run.frontier.seen.items() if v})
        if not stop.is_set():
            status = "failed" if any(run.report.broken for run in runs) else "ok"
    finally:
        for signum in handled:
            loop.remove_signal_handler(signum)
        flush()
        reports = {run.site.name: run.report for run in runs}
        archive.finish_crawl(crawl_id, status, dict(counts),
                             {name: r.notes() for name, r in reports.items()})
    return CrawlReport(crawl_id, status, reports, [], dict(counts))


def crawl(config_dir: Path, db_path: Path, site_names: list[str] | None = None,
          max_pages: int | None = None,
          log: Callable[[dict[str, Any]], None] = lambda _: None) -> CrawlReport:
    """Load the site files of ``config_dir`` and crawl them (or the named ones) into the archive.

    Bad site files are reported in ``CrawlReport.config_errors`` and skipped; the others run.
    Raises CrawlLockedError when another crawl holds the archive.
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
        archive.lock_for_crawl()
        report = asyncio.run(crawl_sites(sites, archive, settings, max_pages, log))
    report.config_errors = errors
    return report
