"""Discover step: where the crawler finds URLs to fetch.

Sitemaps (``<urlset>`` and ``<sitemapindex>``, gzipped or not, Google News extensions, and
plain-text sitemaps of one URL per line), RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 feeds, and the
links of fetched HTML pages (``<a href>`` plus ``rel=next`` pagination). Sitemaps and feeds
are read with tolerant patterns rather than an XML parser: real ones often carry a comment
before the XML declaration, stray entities or a byte-order mark, and an XML parser would
reject the whole file for one such flaw.

feedparser was measured as the alternative (issue 16): on 25 of its own test feeds about
entry links and ids (RSS guids with and without ``isPermaLink``, Atom 0.3 and 1.0 links by
``href`` or as text, rel priorities, id-only entries), the URL lists feedparser 6.0.14 gives
match what each file's ``Expect:`` line names on 21; these patterns match on all 25
(feedparser takes an enclosure link before a later alternate one, and an ``urn:uuid`` id as a
link). It would also be a second, slower parser for what a crawler needs: URLs and dates.
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
# <link .../> or <link ...>text</link> (not <atom:link>, a feed's self link in RSS items).
_LINK = re.compile(r"<link\b([^>]*?)(/)?>(?(2)|(.*?)</link\s*>)", re.S | re.I)
_ATTR_HREF = re.compile(r"\bhref\s*=\s*([\"'])(.*?)\1", re.S | re.I)
_ATTR_REL = re.compile(r"\brel\s*=\s*([\"'])(.*?)\1", re.S | re.I)
_GUID = re.compile(r"<guid\b([^>]*)>(.*?)</guid\s*>", re.S | re.I)
_XML_START = re.compile(r"\s*(?:\ufeff)?\s*<")  # XML (or HTML): not a plain-text sitemap
_MAX_TEXT_URLS = 50_000  # sitemaps.org: at most 50,000 URLs per sitemap file


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


def _text(value: str) -> str | None:
    value = value.strip()
    if value.startswith("<![CDATA["):
        value = value[9:].removesuffix("]]>")
    return html.unescape(value.strip()) or None


def _tag(block: str, name: str) -> str | None:
    match = re.search(rf"<{name}\b[^>]*>(.*?)</{name}\s*>", block, re.S | re.I)
    return _text(match.group(1)) if match else None


def _maybe_gunzip(body: bytes) -> bytes:
    if body[:2] != b"\x1f\x8b":
        return body
    try:
        return zlib.decompressobj(wbits=31).decompress(body, _MAX_SITEMAP_BYTES)
    except zlib.error:
        return b""


def parse_sitemap(body: bytes, base: str) -> tuple[list[Hint], list[str]]:
    """Page hints and child sitemap URLs of one sitemap or sitemap index, XML or plain text
    (one absolute URL per line, as sitemaps.org allows)."""
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
    if not pages and not children and not _XML_START.match(text):
        pages = [Hint(url) for url in _text_sitemap(text)]
    return pages, children


def _text_sitemap(text: str) -> list[str]:
    """The URLs of a plain-text sitemap: lines holding one absolute http(s) URL, at most the
    50,000 sitemaps.org allows; anything else (an HTML error page) yields nothing."""
    urls = []
    for line in text.lstrip("\ufeff").splitlines()[:_MAX_TEXT_URLS]:
        line = line.strip()
        if line.startswith(("http://", "https://")) and not any(c.isspace() for c in line):
            urls.append(line)
    return urls


def _links(block: str) -> list[tuple[str, str]]:
    """(rel, URL) of every ``<link>`` of an entry: the URL in ``href``, or (Atom 0.3, and
    feeds that ignore the spec) as the element's text; rel defaults to ``alternate``."""
    found = []
    for match in _LINK.finditer(block):
        attrs, closed, text = match.group(1), match.group(2), match.group(3)
        href = _ATTR_HREF.search(attrs)
        url = href.group(2) if href else (None if closed else _text(text or ""))
        rel = _ATTR_REL.search(attrs)
        if url:
            found.append(((rel.group(2) if rel else "alternate").strip().lower(),
                          html.unescape(url).strip()))
    return found


def _rss_link(block: str) -> str | None:
    """An RSS item's URL: its ``<link>``, else a ``<guid>`` that is a permalink (not
    ``isPermaLink="false"``) and an absolute URL; a guid is an identifier, not a place."""
    link = next((url for _, url in _links(block)), None)
    if link:
        return link
    guid = _GUID.search(block)
    if guid and not re.search(r"isPermaLink\s*=\s*[\"']?false", guid.group(1), re.I):
        value = _text(guid.group(2))
        if value and value.startswith(("http://", "https://")):
            return value
    return None


def _atom_link(block: str) -> str | None:
    """An Atom entry's URL: its first ``rel=alternate`` link, else its ``<id>`` when that is
    an http(s) URL (WordPress and many CMSs use the permalink as the id)."""
    link = next((url for rel, url in _links(block) if rel == "alternate"), None)
    if link:
        return link
    entry_id = _tag(block, "id")
    return entry_id if entry_id and entry_id.startswith(("http://", "https://")) else None


def parse_feed(body: bytes, base: str) -> list[Hint]:
    """Entries of an RSS 0.9x/1.0/2.0 or Atom 0.3/1.0 feed as hints (link, date, title)."""
    text = _maybe_gunzip(body).decode("utf-8", "replace")
    hints = []
    for kind, block in _ITEM.findall(text):
        if kind.lower() == "item":
            link = _rss_link(block)
            date = _tag(block, "pubDate") or _tag(block, "dc:date")
            authors = [a for a in (_tag(block, "dc:creator"), _tag(block, "author")) if a]
        else:
            link = _atom_link(block)
            # Atom 1.0 updated/published; Atom 0.3 modified/issued/created.
            date = next(filter(None, (_tag(block, name) for name in (
                "updated", "modified", "published", "issued", "created"))), None)
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
