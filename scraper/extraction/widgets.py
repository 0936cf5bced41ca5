"""Link widgets ("Latest news", "Must read", "Related", ...) as typed link rows.

A site file describes its widgets (``[[widgets]]``: a block found by CSS selector or by its
heading text); a site without them gets the generic detection: a block of links to
article-like URLs of the same site under a heading, an ARIA label or a telling class name
(one link is enough under a heading of a known kind, "Related" or "Most read"; an unknown
heading needs two). Headings are classified into kinds by ``widgetwords.classify_heading``;
an unknown heading keeps kind ``other`` with its words in ``Link.heading``. Both paths
treat the same things alike: a block holding several headings gives each heading the items
that follow it; an item linking to the page itself stays an item (it holds its place in
the widget) but is no evidence that a block is a widget; and every widget records the
heading the page shows for it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import TYPE_CHECKING

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..article import Link
from ..urls import absolute_url, looks_like_article_url
from .linkindex import LINK_DEPTH, LinkIndex, link_title
from .tags import PAGE, tag_ids
from .titles import node_text
from .widgetwords import NAVIGATION, classify_heading

if TYPE_CHECKING:  # named in annotations only: extraction loads no site-file layer
    from ..config import WidgetConfig

__all__ = ["configured_widgets", "detect_widgets"]

# Heading elements of generic widgets, and the class words of a heading or of a widget box.
# Calibrated on the seed site (tagDiv "block-title", "td-more-articles-box-title") and
# WordPress themes ("widget-title", "widgettitle"); a "*-title" that links to an article is a
# teaser's title, not a widget heading. ``:is`` keeps Lexbor from listing a node twice.
_HEADINGS = "h2, h3, h4, h5, h6, [role=heading], [aria-label]"
_HEADING_SELECTOR = f":is({_HEADINGS})"
_NOT_WIDGETS = tag_ids("nav", "header", "footer", "ul", "ol", "menu", "a", "button", "input",
                       "form", "select")
_PARAGRAPH = tag_ids("p")
# More article links than this in one block is a menu or a site map, not a widget (the
# largest widgets of the dev sets' pages list 16 items; mega menus list hundreds).
_MAX_ITEMS = 40
_BOX_HEADING_SELECTOR = ":is(h2, h3, h4, h5, h6, [class*=title], [class*=heading])"
# Class words of a link box; its heading (if any) decides the kind, else the word does.
_CLASS_KIND = re.compile(  # in lowercased class and id
    r"related|latest|most-?popular|popular|recommend|must-?read|trending|more-articles|"
    r"more-stories|widget")
_TEASER_CLASS = re.compile(r"excerpt|teaser|summary|dek|standfirst|desc")  # lowercased class
# A block under an unknown heading whose links carry less than this share of its text is
# prose with inline links (an article body under a subheading), not a link widget: on the
# seed page the widgets sit at 0.25-0.5 and the article body at 0.02; 90% of the blocks
# accepted on the scrapinghub pages are above 0.25.
_MIN_WIDGET_LINK_SHARE = 0.15
_MIN_TITLE_CHARS = 12  # shorter link texts are "Read more", menu entries or dates
_MAX_CLIMB = 4  # heading -> widget block: at most this many ancestors up


@lru_cache(maxsize=1024)
def _class_word(marker: str) -> str | None:
    """The first ``_CLASS_KIND`` word in a "class id" string, or None. Cached: item boxes
    repeat their class strings down a page (68% of the look-ups on the dev sets hit 1,024
    entries, 71% hit 4,096: the small cache keeps the RSS where it was)."""
    match = _CLASS_KIND.search(marker.lower())
    return match.group(0) if match else None


def _first_line(node: LexborNode | None) -> str | None:
    if node is None:
        return None
    for line in node.text(deep=True, separator="\n").splitlines():
        if line.strip():
            return " ".join(line.split())
    return None


def _text(node: LexborNode | None) -> str | None:
    return (node_text(node) or None) if node is not None else None


def _items_by_selector(block: LexborNode, spec: WidgetConfig, base: str) -> list[tuple]:
    """(title, url, teaser) per item; an item's link is the first one with a title (a
    teaser's image link often comes first and has none)."""
    items = []
    for item in block.css(spec.item) if spec.item else [block]:
        links = item.css(spec.title) if spec.title else item.css("a[href]")
        for link in links:
            url = absolute_url(link.attributes.get("href"), base)
            title = link_title(link)
            if url and title:
                teaser = _text(item.css_first(spec.teaser)) if spec.teaser and spec.item else None
                items.append((title, url, teaser))
                if spec.item:
                    break
    return items


def _block_heading(block: LexborNode, items: list[tuple]) -> str | None:
    """The heading a block shows for itself: its first heading-like element that is not an
    item's title, else a heading element right before it."""
    urls = {url for _, url, _ in items}
    titles = {title for title, _, _ in items}
    for node in block.css(_BOX_HEADING_SELECTOR):
        text = _first_line(node)
        if not text or len(text) > 60 or text in titles:
            continue
        hrefs = [a.attributes.get("href") or "" for a in node.css("a[href]")]
        if not any(href and any(url.endswith(href.split("#")[0]) for url in urls)
                   for href in hrefs):
            return text
    previous = block.prev
    while previous is not None and previous.tag in ("-text", "-comment"):
        previous = previous.prev
    if previous is not None and previous.tag in ("h2", "h3", "h4", "h5", "h6"):
        text = _first_line(previous)
        return text if text and len(text) <= 60 else None
    return None


class _Rows:
    """Widget links in the order found: a kind's positions count from 1 and a URL is listed
    once a kind. What each kind has seen is kept, not recounted from the list per widget
    (on a page of 8,000 one-link widgets, the recount was over half of its 11 s)."""

    def __init__(self) -> None:
        self.links: list[Link] = []
        self._seen: dict[str, set[str]] = {}

    def add(self, kind: str, heading: str | None, items: list[tuple]) -> None:
        """Append ``items`` (title, url, teaser) of one widget of ``kind``."""
        seen = self._seen.setdefault(kind, set())
        for title, url, teaser in items:
            if url not in seen:
                seen.add(url)
                self.links.append(Link(kind, len(seen), title, url, teaser, heading))


def _heading_nodes(tree: LexborHTMLParser, text: str) -> list[LexborNode]:
    wanted = text.strip().lower()
    return [n for n in tree.css(_HEADING_SELECTOR + ", span, strong, b, p")
            if (_first_line(n) or "").lower() == wanted]


def _block_under(heading: LexborNode, base: str | None, min_links: int = 1) -> LexborNode | None:
    """The nearest ancestor of a heading that holds ``min_links`` article links."""
    node = heading.parent
    for _ in range(_MAX_CLIMB):
        if node is None or node.tag_id in PAGE:
            return None
        urls = {absolute_url(a.attributes.get("href"), base or "http://x/") for a in node.css("a")}
        if sum(1 for u in urls if u and looks_like_article_url(u, base)) >= min_links:
            return node
        node = node.parent
    return None


def configured_widgets(tree: LexborHTMLParser, specs: tuple[WidgetConfig, ...],
                       base: str, detect: bool = False) -> list[Link]:
    """Links of the widgets a site file describes, in the order the file lists them; with
    ``detect``, then those the generic detection finds among the other links."""
    rows = _configured(tree, specs, base)
    if detect:
        known = {link.url for link in rows.links}
        for link in detect_widgets(tree, base or None):
            if link.url not in known:
                rows.add(link.kind, link.heading, [(link.title, link.url, link.teaser)])
    return rows.links


def _configured(tree: LexborHTMLParser, specs: tuple[WidgetConfig, ...], base: str) -> _Rows:
    rows = _Rows()
    for spec in specs:
        blocks: list[tuple[LexborNode, str | None]] = []
        if spec.selector:
            for block in tree.css(spec.selector):
                heading = _first_line(block.css_first(spec.heading_selector)) \
                    if spec.heading_selector else spec.heading
                if spec.heading and (heading or "").lower() != spec.heading.lower():
                    continue
                blocks.append((block, heading))
        else:
            for node in _heading_nodes(tree, spec.heading or ""):
                block = _block_under(node, base)
                if block is not None:
                    blocks.append((block, spec.heading))
        for block, heading in blocks:
            items = _items_by_selector(block, spec, base)
            heading = heading or _block_heading(block, items)
            kind = classify_heading(heading) if spec.kind == "auto" else spec.kind
            rows.add(kind, heading, items)
    return rows


def _items(links: list[tuple[str, LexborNode]], index: LinkIndex) -> list[tuple]:
    """(title, url, link) per distinct article of ``links`` (a widget block's or one of its
    sections'), in page order. The teasers are read by ``_teasers``, for the sections that
    become widgets only (a third of the items sit in sections that do not)."""
    best: dict[str, tuple[str, LexborNode]] = {}
    for url, link in links:
        title = index.title(link)
        if url not in best or len(title) > len(best[url][0]):
            best[url] = (title, link)
    return [(title, url, link) for url, (title, link) in best.items()
            if len(title) >= _MIN_TITLE_CHARS]


def _teasers(block: LexborNode, index: LinkIndex, items: list[tuple]) -> list[tuple]:
    """(title, url, teaser) for the ``_items`` of a widget block."""
    found = []
    for title, url, link in items:
        item = _item_node(link, block, index)
        found.append((title, url, None if item.mem_id == link.mem_id else _teaser(item, title)))
    return found


def _teaser(item: LexborNode, title: str) -> str | None:
    """The item's summary: its first paragraph or excerpt-like element that is not the title.

    Class names are matched in Python: items are a few nodes, and Lexbor's substring
    selectors cost more than the loop."""
    for node in item.css(":is(p, [class])"):
        if (node.tag_id in _PARAGRAPH
                or _TEASER_CLASS.search((node.attrs.get("class") or "").lower())) and (
                text := _text(node)) and text != title and title not in text:
            return text
    return None


def _item_node(link: LexborNode, block: LexborNode, index: LinkIndex) -> LexborNode:
    """The widest element around ``link`` below ``block`` that holds no other article."""
    node, stop, holders = link, block.mem_id, index.holders  # mem_id makes a new int each read
    while (parent := node.parent) is not None and (key := parent.mem_id) != stop \
            and len(holders.get(key, ())) <= 1:  # index.count(parent)
        node = parent
    return node


def _block_for(heading: LexborNode, index: LinkIndex, minimum: int) -> LexborNode | None:
    """The nearest ancestor of a heading that links to ``minimum`` or more articles."""
    node = heading.parent
    for _ in range(_MAX_CLIMB):
        if node is None or node.tag_id in PAGE:
            return None
        if index.count(node) >= minimum:
            return node
        node = node.parent
    return None


def _is_widget(block: LexborNode, index: LinkIndex) -> bool:
    linked = sum(len(index.title(link)) for _, link in index.inside(block))
    text = block.text()
    if linked >= _MIN_WIDGET_LINK_SHARE * max(len(text), 1):
        return True  # folding the whitespace could only shorten the text
    total = len(" ".join(text.split())) or 1
    return linked >= _MIN_WIDGET_LINK_SHARE * total


def _minimum(kind: str) -> int:
    """Items a block needs to be a widget: a heading of a known kind is evidence enough."""
    return 2 if kind == "other" else 1


def detect_widgets(tree: LexborHTMLParser, base: str | None,
                   h1: LexborNode | None = None) -> list[Link]:
    """Generic widget detection for pages whose site file describes none.

    Candidates are headings (h2-h6, ARIA, "*-title" classes) and the link-holding boxes
    whose class names a kind (related, latest, most-popular, ...); a candidate becomes a
    widget when it holds links to other articles of the site (``_minimum``) and those links
    are not prose (the article body, which holds the page's ``<h1>``, never is one).
    """
    index = LinkIndex(tree, base, _HEADINGS)
    if not index.found:
        return []
    around_title = _ancestor_ids(h1 if h1 is not None else tree.css_first("h1"))
    candidates: list[tuple[LexborNode, str | None, str, LexborNode | None]] = []
    for heading in index.headings:
        if heading.tag_id in _NOT_WIDGETS or index.count(heading):  # menus name themselves
            continue  # with aria-label; a heading linking to articles is a teaser's title
        text = heading.attributes.get("aria-label") or _first_line(heading)  # mostly absent
        if text and len(text) <= 60 and not NAVIGATION.search(text.lower()):
            kind = classify_heading(text)
            block = _block_for(heading, index, _minimum(kind))
            if block is not None:
                candidates.append((block, text, kind, heading))
    for key, urls in reversed(index.holders.items()):  # outer boxes before inner ones
        node = index.nodes[key]
        attrs = node.attributes  # one dict: two Lexbor look-ups, one a miss, cost twice that
        if word := _class_word(f"{attrs.get('class') or ''} {attrs.get('id') or ''}"):
            word_kind = None if len(urls) > 1 else classify_heading(word.replace("-", " "))
            if word_kind == "other":
                continue  # one link in a "widget" box: no evidence (the cheap test first)
            title = node.css_first(_BOX_HEADING_SELECTOR)
            heading = _first_line(title) if title is not None and not index.count(title) else None
            if heading and len(heading) > 60:
                heading = None  # a teaser's text, not the box's heading
            kind = classify_heading(heading)
            if kind == "other":
                kind = word_kind or classify_heading(word.replace("-", " "))
            if len(urls) >= _minimum(kind):
                candidates.append((node, heading, kind, None))
    groups: dict[int, list[tuple[LexborNode, str | None, str, LexborNode | None]]] = {}
    for candidate in candidates:
        groups.setdefault(candidate[0].mem_id, []).append(candidate)
    rows = _Rows()
    used: set[int] = set()
    for group in groups.values():
        block = group[0][0]
        if block.mem_id in around_title or used & _ancestor_ids(block, LINK_DEPTH):
            continue
        prose = None
        for heading, kind, items in _sections(block, group, index):
            if not _minimum(kind) <= len(items) <= _MAX_ITEMS:
                continue  # before weighing the block's text: that cannot change this
            if kind == "other":  # a known heading is evidence; an unknown one needs more
                prose = (not _is_widget(block, index)) if prose is None else prose
                if prose:
                    continue
            used.add(block.mem_id)
            rows.add(kind, heading, _teasers(block, index, items))
    return rows.links


def _sections(block: LexborNode, group: list[tuple], index: LinkIndex,
              ) -> list[tuple[str | None, str, list[tuple]]]:
    """(heading, kind, items) of a block: one per heading it holds, each heading owning the
    links between it and the next one (a sidebar box with "Most read" and "Latest" lists);
    the headings and links are ordered by their positions in the page, and each link is
    placed by a binary search among the headings' (one pass over the links: a block of
    4,000 headings and links took 8 s when each heading looked at every link)."""
    headed = [(text, kind, node) for _, text, kind, node in group if node is not None]
    if len(headed) < 2:
        _, text, kind, _ = group[0]
        return [(text, kind, _items(index.inside(block), index))]
    headed.sort(key=lambda h: index.position(h[2]))
    starts = [index.position(node) for _, _, node in headed]
    starts[0] = -1  # links before the first heading are its own
    owned: list[list[tuple[str, LexborNode]]] = [[] for _ in headed]
    for entry in index.inside(block):
        owned[bisect_right(starts, index.position(entry[1])) - 1].append(entry)
    return [(text, kind, _items(links, index))
            for (text, kind, _), links in zip(headed, owned, strict=True)]


def _ancestor_ids(node: LexborNode | None, limit: int = 256) -> set[int]:
    """``node`` and its ancestors (``limit`` of them: widgets nest shallowly)."""
    ids = set()
    while node is not None and len(ids) < limit:
        ids.add(node.mem_id)
        node = node.parent
    return ids
