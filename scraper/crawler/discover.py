"""Discover step: where the crawler finds URLs to fetch.

Sitemaps (``<urlset>`` and ``<sitemapindex>``, gzipped or not, Google News extensions),
RSS/Atom feeds, and the links of fetched HTML pages (``<a href>`` plus ``rel=next``
pagination). Sitemaps and feeds are read with tolerant patterns rather than an XML parser:
real ones often carry a comment before the XML declaration, stray entities or a byte-order
mark, and an XML parser would reject the whole file for one such flaw.
"""

from __future__ import annotations

import html
import re
import zlib
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from ..urls import absolute_url

__all__ = [
    "Hint", "parse_sitemap", "parse_feed", "page_links", "feed_links", "next_page",
    "looks_like_xml_feed",
]

_MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit for one uncompressed file
_ENTRY = re.compile(r"<(url|sitemap)\b[^>]*>(.*?)</\1\s*>", re.S | re.I)
_ITEM = re.compile(r"<(item|entry)\b[^>]*>(.*?)</\1\s*>", re.S | re.I)


@dataclass(frozen=True)
class Hint:
    """A URL a sitemap or feed announced, with what it said about it."""

    url: str
    lastmod: str | None = None
    title: str | None = None
    source: str = "sitemap"
    keywords: str | None = None
    authors: tuple[str, ...] = ()

    def as_dict(self, found_in: str) -> dict[str, object]:
        """The hint as stored with the article: what was said, where, and by which kind."""
        data = {"source": self.source, "found_in": found_in, "lastmod": self.lastmod,
                "title": self.title, "keywords": self.keywords, "authors": list(self.authors)}
        return {k: v for k, v in data.items() if v}


def _tag(block: str, name: str) -> str | None:
    match = re.search(rf"<{name}\b[^>]*>(.*?)</{name}\s*>", block, re.S | re.I)
    if not match:
        return None
    value = match.group(1).strip()
    if value.startswith("<![CDATA["):
        value = value[9:].removesuffix("]]>")
    return html.unescape(value.strip()) or None


def _maybe_gunzip(body: bytes) -> bytes:
    if body[:2] != b"\x1f\x8b":
        return body
    try:
        return zlib.decompressobj(wbits=31).decompress(body, _MAX_SITEMAP_BYTES)
    except zlib.error:
        return b""


def parse_sitemap(body: bytes, base: str) -> tuple[list[Hint], list[str]]:
    """Page hints and child sitemap URLs of one sitemap or sitemap index."""
    text = _maybe_gunzip(body).decode("utf-8", "replace")
    pages: list[Hint] = []
    children: list[str] = []
    for kind, block in _ENTRY.findall(text):
        loc = absolute_url(_tag(block, "loc"), base)
        if not loc:
            continue
        if kind.lower() == "sitemap":
            children.append(loc)
            continue
        lastmod = _tag(block, "lastmod") or _tag(block, "news:publication_date")
        pages.append(Hint(loc, lastmod, _tag(block, "news:title"), "sitemap",
                          _tag(block, "news:keywords")))
    return pages, children


def parse_feed(body: bytes, base: str) -> list[Hint]:
    """Entries of an RSS 2.0 or Atom feed as hints (link, date, title)."""
    text = _maybe_gunzip(body).decode("utf-8", "replace")
    hints = []
    for kind, block in _ITEM.findall(text):
        if kind.lower() == "item":
            link = _tag(block, "link") or _tag(block, "guid")
            date = _tag(block, "pubDate") or _tag(block, "dc:date")
            authors = [a for a in (_tag(block, "dc:creator"), _tag(block, "author")) if a]
        else:
            match = re.search(r"<link\b(?=[^>]*rel=[\"']alternate[\"']|(?![^>]*rel=))[^>]*"
                              r"href=[\"']([^\"']+)[\"']", block, re.I)
            link = html.unescape(match.group(1)) if match else None
            date = _tag(block, "updated") or _tag(block, "published")
            authors = re.findall(r"<author\b[^>]*>.*?<name>(.*?)</name>", block, re.S | re.I)
        url = absolute_url(link, base)
        if url:
            hints.append(Hint(url, date, _tag(block, "title"), "feed",
                              authors=tuple(html.unescape(a).strip() for a in authors)))
    return hints


def looks_like_xml_feed(body: bytes) -> bool:
    head = _maybe_gunzip(body[:4096])[:2048].lower()
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


def feed_links(tree: LexborHTMLParser, base: str) -> list[str]:
    """Feeds a page announces with ``<link rel=alternate type=application/rss+xml|atom+xml>``."""
    selector = ('link[rel="alternate"][type="application/rss+xml"][href], '
                'link[rel="alternate"][type="application/atom+xml"][href]')
    urls = (absolute_url(n.attributes.get("href"), base) for n in tree.css(selector))
    return [u for u in dict.fromkeys(urls) if u and not re.search(r"/comments/feed/?$", u)]


def next_page(tree: LexborHTMLParser, base: str) -> str | None:
    """The next page of a multi-page article (``rel=next``), or None."""
    node = tree.css_first('link[rel="next"][href], a[rel="next"][href]')
    return absolute_url(node.attributes.get("href"), base) if node is not None else None


def page_links(tree: LexborHTMLParser, base: str) -> list[str]:
    """Every http(s) link of a page, pagination (``rel=next``) first, in document order."""
    hrefs = [node.attributes.get("href") for node in
             tree.css('link[rel="next"][href], a[rel="next"][href]')]
    hrefs += [node.attributes.get("href") for node in tree.css("a[href]")]
    # A news page repeats its menus and widgets: resolve each distinct href once.
    urls = (absolute_url(href, base) for href in dict.fromkeys(hrefs))
    return [u for u in dict.fromkeys(urls) if u]
