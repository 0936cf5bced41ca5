"""The frontier of one site in one run: what to fetch, in which order, and what to skip.

The frontier outlives the run: every URL discovered is written to the archive's
``frontier`` table in the same transaction as the page that revealed it, and every fetched
URL is marked there with its validators (ETag, Last-Modified). So a killed crawl resumes
with what it had discovered, and the nightly run re-fetches only what may have changed:

- sitemaps, feeds and start URLs: every run, with a conditional GET (a 304 costs no parse);
- listing pages: when a page fetched in this run links to them (again conditional);
- known articles: when a sitemap or feed hint says they changed (``lastmod``, feed date),
  or when they are younger than ``recheck_days`` (conditional GET);
- everything else already fetched is skipped and counted as ``known``.

Crawler traps are refused before they are queued and counted per reason; each trap URL is
also handed to the crawl once per run (``drain_traps``), which records it in ``fetches``
with the outcome ``trap`` and no request, so the archive says why it was never fetched.
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

from .config import SiteConfig
from .store import Archive
from .widgets import looks_like_article_url

__all__ = ["Entry", "Frontier", "TRAP_REASONS", "trap_reason"]

# Trap limits. Calibrated on real news sites: the deepest legitimate WordPress section
# pagination seen on the seed's theme is a few hundred pages, but nightly crawls only need
# the first few; URLs over 2,000 characters are not linked by any CMS we know of.
MAX_URL_LENGTH = 2000
MAX_SEGMENT_REPEATS = 2  # /a/b/a/b/a/: a relative-link loop repeats segments
MAX_QUERY_VARIANTS = 20  # distinct query strings per path (facets, sort orders, sessions)
_PAGE_NUMBER = re.compile(r"/page/(\d+)/?$|[?&](?:page|paged|p|pg)=(\d+)(?:&|$)")
_CALENDAR = re.compile(r"/(\d{4})/(\d{1,2})(?:/(\d{1,2}))?/?$|[?&](?:date|day|month|year)=")
# The reasons trap_reason gives; other refusals (offsite, denied, max_depth, ...) are policy.
TRAP_REASONS = frozenset(
    {"url_too_long", "repeated_segments", "deep_pagination", "calendar", "query_explosion"})


def trap_reason(url: str, max_pagination: int, query_variants: Counter) -> str | None:
    """Why ``url`` looks like a crawler trap, or None."""
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


@dataclass(order=True)
class Entry:
    """A queued URL: ``priority`` then discovery order decide what is fetched first."""

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
        self.seen: dict[str, dict[str, str]] = {}  # key -> {variant URL: how it was seen}
        self.hints: dict[str, dict[str, Any]] = {}  # key -> sitemap/feed hints, when queued
        self.new: list[tuple[str, str, int, str, dict | None]] = []  # to persist
        self.skipped: Counter = Counter()
        self.traps: list[tuple[str, int, str]] = []  # (url, depth, reason) to record
        self.query_variants: Counter = Counter()
        self.pages_taken = 0

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
            self.offer(row["url"], row["kind"], row["depth"] or 0, row["source"] or "frontier",
                       force=True)

    def offer(self, url: str, kind: str, depth: int, source: str,
              hint: dict[str, Any] | None = None, force: bool = False) -> None:
        """Queue ``url`` if it should be fetched in this run; otherwise count why not."""
        url = url.split("#")[0]
        key = self.key(url)
        if key in self.seen:
            if url != key:
                self.seen[key].setdefault(url, source)
            if hint and key in self.hints:
                _merge_hint(self.hints[key], hint)
            return
        if kind == "page" and not force:
            reason = self._refusal(key, depth)
            if reason:
                self.skipped[reason] += 1
                if reason in TRAP_REASONS:  # recorded once per run, never fetched
                    self.seen[key] = {}
                    self.traps.append((key, depth, reason))
                return
        known = self.archive.frontier_get(key)
        conditional = _validators(known) if known else None
        if (known and not force and kind == "page" and known["state"] == "done"
                and known["article_id"] and not _hint_changed(known, hint)):
            self.skipped["known"] += 1
            self.seen[key] = {url: source} if url != key else {}
            return
        self.seen[key] = {url: source} if url != key else {}
        hint = self.hints[key] = dict(hint or {})  # later sources of the same URL add to it
        if known is None:
            self.new.append((key, kind, depth, source, hint))
        priority = 0 if kind != "page" else 1 if looks_like_article_url(key) else 2
        self.queue.put_nowait(Entry(priority, len(self.seen), key, kind, depth, hint,
                                    conditional))

    def claim(self, url: str) -> None:
        """Mark ``url`` as handled in this run without queueing it (an article's next page)."""
        self.seen.setdefault(self.key(url.split("#")[0]), {})

    def _refusal(self, key: str, depth: int) -> str | None:
        site = self.site
        if not site.follows(key):
            return "offsite" if urlsplit(key).netloc not in site.site_hosts else "denied"
        if depth > site.max_depth:
            return "max_depth"
        if len(self.seen) >= 20 * self.max_pages:
            return "frontier_full"
        return trap_reason(key, site.max_pagination, self.query_variants)

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
