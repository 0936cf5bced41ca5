"""Link widgets ("Latest news", "Must read", "Related", ...) as typed link rows.

A site file describes its widgets (``[[widgets]]``: a block found by CSS selector or by its
heading text); a site without them gets the generic detection: a block of two or more
links to article-like URLs of the same site under a heading, an ARIA label or a telling
class name. Headings are classified into kinds by ``classify_heading``; an unknown heading
keeps kind ``other`` with its words in ``Link.heading``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .article import Link
from .config import WidgetConfig
from .urls import absolute_url, canonical_url

__all__ = ["classify_heading", "configured_widgets", "detect_widgets", "looks_like_article_url"]

# Heading words per kind, English first, then German, French, Spanish, Italian. Order
# matters: "Recommended for you" is recommended before "for you"; "Must read" before "read".
HEADING_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.I))
    for kind, pattern in (
        ("recommended", r"recommended|recommend|for you\b|suggested|picked for you|empfohlen"),
        ("must_read", r"must[- ]?reads?|don.t miss|do not miss|essential reading|à ne pas manquer"),
        ("popular", r"most (?:read|popular|viewed|shared|commented|emailed)|popular|trending|"
                    r"meistgelesen|les plus lus|más leídas|più lett"),
        ("latest", r"latest|newest|most recent|recent (?:posts|news|stories|articles)|just in|"
                   r"breaking|neueste|aktuell|dernières|últimas|ultime"),
        ("featured", r"top stories|featured|editor.?s? picks?|highlights|spotlight"),
        ("related", r"related|you might also like|you may also like|more (?:from|on|in|like)|"
                    r"read (?:more|also|next)|see also|further reading|also read|mehr zum thema|"
                    r"à lire aussi|lee también|leggi anche"),
    )
)
# Heading elements of generic widgets, and the class words of a heading or of a widget box.
# Calibrated on the seed site (tagDiv "block-title", "td-more-articles-box-title") and
# WordPress themes ("widget-title", "widgettitle"); a "*-title" that links to an article is a
# teaser's title, not a widget heading. ``:is`` keeps Lexbor from listing a node twice.
_HEADING_SELECTOR = ":is(h2, h3, h4, h5, h6, [role=heading], [aria-label])"
_NOT_WIDGETS = frozenset({"nav", "header", "footer", "ul", "ol", "menu", "a"})
_BOX_HEADING_SELECTOR = ":is(h2, h3, h4, h5, h6, [class*=title], [class*=heading])"
# Class words of a link box; its heading (if any) decides the kind, else the word does.
_CLASS_KIND = re.compile(
    r"related|latest|most-?popular|popular|recommend|must-?read|trending|more-articles|"
    r"more-stories|widget", re.I)
# Only hrefs with two hyphens, a long number or .html can be articles (see _article_path):
# this rejects menu, tag and home links before any parsing.
_DIGITS = re.compile(r"\d{5}")
_NOT_ARTICLE_SEGMENTS = frozenset(
    ["category", "categories", "tag", "tags", "topic", "topics", "author", "authors", "section",
     "page", "search", "about", "about-us", "contact", "privacy", "privacy-policy", "terms",
     "login", "register", "subscribe", "feed", "wp-content"])
_TEASER_CLASS = re.compile(r"excerpt|teaser|summary|dek|standfirst|desc", re.I)
# A block under an unknown heading whose links carry less than this share of its text is
# prose with inline links (an article body under a subheading), not a link widget: on the
# seed page the widgets sit at 0.25-0.5 and the article body at 0.02; 90% of the blocks
# accepted on the scrapinghub pages are above 0.25.
_MIN_WIDGET_LINK_SHARE = 0.15
_LINK_DEPTH = 7  # link -> widget block: at most this many ancestors up (tagDiv related: 7)
_MIN_TITLE_CHARS = 12  # shorter link texts are "Read more", menu entries or dates
_MAX_CLIMB = 4  # heading -> widget block: at most this many ancestors up


def classify_heading(text: str | None) -> str:
    """A widget kind for a heading ("Latest news" -> latest, ...); ``other`` when unknown."""
    if text:
        for kind, pattern in HEADING_KINDS:
            if pattern.search(text):
                return kind
    return "other"


def _article_path(path: str) -> bool:
    """A URL path that names one article: a slug of 3+ words, a long id or a .html page."""
    if path in ("", "/"):
        return False
    segments = path.split("/")
    if not _NOT_ARTICLE_SEGMENTS.isdisjoint(s.lower() for s in segments[1:]):
        return False
    slug = next(s for s in reversed(segments) if s)
    return slug.count("-") >= 2 or slug.endswith(".html") or bool(_DIGITS.search(path))


def looks_like_article_url(url: str, page_url: str | None = None) -> bool:
    """A link that points at an article of the same site, not at a section, tag or page."""
    parts = urlsplit(url)
    if page_url and parts.netloc.lower() != urlsplit(page_url).netloc.lower():
        return False
    if page_url and canonical_url(url) == canonical_url(page_url):
        return False
    return _article_path(parts.path)


class _LinkIndex:
    """The page's links to its other articles, indexed once by the elements holding them.

    One pass over ``a[href]``: each article link is recorded in up to ``_LINK_DEPTH``
    ancestors, so "does this heading's parent hold two articles?" and "which item of the
    widget is this link?" are dictionary look-ups instead of CSS queries per candidate.
    """

    def __init__(self, tree: LexborHTMLParser, page_url: str | None) -> None:
        self.base = page_url or "http://x/"
        parts = urlsplit(self.base)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.host = parts.netloc.lower()
        self.own_path = parts.path.rstrip("/")
        self.holders: dict[int, set[str]] = {}
        self.held: dict[int, list[tuple[str, LexborNode]]] = {}  # element -> its links
        self.nodes: dict[int, LexborNode] = {}
        cache: dict[str, str | None] = {}
        body = tree.body
        stop = body.mem_id if body is not None else -1
        self.titles: dict[int, str] = {}
        self.found = False
        holders, nodes, held = self.holders, self.nodes, self.held
        for link in tree.css("a[href]"):
            href = link.attrs.get("href") or ""
            url = cache[href] if href in cache else cache.setdefault(href, self._article(href))
            if url is None:
                continue
            self.found = True
            node, entry = link.parent, (url, link)
            for _ in range(_LINK_DEPTH):
                if node is None or (key := node.mem_id) == stop:
                    break
                urls = holders.get(key)
                if urls is None:
                    holders[key] = {url}
                    nodes[key] = node
                    held[key] = [entry]
                else:
                    urls.add(url)
                    held[key].append(entry)
                node = node.parent

    def _article(self, href: str) -> str | None:
        """The absolute URL of ``href`` when it names another article of this site.

        Plain string splitting: ``urlsplit`` per link was a third of the detection time.
        """
        if href.count("-") < 2 and ".htm" not in href and not _DIGITS.search(href):
            return None
        href = href.strip().split("#", 1)[0]
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
        if path.rstrip("/") == self.own_path or not _article_path(path):
            return None
        return self.origin + href

    def count(self, node: LexborNode) -> int:
        """How many distinct articles ``node`` links to (within ``_LINK_DEPTH`` levels)."""
        return len(self.holders.get(node.mem_id, ()))

    def inside(self, block: LexborNode) -> list[tuple[str, LexborNode]]:
        """The article links within ``_LINK_DEPTH`` levels below ``block``, in page order."""
        return self.held.get(block.mem_id, [])

    def title(self, link: LexborNode) -> str:
        """``_link_title`` of a link, computed once (widgets are weighed, then read)."""
        key = link.mem_id
        title = self.titles.get(key)
        if title is None:
            title = self.titles[key] = _link_title(link)
        return title


def _first_line(node: LexborNode | None) -> str | None:
    if node is None:
        return None
    for line in node.text(deep=True, separator="\n").splitlines():
        if line.strip():
            return " ".join(line.split())
    return None


def _text(node: LexborNode | None) -> str | None:
    text = " ".join(node.text(deep=True, separator=" ").split()) if node is not None else ""
    return text or None


def _link_title(link: LexborNode) -> str:
    return _text(link) or (link.attributes.get("title") or "").strip()


def _items_by_selector(block: LexborNode, spec: WidgetConfig, base: str) -> list[tuple]:
    items = []
    for item in block.css(spec.item) if spec.item else [block]:
        links = item.css(spec.title) if spec.title else item.css("a[href]")
        for link in links if not spec.item else links[:1]:
            url = absolute_url(link.attributes.get("href"), base)
            title = _link_title(link)
            if url and title:
                teaser = _text(item.css_first(spec.teaser)) if spec.teaser and spec.item else None
                items.append((title, url, teaser))
    return items


def _emit(links: list[Link], kind: str, heading: str | None, items: list[tuple]) -> None:
    position = sum(1 for link in links if link.kind == kind)
    seen = {link.url for link in links if link.kind == kind}
    for title, url, teaser in items:
        if url in seen:
            continue
        seen.add(url)
        position += 1
        links.append(Link(kind, position, title, url, teaser, heading))


def _heading_nodes(tree: LexborHTMLParser, text: str) -> list[LexborNode]:
    wanted = text.strip().lower()
    return [n for n in tree.css(_HEADING_SELECTOR + ", span, strong, b, p")
            if (_first_line(n) or "").lower() == wanted]


def _block_under(heading: LexborNode, base: str | None, min_links: int = 2) -> LexborNode | None:
    """The nearest ancestor of a heading that holds ``min_links`` article links."""
    node = heading.parent
    for _ in range(_MAX_CLIMB):
        if node is None or node.tag in ("body", "html"):
            return None
        urls = {absolute_url(a.attributes.get("href"), base or "http://x/") for a in node.css("a")}
        if sum(1 for u in urls if u and looks_like_article_url(u, base)) >= min_links:
            return node
        node = node.parent
    return None


def configured_widgets(tree: LexborHTMLParser, specs: tuple[WidgetConfig, ...],
                       base: str) -> list[Link]:
    """Links of the widgets a site file describes, in the order the file lists them."""
    links: list[Link] = []
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
            kind = classify_heading(heading) if spec.kind == "auto" else spec.kind
            _emit(links, kind, heading, _items_by_selector(block, spec, base))
    return links


def _items(block: LexborNode, index: _LinkIndex) -> list[tuple]:
    """(title, url, teaser) per distinct article link of a widget block, in page order."""
    best: dict[str, tuple[str, LexborNode]] = {}
    for url, link in index.inside(block):
        title = index.title(link)
        if url not in best or len(title) > len(best[url][0]):
            best[url] = (title, link)
    items = []
    for url, (title, link) in best.items():
        if len(title) < _MIN_TITLE_CHARS:
            continue
        item = _item_node(link, block, index)
        teaser = None if item.mem_id == link.mem_id else _teaser(item, title)
        items.append((title, url, teaser))
    return items


def _teaser(item: LexborNode, title: str) -> str | None:
    """The item's summary: its first paragraph or excerpt-like element that is not the title.

    Class names are matched in Python: items are a few nodes, and Lexbor's substring
    selectors cost more than the loop."""
    for node in item.css(":is(p, [class])"):
        if (node.tag == "p" or _TEASER_CLASS.search(node.attrs.get("class") or "")) and (
                text := _text(node)) and text != title and title not in text:
            return text
    return None


def _item_node(link: LexborNode, block: LexborNode, index: _LinkIndex) -> LexborNode:
    """The widest element around ``link`` below ``block`` that holds no other article."""
    node = link
    while (parent := node.parent) is not None and parent.mem_id != block.mem_id \
            and index.count(parent) <= 1:
        node = parent
    return node


def _block_for(heading: LexborNode, index: _LinkIndex) -> LexborNode | None:
    """The nearest ancestor of a heading that links to two or more articles."""
    node = heading.parent
    for _ in range(_MAX_CLIMB):
        if node is None or node.tag in ("body", "html"):
            return None
        if index.count(node) >= 2:
            return node
        node = node.parent
    return None


def _is_widget(block: LexborNode, index: _LinkIndex) -> bool:
    total = len(" ".join(block.text().split())) or 1
    linked = sum(len(index.title(link)) for _, link in index.inside(block))
    return linked >= _MIN_WIDGET_LINK_SHARE * total


def detect_widgets(tree: LexborHTMLParser, base: str | None) -> list[Link]:
    """Generic widget detection for pages whose site file describes none.

    Candidates are headings (h2-h6, ARIA, "*-title" classes) and the link-holding boxes
    whose class names a kind (related, latest, most-popular, ...); a candidate becomes a
    widget when it holds two or more links to other articles of the site and those links are
    not prose (the article body, which holds the page's ``<h1>``, never is one).
    """
    index = _LinkIndex(tree, base)
    if not index.found:
        return []
    around_title = _ancestor_ids(tree.css_first("h1"))
    candidates: list[tuple[LexborNode, str | None, str]] = []
    for heading in tree.css(_HEADING_SELECTOR):
        if heading.tag in _NOT_WIDGETS:  # menus name themselves with aria-label
            continue
        text = heading.attrs.get("aria-label") or _first_line(heading)
        if text and len(text) <= 60 and not index.count(heading):
            block = _block_for(heading, index)
            if block is not None:
                candidates.append((block, text, classify_heading(text)))
    for key, urls in reversed(index.holders.items()):  # outer boxes before inner ones
        node = index.nodes[key]
        if len(urls) >= 2 and (match := _CLASS_KIND.search(
                f"{node.attrs.get('class') or ''} {node.attrs.get('id') or ''}")):
            title = node.css_first(_BOX_HEADING_SELECTOR)
            heading = _first_line(title) if title is not None and not index.count(title) else None
            if heading and len(heading) > 60:
                heading = None  # a teaser's text, not the box's heading
            kind = classify_heading(heading)
            if kind == "other":
                kind = classify_heading(match.group(0).replace("-", " "))
            candidates.append((node, heading, kind))
    result: list[Link] = []
    used: set[int] = set()
    seen: set[int] = set()
    for block, heading, kind in candidates:
        if block.mem_id in seen:  # several headings inside one block: the first one names it
            continue
        seen.add(block.mem_id)
        if block.mem_id in around_title or used & _ancestor_ids(block, _LINK_DEPTH):
            continue
        if kind == "other" and not _is_widget(block, index):  # a known heading is evidence
            continue
        items = _items(block, index)
        if len(items) >= 2:
            used.add(block.mem_id)
            _emit(result, kind, heading, items)
    return result


def _ancestor_ids(node: LexborNode | None, limit: int = 256) -> set[int]:
    """``node`` and its ancestors (``limit`` of them: widgets nest shallowly)."""
    ids = set()
    while node is not None and len(ids) < limit:
        ids.add(node.mem_id)
        node = node.parent
    return ids
