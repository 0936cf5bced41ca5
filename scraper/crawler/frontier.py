"""The frontier of one site in one run: what to fetch, in which order, and what to skip.

The frontier outlives the run: every URL discovered is written to the archive's
``frontier`` table in the same transaction as the page that revealed it, and every fetched
URL is marked there with its validators (ETag, Last-Modified). So a killed crawl resumes
with what it had discovered, and the nightly run re-fetches only what may have changed:

- sitemaps, feeds and start URLs: every run, with a conditional GET (a 304 costs no parse);
- hub pages (listings fetched before, up to ``recrawl.hub_depth`` hops: ``hubs.py``): every
  run, conditional, within the page budget;
- other listing pages: when a page fetched in this run links to them (again conditional);
- known articles: when a sitemap or feed hint says they changed (``lastmod``, feed date),
  or when they are younger than ``recheck_days`` (conditional GET);
- everything else already fetched is skipped and counted as ``known``.

Crawler traps are refused before they are queued and counted per reason; each trap URL is
also handed to the crawl once per run (``drain_traps``), which records it in ``fetches``
with the outcome ``trap`` and no request, so the archive says why it was never fetched.
Traps never take the room of the URLs worth fetching: the frontier's cap (``room``) counts
the pages queued, and trap URLs have a cap of their own.

Sitemaps and feeds are bounded too, since a site can feed them without end (an index
listing itself under ever new names, or millions of children): at most
``limits.max_sitemaps`` of them are fetched per run, a sitemap index nests at most
``MAX_SITEMAP_DEPTH`` deep, and its children must be on its own host or one of the site's
(sitemaps.org: an index lists sitemaps of its own site only).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from ..config import SiteConfig
from ..store.archive import Archive
from ..urls import looks_like_article_url, view_of, without_anchor
from ..vocab import TRAP_REASONS
from .hubs import due_hubs, is_pagination

__all__ = ["Entry", "Frontier", "trap_reason"]

# Trap limits. Calibrated on real news sites: the deepest legitimate WordPress section
# pagination seen on the seed's theme is a few hundred pages, but nightly crawls only need
# the first few; URLs over 2,000 characters are not linked by any CMS we know of.
MAX_URL_LENGTH = 2000
MAX_SEGMENT_REPEATS = 2  # /a/b/a/b/a/: a relative-link loop repeats segments
MAX_QUERY_VARIANTS = 20  # distinct query strings per path (facets, sort orders, sessions)
ROOM_PER_PAGE = 20  # pages queued per run: this many times the page budget (limits.max_pages)
# An index of indexes is the deepest nesting seen on real sites (sitemaps.org allows none).
MAX_SITEMAP_DEPTH = 2
_PAGE_NUMBER = re.compile(r"/page/(\d+)/?$|[?&](?:page|paged|p|pg)=(\d+)(?:&|$)")
_CALENDAR = re.compile(r"/(\d{4})/(\d{1,2})(?:/(\d{1,2}))?/?$|[?&](?:date|day|month|year)=")


def trap_reason(url: str, max_pagination: int, query_variants: Counter) -> str | None:
    """Why ``url`` looks like a crawler trap (one of ``vocab.TRAP_REASONS``), or None."""
    if len(url) > MAX_URL_LENGTH:
        return "url_too_long"
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if segments and max(Counter(segments).values()) > MAX_SEGMENT_REPEATS:
        return "repeated_segments"
    page = _PAGE_NUMBER.search(url)
    if page and int(page.group(1) or page.group(2)) > max_pagination:
        return "deep_pagination"
    calendar = _CALENDAR.search(parts.path + ("?" + parts.query if parts.query else ""))
    if calendar and calendar.group(1):
        year = int(calendar.group(1))
        if not 1990 <= year <= datetime.now(UTC).year + 1:
            return "calendar"
    elif calendar:
        return "calendar"
    if parts.query:
        query_variants[parts.path] += 1
        if query_variants[parts.path] > MAX_QUERY_VARIANTS:
            return "query_explosion"
    return None


@dataclass(order=True, slots=True)
class Entry:
    """A queued URL: ``priority`` then discovery order decide what is fetched first.

    Slotted: a sitemap queues every article of a site at once, and without an instance
    dict 10,000 queued entries take 0.45 MiB less."""

    priority: int
    order: int
    url: str
    kind: str  # page, sitemap, feed
    depth: int
    hint: dict[str, Any] | None = None
    conditional: dict[str, str] | None = None  # If-None-Match / If-Modified-Since


class Frontier:
    """Decides, for one site and one run, which discovered URLs get fetched."""

    def __init__(self, site: SiteConfig, archive: Archive, max_pages: int | None) -> None:
        self.site = site
        self.archive = archive
        # Pages repeat the same menu and footer links: profiling showed half of the crawl's
        # CPU in canonicalising them again (bench/profile_crawl.py), so keys are memoised.
        self.key = lru_cache(maxsize=1 << 12)(site.url_key)
        self.max_pages = min(max_pages or site.max_pages, site.max_pages)
        self.queue: asyncio.PriorityQueue[Entry] = asyncio.PriorityQueue()
        # key -> {variant URL: how it was seen}, None while the URL was seen under its key
        # only: most are, and an empty dict for each cost 64 B (issue 12's peak-memory round)
        self.seen: dict[str, dict[str, str] | None] = {}
        self.hints: dict[str, dict[str, Any]] = {}  # key -> sitemap/feed hints, when queued
        self.new: list[tuple[str, str, int, str, dict | None]] = []  # to persist
        self.skipped: Counter = Counter()
        self.traps: list[tuple[str, int, str]] = []  # (url, depth, reason) to record
        self.query_variants: Counter = Counter()
        self.pages_taken = 0
        self.room = ROOM_PER_PAGE * self.max_pages  # pages queued, and trap URLs recorded
        self.pages_queued = 0
        self.traps_recorded = 0
        self.documents_queued = 0  # sitemaps and feeds, against site.max_sitemaps

    def seed(self) -> None:
        """Start URLs, configured sitemaps and feeds, and what the archive says is due."""
        for url in self.site.start_urls:
            self.offer(url, "page", 0, "start_url", force=True)
        for url in self.site.sitemaps:
            self.offer(url, "sitemap", 0, "config", force=True)
        for url in self.site.feeds:
            self.offer(url, "feed", 0, "config", force=True)
        since = (datetime.now(UTC) - timedelta(days=self.site.recheck_days)).isoformat()
        for row in self.archive.frontier_due(self.site.name, since):
            # An index's child from an earlier run, its index not known here: on the site's
            # own hosts only (one elsewhere is found again through its index).
            index = self.site.start_urls[0] if row["source"] == "sitemap-index" else None
            self.offer(row["url"], row["kind"], row["depth"] or 0, row["source"] or "frontier",
                       force=True, index=index)
        for url, depth in due_hubs(self.site, self.archive):  # crawler/hubs.py: the policy
            self.offer(url, "page", depth, "hub")

    def offer_links(self, links: list[str], depth: int) -> None:
        """Offer a fetched page's links; its numbered pagination links only while the page
        led to more new articles than to articles earlier runs archived (``hubs.py``)."""
        pages, new, known = [], 0, self.skipped["known"]
        for link in links:
            if is_pagination(link):
                pages.append(link)
            elif self.offer(link, "page", depth, "link") and looks_like_article_url(link):
                new += 1
        if pages and new < self.skipped["known"] - known:
            self.skipped["older_pages"] += len(pages)
            return
        for link in pages:
            self.offer(link, "page", depth, "link")

    def offer(self, url: str, kind: str, depth: int, source: str,
              hint: dict[str, Any] | None = None, force: bool = False,
              index: str | None = None) -> bool:
        """Queue ``url`` if it should be fetched in this run (and say so); otherwise count
        why not.

        ``force`` queues a page whatever its depth, host or patterns (a start URL); sitemaps
        and feeds always count against the run's budget, and a sitemap listed by the
        sitemap ``index`` must be on the index's host or the site's."""
        key = self.key(url)
        if "#" in url:  # an anchor is no part of the URL, a fragment route is (urls.py)
            url = without_anchor(url, self.key)
        if key in self.seen:
            if url != key:
                variants = self.seen[key]
                if variants is None:
                    self.seen[key] = {url: source}
                else:
                    variants.setdefault(url, source)
            if hint and key in self.hints:
                _merge_hint(self.hints[key], hint)
            return False
        reason = (self._document_refusal(key, depth, index) if kind != "page" else
                  None if force else self._refusal(key, depth))
        if reason:
            self.skipped[reason] += 1
            if reason in TRAP_REASONS and self.traps_recorded < self.room:
                self.traps_recorded += 1  # recorded once per run, never fetched
                self.seen[key] = None
                self.traps.append((key, depth, reason))
            return False
        known = self.archive.frontier_get(key)
        if known is None and kind == "page" and view_of(key) and \
                self.archive.article_id(key, self.site.name) is not None:
            # An /amp or /print URL an article page named as its own view (rel=amphtml, a
            # canonical): recorded with that article, never fetched for itself.
            self.skipped["known"] += 1
            self.seen[key] = None
            return False
        conditional = _validators(known) if known else None
        if (known and not force and kind == "page" and known["state"] == "done"
                and known["article_id"] and not _hint_changed(known, hint)):
            self.skipped["known"] += 1
            self.seen[key] = {url: source} if url != key else None
            return False
        self.seen[key] = {url: source} if url != key else None
        hint = self.hints[key] = dict(hint or {})  # later sources of the same URL add to it
        if known is None:
            self.new.append((key, kind, depth, source, hint))
        priority = 0 if kind != "page" else \
            1 if source in ("start_url", "hub") or looks_like_article_url(key) else 2
        if kind == "page":
            self.pages_queued += 1
        else:
            self.documents_queued += 1
        self.queue.put_nowait(Entry(priority, len(self.seen), key, kind, depth, hint,
                                    conditional))
        return True

    def claim(self, url: str) -> None:
        """Mark ``url`` as handled in this run without queueing it (an article's next page,
        the AMP view it names)."""
        self.seen.setdefault(self.key(url), None)

    def _refusal(self, key: str, depth: int) -> str | None:
        site = self.site
        if not site.follows(key):
            return "offsite" if urlsplit(key).netloc not in site.site_hosts else "denied"
        if depth > site.max_depth:
            return "max_depth"
        if self.pages_queued >= self.room:
            return "frontier_full"
        return trap_reason(key, site.max_pagination, self.query_variants)

    def _document_refusal(self, key: str, depth: int, index: str | None) -> str | None:
        if index is not None:
            host = urlsplit(key).netloc
            if host not in self.site.site_hosts and host != urlsplit(self.key(index)).netloc:
                return "offsite"
            if depth > MAX_SITEMAP_DEPTH:
                return "sitemap_depth"
        if self.documents_queued >= self.site.max_sitemaps:
            return "max_sitemaps"
        return None

    def take_page(self) -> bool:
        """Whether the page budget allows one more HTML page this run."""
        if self.pages_taken >= self.max_pages:
            self.skipped["max_pages"] += 1
            return False
        self.pages_taken += 1
        return True

    def drain_traps(self) -> list[tuple[str, int, str]]:
        """Trap URLs refused since the last call: (url, depth, reason)."""
        traps, self.traps = self.traps, []
        return traps

    def drain_new(self) -> list[tuple[str, str, int, str, dict | None]]:
        """URLs discovered since the last call, for the next batch to persist."""
        new, self.new = self.new, []
        return new


def _validators(row: dict[str, Any]) -> dict[str, str] | None:
    headers = {}
    if row.get("etag"):
        headers["If-None-Match"] = row["etag"]
    if row.get("last_modified"):
        headers["If-Modified-Since"] = row["last_modified"]
    return headers or None


def _merge_hint(into: dict[str, Any], hint: dict[str, Any]) -> None:
    """A URL listed by a sitemap and a feed keeps what both said: the first source's values
    win, the other fills the gaps and is named under ``also``."""
    if not into:
        into.update(hint)
        return
    for name, value in hint.items():
        if name not in ("source", "found_in"):
            into.setdefault(name, value)
    also = {"source": hint.get("source"), "found_in": hint.get("found_in")}
    if also != {"source": into.get("source"), "found_in": into.get("found_in")}:
        into.setdefault("also", [])
        if also not in into["also"]:
            into["also"].append(also)


def _hint_changed(row: dict[str, Any], hint: dict[str, Any] | None) -> bool:
    """A sitemap lastmod or feed date other than the one stored means the article changed."""
    if not hint or not hint.get("lastmod"):
        return False
    stored = json.loads(row["hint"]) if row.get("hint") else {}
    return hint["lastmod"] != stored.get("lastmod")
