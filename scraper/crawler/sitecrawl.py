"""One site's crawl in one run: its workers, and what they make of each fetched document.

Every URL the workers deal with ends as exactly one ``PageOutcome`` handed to the run's sink
(and so one row in ``fetches``): pages, sitemaps and feeds they fetched, the continuation
pages of multi-page articles, and the trap URLs the frontier refused without a request.
The outcome vocabulary is ``scraper.vocab.OUTCOMES``.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..article import Article
from ..config import SiteConfig
from ..fetch.fetcher import Fetcher, FetchResult, HostPolicy
from ..store.archive import Archive, PageOutcome
from ..store.pages import DICT_SAMPLES, Packed
from ..urls import evidence_aliases
from ..vocab import LAYOUT_FIELDS, OK_OUTCOMES
from .discover import looks_like_xml_feed, parse_feed, parse_sitemap
from .frontier import Entry, Frontier
from .parsepage import PageParser, fingerprint

__all__ = ["DEGRADED_MIN", "DEGRADED_SHARE", "SiteReport", "SiteCrawl"]

# A site more of whose fetches than this share failed (outcomes not in vocab.OK_OUTCOMES), and at
# least DEGRADED_MIN of them, is "degraded": it still exits 0 when it is not broken, but its
# summary line is printed under -q (cron mails what a crawl prints). One fetch in 50: a site
# answering 35 of 1,000 article requests with timeouts must not pass unseen; a few dead
# links (404s count as failures too), of a large site or of a small one, do.
DEGRADED_SHARE = 0.02
DEGRADED_MIN = 10
STOP_GRACE_SECONDS = 5.0  # in-flight requests get this long after SIGTERM, then are dropped
MAX_ARTICLE_PAGES = 20  # pages of one multi-page article (rel=next) joined into one text
_HTML_TYPES = ("text/html", "application/xhtml+xml")


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
    slow_patterns: list[str] = field(default_factory=list)  # over urlpatterns.PATTERN_SECONDS

    @property
    def broken(self) -> bool:
        """robots.txt unreachable, all fetches failed, or the layout alarm."""
        if self.robots == "unreachable":
            return True
        if self.failed and self.failed >= self.fetched:  # refusals before a request count too
            return True
        return self.articles >= 3 and self.selector_misses > self.articles / 2

    @property
    def degraded(self) -> bool:
        """More than ``DEGRADED_SHARE`` of the fetches failed, and ``DEGRADED_MIN`` or more."""
        return self.failed >= DEGRADED_MIN and self.failed > DEGRADED_SHARE * self.fetched

    def notes(self) -> dict[str, Any]:
        notes = {"outcomes": dict(self.outcomes), "skipped": dict(self.skipped),
                 "selector_misses": self.selector_misses, "robots": self.robots,
                 "broken": self.broken, "degraded": self.degraded}
        if self.slow_patterns:
            notes["slow_patterns"] = self.slow_patterns
        return notes


class SiteCrawl:
    """The workers of one site in one run."""

    def __init__(self, site: SiteConfig, fetcher: Fetcher, parser: PageParser,
                 archive: Archive, sink: Callable[[PageOutcome], None], stop: asyncio.Event,
                 max_pages: int | None) -> None:
        self.site = site
        self.fetcher = fetcher
        self.parser = parser
        self.archive = archive
        self.sink = sink
        self.stop = stop
        self.frontier = Frontier(site, archive, max_pages)
        self.report = SiteReport(site.name, skipped=self.frontier.skipped)
        self.not_found_pages: set[str] = set()  # fingerprints of this site's 404 pages
        self.page_dictionary = archive.page_dictionary(site.name)
        # The site's pages, as packed, until its page dictionary is trained on them: those
        # stored by earlier runs first, so that a site with a few articles a night gets one
        self._samples: list[bytes] | None = (
            archive.page_samples(site.name, DICT_SAMPLES) if self.page_dictionary is None
            else None)

    async def run(self) -> SiteReport:
        site, frontier = self.site, self.frontier
        for host in site.site_hosts:
            self.fetcher.set_policy(host, HostPolicy(site.delay, site.concurrency,
                                                     site.credentials.get(host)))
        frontier.seed()
        # The first network wait of the run: a stop must not wait for it to end.
        robots_task = asyncio.ensure_future(self.fetcher.robots(site.start_urls[0]))
        stopped = asyncio.ensure_future(self.stop.wait())
        await asyncio.wait([robots_task, stopped], return_when=asyncio.FIRST_COMPLETED)
        if not robots_task.done():
            robots_task.cancel()
            self.fetcher.interrupt()
            await asyncio.gather(robots_task, return_exceptions=True)
            stopped.cancel()
            return self.report
        robots = robots_task.result()
        self.report.robots = robots.status
        if site.use_robots_sitemaps:
            for url in robots.sitemaps:
                frontier.offer(url, "sitemap", 0, "robots", force=True)
        self.archive.frontier_add(site.name, frontier.drain_new())
        workers = [asyncio.create_task(self._worker()) for _ in range(max(1, site.concurrency))]
        drained = asyncio.create_task(frontier.queue.join())
        try:
            await asyncio.wait([drained, stopped, *workers], return_when=asyncio.FIRST_COMPLETED)
            if self.stop.is_set():
                self.fetcher.interrupt()
                await asyncio.wait(workers, timeout=STOP_GRACE_SECONDS)
        finally:
            for task in (drained, stopped, *workers):
                task.cancel()
            await asyncio.gather(drained, stopped, *workers, return_exceptions=True)
        for task in workers:  # a worker ends early only by raising
            if task.done() and not task.cancelled() and task.exception():
                raise task.exception()
        self.report.slow_patterns = site.slow_patterns
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
                self._record_traps()
            finally:
                queue.task_done()

    def _record_traps(self) -> None:
        for url, depth, reason in self.frontier.drain_traps():
            self.report.outcomes["trap"] += 1
            self.sink(PageOutcome(site=self.site.name, url=url, final_url=url, kind="page",
                                  status=None, outcome="trap", error=reason, attempts=0,
                                  depth=depth))

    def _outcome(self, result: FetchResult, entry: Entry) -> PageOutcome:
        return PageOutcome(
            site=self.site.name, url=entry.url, final_url=result.final_url, kind=entry.kind,
            status=result.status, outcome=result.outcome, error=result.error,
            content_type=result.content_type, bytes=result.bytes_downloaded,
            elapsed=result.elapsed, attempts=result.attempts, depth=entry.depth,
            headers=result.headers, hint=entry.hint,
        )

    def _count(self, outcome: PageOutcome) -> None:
        self.report.fetched += outcome.requested
        self.report.outcomes[outcome.outcome] += 1
        self.report.failed += outcome.outcome not in OK_OUTCOMES

    async def _process(self, result: FetchResult, entry: Entry) -> PageOutcome:
        outcome = self._outcome(result, entry)
        if result.status in (404, 410) and result.body:
            self.not_found_pages.add(fingerprint(result.body))
        if result.ok and not result.body.strip():
            outcome.outcome, outcome.error = "empty", "200 with an empty body"
        elif result.ok:
            try:
                await self._parse(result, entry, outcome)
            except Exception as exc:  # one broken document must not stop the site's crawl
                outcome.outcome, outcome.error = "parse_error", f"{type(exc).__name__}: {exc}"
        self._count(outcome)
        return outcome

    async def _parse(self, result: FetchResult, entry: Entry, outcome: PageOutcome) -> None:
        base, offer = result.final_url, self.frontier.offer
        if entry.kind == "sitemap" or (entry.kind == "feed" and
                                       not looks_like_xml_feed(result.body)):
            pages, children = parse_sitemap(result.body, base)
            for child in children:
                offer(child, "sitemap", entry.depth + 1, "sitemap-index", index=base)
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
        page = await self.parser.parse(result.body, result.content_type, result.final_url,
                                       site, follow_links=entry.depth < site.max_depth)
        if page.fingerprint in self.not_found_pages:
            page.soft_404 = "same page as the site's 404 page"
        if page.soft_404 or page.article is None:
            outcome.outcome, outcome.error = "soft_404", page.soft_404
            return
        if entry.depth == 0:
            for feed in page.feeds:
                if urlsplit(feed).netloc in site.site_hosts:
                    frontier.offer(feed, "feed", 0, "autodiscovered", force=True)
        article, following, links = page.article, page.following, page.links
        if not article.is_article:
            following = None
        elif following and _continues(following, result.final_url):
            frontier.claim(following)  # a later page of this article, not a page of its own
        frontier.offer_links(links, entry.depth + 1)
        if not article.is_article:
            outcome.outcome = "not_article"
            return
        aliases = dict(frontier.seen.get(entry.url) or {})
        outcome.parts = await self._more_pages(article, following, result.final_url,
                                               entry.depth)
        for part in outcome.parts:
            aliases.setdefault(part.url, "next-page")
        found, article_url, ignored = evidence_aliases(
            result.final_url, article.canonical_url, article.amphtml_url, frontier.key)
        if ignored:  # recorded with the article: evidence was weighed and set aside
            article.warnings.append(f"url evidence ignored: {ignored}")
        if article_url:
            outcome.article_url = article_url
        for url, how in found.items():
            aliases.setdefault(url, how)
        if article.amphtml_url and article.amphtml_url in found:
            frontier.claim(article.amphtml_url)  # the page says it is its view: not fetched
        self.report.articles += 1
        if LAYOUT_FIELDS.intersection(article.selector_misses):
            self.report.selector_misses += 1
        outcome.article, outcome.aliases = article, aliases
        # Packed, the raw page waits for its batch compressed: 25 x ~100 KB less memory.
        outcome.packed = await self.parser.pack(result.body, article.text, self.page_dictionary)
        await self._learn_dictionary(outcome.packed)

    async def _learn_dictionary(self, packed: Packed) -> None:
        """Keep the site's first pages and train its page dictionary on them (pages.py)."""
        samples = self._samples
        if samples is None or packed.dictionary_id is not None:
            return
        samples.append(packed.body)
        if len(samples) < DICT_SAMPLES:
            return
        self._samples = None  # trained once a run, even when zstd cannot
        data = await self.parser.train_dictionary(samples)
        if data is not None:
            self.page_dictionary = self.archive.add_page_dictionary(self.site.name, data,
                                                                    len(samples))

    async def _more_pages(self, article: Article, following: str | None, first: str,
                          depth: int) -> list[PageOutcome]:
        """Fetch the continuation pages of a multi-page article and append their text; returns
        their outcomes, raw pages packed, for the archive to store with the article's first
        page (so that ``reparse`` can rebuild the whole text).

        Each page fetched gets its own outcome (``continuation``, or why it failed), written
        before the article's: the article row then follows in the same or a later batch.
        """
        fetched: list[PageOutcome] = []
        seen = {first}
        while following and following not in seen and _continues(following, first):
            if len(fetched) >= MAX_ARTICLE_PAGES - 1:
                article.warnings.append(f"more than {MAX_ARTICLE_PAGES} pages: text truncated")
                break
            seen.add(following)
            self.frontier.claim(following)
            result = await self.fetcher.fetch(following)
            key = self.frontier.key(following.split("#")[0])
            outcome = self._outcome(result, Entry(1, 0, key, "page", depth))
            if result.ok:
                outcome.outcome = "continuation"
            self._count(outcome)
            self.sink(outcome)
            if not result.ok:
                article.warnings.append(f"page {following}: {result.outcome}")
                break
            page = await self.parser.parse(result.body, result.content_type,
                                           result.final_url, self.site, follow_links=False)
            if page.article:
                article.append_page(page.article)
            outcome.packed = await self.parser.pack(result.body, "", self.page_dictionary)
            fetched.append(outcome)
            following = page.following
        return fetched


def _continues(url: str, first: str) -> bool:
    """A next page of the same article: same host, and its path extends the first page's
    (``/story/2/``) or only its page parameter differs (``/story/?page=2``)."""
    a, b = urlsplit(url), urlsplit(first)
    if a.netloc != b.netloc:
        return False
    return (a.path != b.path and a.path.startswith(b.path.rstrip("/") + "/")) or (
        a.path == b.path and "page=" in a.query)
