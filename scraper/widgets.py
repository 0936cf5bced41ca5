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
_HEADING_SELECTOR = (
    'h2, h3, h4, h5, h6, [class*="title"], [class*="heading"], [class*="header"], '
    "[aria-label], [role=heading]"
)
_CLASS_KIND = re.compile(
    r"related|latest|most-?popular|popular|recommend|must-?read|trending", re.I)
_NOT_ARTICLE_PATH = re.compile(
    r"/(?:category|categories|tag|tags|topics?|authors?|section|page|search|about|about-us|"
    r"contact|privacy|privacy-policy|terms|login|register|subscribe|feed|wp-content)(?:/|$)",
    re.I,
)
_TEASER_SELECTOR = (
    '[class*="excerpt"], [class*="teaser"], [class*="summary"], [class*="dek"], '
    '[class*="standfirst"], [class*="desc"], p'
)
_MIN_TITLE_CHARS = 12  # shorter link texts are "Read more", menu entries or dates
_MAX_CLIMB = 4  # heading -> widget block: at most this many ancestors up


def classify_heading(text: str | None) -> str:
    """A widget kind for a heading ("Latest news" -> latest, ...); ``other`` when unknown."""
    if text:
        for kind, pattern in HEADING_KINDS:
            if pattern.search(text):
                return kind
    return "other"


def looks_like_article_url(url: str, page_url: str | None = None) -> bool:
    """A link that points at an article of the same site, not at a section, tag or page."""
    parts = urlsplit(url)
    if page_url and parts.netloc.lower() != urlsplit(page_url).netloc.lower():
        return False
    if page_url and canonical_url(url) == canonical_url(page_url):
        return False
    path = parts.path
    if path in ("", "/") or _NOT_ARTICLE_PATH.search(path):
        return False
    slug = [s for s in path.split("/") if s][-1]
    return slug.count("-") >= 2 or bool(re.search(r"\d{5,}", path)) or slug.endswith(".html")


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


def _item_container(link: LexborNode, url: str, base: str | None) -> LexborNode:
    node = link
    while node.parent is not None:
        urls = {absolute_url(a.attributes.get("href"), base or "http://x/")
                for a in node.parent.css("a[href]")}
        if len({u for u in urls if u and looks_like_article_url(u, base)}) > 1:
            break
        node = node.parent
    return node


def _generic_items(block: LexborNode, base: str | None) -> list[tuple]:
    best: dict[str, tuple[str, LexborNode]] = {}
    order: list[str] = []
    for link in block.css("a[href]"):
        url = absolute_url(link.attributes.get("href"), base or "http://x/")
        if not url or not looks_like_article_url(url, base):
            continue
        title = _link_title(link)
        if url not in best:
            order.append(url)
        if url not in best or len(title) > len(best[url][0]):
            best[url] = (title, link)
    items = []
    for url in order:
        title, link = best[url]
        if len(title) < _MIN_TITLE_CHARS:
            continue
        container = _item_container(link, url, base)
        teaser = next((t for n in container.css(_TEASER_SELECTOR)
                       if (t := _text(n)) and t != title and title not in t), None)
        items.append((title, url, teaser))
    return items


def _inside(node: LexborNode, other: LexborNode) -> bool:
    while node is not None:
        if node.mem_id == other.mem_id:
            return True
        node = node.parent
    return False


def detect_widgets(tree: LexborHTMLParser, base: str | None,
                   body: LexborNode | None = None) -> list[Link]:
    """Generic widget detection for pages whose site file describes none."""
    links: list[Link] = []
    used: list[LexborNode] = []
    candidates: list[tuple[LexborNode, str | None, str]] = []
    for heading in tree.css(_HEADING_SELECTOR):
        if heading.tag == "h1" or heading.css_first("a[href]") is not None and any(
            looks_like_article_url(absolute_url(a.attributes.get("href"), base or "http://x/")
                                   or "", base) for a in heading.css("a[href]")):
            continue
        text = heading.attributes.get("aria-label") or _first_line(heading)
        if not text or len(text) > 60:
            continue
        block = _block_under(heading, base)
        if block is not None:
            candidates.append((block, text, classify_heading(text)))
    for block in tree.css("[class], [id]"):
        marker = f"{block.attributes.get('class') or ''} {block.attributes.get('id') or ''}"
        match = _CLASS_KIND.search(marker)
        if match:
            candidates.append((block, None, classify_heading(match.group(0).replace("-", " "))))
    for block, heading, kind in candidates:
        if any(_inside(block, other) for other in used) or (
                body is not None and (_inside(block, body) or _inside(body, block))):
            continue
        items = _generic_items(block, base)
        if len(items) >= 2:
            used.append(block)
            _emit(links, kind, heading, items)
    return links
