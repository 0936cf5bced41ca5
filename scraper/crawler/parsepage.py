"""The crawl's parse step: one fetched HTML document -> what the crawl needs from it.

It runs on a worker thread (``PageParser``), never on the event loop: a page that takes
seconds to parse must not hold up every other fetch until its deadline expires. Threads
pay here because Lexbor releases the GIL while it builds the tree (measured: an event-loop
tick every 10 ms kept running through a 1.8 s parse), and they cost no memory the way a
process pool would.

Lexbor's tree building is quadratic in nesting depth (each block start tag walks the stack
of open elements): 5,000 nested ``<div>``s parse in 18 ms, 50,000 in 1.8 s, the 400,000 a
2 MB body can hold in minutes. Pages nested deeper than ``MAX_NESTING`` are refused before
parsing, with an error saying so.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from selectolax.lexbor import LexborHTMLParser

from ..article import Article
from ..config import SiteConfig
from ..errors import TooDeepError
from ..extraction.page import extract_tree
from ..fetch.decode import decode_body
from ..store.pages import Packed, PageDictionary, pack, train_dictionary
from .discover import feed_links, next_page, page_links

__all__ = ["MAX_NESTING", "PARSE_THREADS", "PageParser", "ParsedPage", "parse_page"]

# Far deeper than any real page: by nesting_depth's count, the 181 benchmark news pages
# nest at most 292 deep (median under 40), so this refuses only pathological documents,
# at a parse cost of at most ~70 ms for the nesting itself.
MAX_NESTING = 10_000
# One thread: it overlaps Lexbor (GIL released) with the event loop's Python, which is all
# the second core can give; a second parse thread only contends for the GIL. Measured on
# bench/crawl_pipeline.py's sites at concurrency 32: the same pages/s with 1 and 2 threads
# (117 and 107-125 on distinct, 142 and 109-141 on shared), 4-5 MiB less peak RSS with 1
# (each thread keeps its own malloc arena and zstd state).
PARSE_THREADS = 1
# Elements that never stay open: void elements, and those whose end tag the parser implies
# when the next sibling starts (an old page's thousands of unclosed <p> are not nesting).
_NEVER_NESTED = frozenset({
    b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta",
    b"param", b"source", b"track", b"wbr", b"p", b"li", b"dt", b"dd", b"option", b"optgroup",
    b"tr", b"td", b"th", b"thead", b"tbody", b"tfoot", b"colgroup", b"caption", b"rb", b"rt",
    b"rp"})
_TAG = re.compile(rb"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)>")
# Titles and headings of "not found" pages: specific phrases only, since a news headline
# may well say "not found" ("Missing hiker not found after ...").
_NOT_FOUND = re.compile(
    r"^\W*(?:error\W*)?404\s*(?:$|[-|:\u2013\u2014])|\b404\W+(?:error|not found|page)|"
    r"\b(?:page|article|content|post|story|file)\s+(?:was\s+)?not\s+found\b|^\W*not found\b|"
    r"\bpage\s+(?:can.?t|cannot|could\s?n.?t)\s+be\s+found|"
    r"\bpage\s+(?:does\s?n.?t|does not|no longer)\s+exists?",
    re.IGNORECASE,
)


@dataclass
class ParsedPage:
    """What one HTML page gave the crawl. ``article`` is None for a soft-404 page."""

    fingerprint: str
    soft_404: str | None = None
    links: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    following: str | None = None
    article: Article | None = None


def fingerprint(body: bytes) -> str:
    """Identity of a page up to whitespace: a 200 page equal to a 404 page is a soft 404."""
    return hashlib.sha1(b" ".join(body.split()), usedforsecurity=False).hexdigest()


def nesting_depth(body: bytes, limit: int = MAX_NESTING) -> int:
    """How deep the elements of ``body`` nest, counting up to just past ``limit``."""
    if body.count(b"<") <= limit:  # too few tags to nest that deep: skip the scan
        return 0
    depth = deepest = 0
    for match in _TAG.finditer(body):
        closing, name, self_closing = match.groups()
        if self_closing or name.lower() in _NEVER_NESTED:
            continue
        if closing:
            depth = max(0, depth - 1)
            continue
        depth += 1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
    return deepest


def _soft_404(tree: LexborHTMLParser) -> str | None:
    if tree.css_first("body.error404"):
        return "theme marks the page error404"
    for selector in ("title", "h1"):
        node = tree.css_first(selector)
        heading = node.text(strip=True) if node else ""
        if heading and _NOT_FOUND.search(heading):
            return f"{selector} says {heading[:80]!r}"
    return None


def parse_page(body: bytes, content_type: str | None, url: str, site: SiteConfig,
               follow_links: bool = True, fetched: str | None = None) -> ParsedPage:
    """Decode, parse and extract one page; raises TooDeepError for a nesting bomb.
    ``fetched``: when the page was fetched (ISO), if not now (a WARC record's date): it
    picks the site's layout version."""
    page = ParsedPage(fingerprint(body))
    depth = nesting_depth(body)
    if depth > MAX_NESTING:
        raise TooDeepError(f"elements nested more than {MAX_NESTING} deep: refused unparsed")
    text, _ = decode_body(body, content_type)
    tree = LexborHTMLParser(text)
    page.soft_404 = _soft_404(tree)
    if page.soft_404:
        return page
    page.links = page_links(tree, url) if follow_links else []
    page.feeds = feed_links(tree, url)
    page.following = next_page(tree, url)
    fetched = fetched or datetime.now(UTC).isoformat(timespec="seconds")  # picks the layout
    page.article = extract_tree(tree, url, site, fetched)  # last: it removes nodes from the tree
    return page


class PageParser:
    """The threads pages are parsed (and articles packed for storage) on;
    ``async with PageParser() as parser``."""

    def __init__(self, threads: int = PARSE_THREADS) -> None:
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="newsarchive-parse")

    async def __aenter__(self) -> PageParser:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    async def parse(self, body: bytes, content_type: str | None, url: str, site: SiteConfig,
                    follow_links: bool = True) -> ParsedPage:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, parse_page, body, content_type, url,
                                          site, follow_links)

    async def pack(self, body: bytes, text: str,
                   dictionary: PageDictionary | None = None) -> Packed:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, pack, body, text, dictionary)

    async def train_dictionary(self, stored: list[bytes]) -> bytes | None:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, train_dictionary, stored)
