"""The page's links to its other articles, indexed by the elements that hold them: what
the generic widget detection (``widgets.py``) asks of every candidate block ("how many
articles does it link to?", "which of its items is this link?") answered by look-ups.
"""

from __future__ import annotations

import re
from collections import defaultdict
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..urls import absolute_url, is_article_path
from .tags import tag_ids
from .titles import node_text

__all__ = ["LINK_DEPTH", "LinkIndex", "link_title"]

LINK_DEPTH = 7  # link -> widget block: at most this many ancestors up (tagDiv related: 7)
_LINK = tag_ids("a")
# Only hrefs with two hyphens, a long number or .html can be articles (urls.is_article_path):
# this rejects menu, tag and home links before any parsing.
_DIGITS = re.compile(r"\d{5}")
# Share and contact links (lowercased scheme): never articles, as ``absolute_url`` would say
# after a ``urljoin`` of their often long query strings (a tenth of the index's time).
_OTHER_SCHEMES = ("mailto:", "tel:", "sms:", "javascript:", "whatsapp:")


def link_title(link: LexborNode) -> str:
    """A link's text, else its title attribute."""
    return node_text(link) or (link.attributes.get("title") or "").strip()


class LinkIndex:
    """The page's links to its other articles, indexed once by the elements holding them.

    One query for the widget headings (the caller's ``headings``, a selector list) and the
    links (each query walks the whole page; one instead of a query for each, and of one per
    block with two headings, took 5 % off the detection on both dev sets): each article link
    is recorded in up to ``LINK_DEPTH`` ancestors, so "does this heading's parent hold two
    articles?" and "which item of the widget is this link?" are dictionary look-ups instead
    of CSS queries per candidate; the query's order gives each heading and link its
    ``position``.
    """

    def __init__(self, tree: LexborHTMLParser, page_url: str | None, headings: str) -> None:
        self.base = page_url or "http://x/"
        parts = urlsplit(self.base)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.host = parts.netloc.lower()
        self.own_path = parts.path.rstrip("/")
        self.holders: dict[int, set[str]] = {}
        # element -> its links (a defaultdict: appending is the index's innermost step)
        self.held: dict[int, list[tuple[str, LexborNode]]] = defaultdict(list)
        self.nodes: dict[int, LexborNode] = {}
        # href -> (its article URL, whether it counts), or None: pages repeat their links
        cache: dict[str, tuple[str, bool] | None] = {}
        body = tree.body
        stop = body.mem_id if body is not None else -1
        self.titles: dict[int, str] = {}
        self.found = False
        # the links feed the index, the rest are the widget headings (``detect_widgets``)
        self.ordered = tree.css(f":is({headings}, a[href])")
        self.headings: list[LexborNode] = []
        self._positions: dict[int, int] | None = None
        holders, nodes, held, headings = self.holders, self.nodes, self.held, self.headings
        for link in self.ordered:
            if link.tag_id not in _LINK:
                headings.append(link)
                continue
            href = link.attrs.get("href") or ""  # an <a> matched by its aria-label: no href
            known = cache.get(href, False)
            if known is False:
                url = self._article(href)  # a link to the page itself proves no widget:
                known = cache[href] = None if url is None else (url, not self.is_own(url))
            if known is None:
                continue
            self.found = True
            url, counted = known
            node, entry = link.parent, (url, link)
            for _ in range(LINK_DEPTH):
                if node is None or (key := node.mem_id) == stop:
                    break
                held[key].append(entry)
                if counted:
                    urls = holders.get(key)
                    if urls is None:
                        holders[key] = {url}
                        nodes[key] = node
                    else:
                        urls.add(url)
                node = node.parent

    def position(self, node: LexborNode) -> int:
        """Where a heading or a link comes in the page (``ordered``)."""
        if self._positions is None:
            self._positions = {n.mem_id: i for i, n in enumerate(self.ordered)}
        return self._positions[node.mem_id]

    def _article(self, href: str) -> str | None:
        """The absolute URL of ``href`` when it names another article of this site.

        Plain string splitting: ``urlsplit`` per link was a third of the detection time.
        """
        if href.count("-") < 2 and ".htm" not in href and not _DIGITS.search(href):
            return None
        href = href.strip().split("#", 1)[0]
        if href[:11].lower().startswith(_OTHER_SCHEMES):
            return None
        if not (href.startswith("/") and not href.startswith("//")):
            url = href if href.startswith(("http://", "https://")) else absolute_url(
                href, self.base)
            if not url:
                return None
            scheme_host, _, path = url.partition("://")[2].partition("/")
            if scheme_host.lower() != self.host:
                return None
            href = "/" + path
        path = href.split("?", 1)[0]
        if path.rstrip("/") != self.own_path and not is_article_path(path):
            return None
        return self.origin + href

    def is_own(self, url: str) -> bool:
        """Whether ``url`` (as ``_article`` made it) is the page itself."""
        return url[len(self.origin):].split("?", 1)[0].rstrip("/") == self.own_path

    def count(self, node: LexborNode) -> int:
        """How many distinct articles ``node`` links to (within ``LINK_DEPTH`` levels)."""
        return len(self.holders.get(node.mem_id, ()))

    def inside(self, block: LexborNode) -> list[tuple[str, LexborNode]]:
        """The article links within ``LINK_DEPTH`` levels below ``block``, in page order."""
        return self.held.get(block.mem_id, [])

    def title(self, link: LexborNode) -> str:
        """``_link_title`` of a link, computed once (widgets are weighed, then read)."""
        key = link.mem_id
        title = self.titles.get(key)
        if title is None:
            title = self.titles[key] = link_title(link)
        return title
