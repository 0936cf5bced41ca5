"""Which elements make up the body once ``body.py`` has chosen its container.

A page often prints one article in several elements: a marked body cut into chunks between
ads, a story split into unmarked blocks side by side, the posts of a forum thread, the
entries of a lexicon page. ``body_parts`` gathers them, in page order, by the page's own
markup (the same tag and class) and by the prose they hold, never by a selector built from
page text.
"""

from __future__ import annotations

from collections.abc import Iterator

from selectolax.lexbor import LexborNode

from .boilerplate import CONTENT, FURNITURE, marker_kind, node_marker

__all__ = ["MAX_DEPTH", "MIN_PROSE_CHARS", "ancestors", "body_parts"]

MAX_DEPTH = 256  # ancestor walks stop here (pathological nesting)
MIN_PROSE_CHARS = 40  # shorter <p> are captions, bylines or buttons (scrapinghub: 25-80 flat)
_SIBLING_SHARE = 0.2  # readability's: a sibling with a fifth of the best element's prose joins
# A marked container's peers are looked for beside it and beside its parent (eval half A:
# 1 level gathers 1 forum thread; 2, 3 or 5 levels the same 3 pages; no page lost on A or
# on scrapinghub at any of them).
_PEER_LEVELS = 2
_HEADS = ":is(h1, h2, h3)"  # what opens another story (a teaser's title is an h2 or h3)

Clusters = list[tuple[int, LexborNode]]


def body_parts(body: LexborNode, container: LexborNode, marked: bool,
               clusters: Clusters) -> list[LexborNode]:
    """The elements to read as the body: a ``marked`` container's chunks or peers; else the
    best-scored element with its siblings, or the whole ``body`` when those hold less than
    half of the page's prose (a page of sections: jusText's rule judges all of it)."""
    if marked:
        parts = _chunks(body, container)
        return parts if len(parts) > 1 else _peers(container, clusters)
    parts = _with_siblings(container, clusters)
    if 2 * _prose_in(parts, clusters) < sum(n for n, _ in clusters):
        return [body]
    return parts


def _with_siblings(best: LexborNode, clusters: Clusters) -> list[LexborNode]:
    """The best-scored element and those of its siblings holding prose of their own worth a
    fifth of its (readability's sibling rule): a story the page split into several
    unmarked blocks is gathered whole, in page order."""
    parent = best.parent
    if parent is None or parent.tag in ("body", "html"):
        return [best]
    by_child = _prose_by_child(parent, clusters)
    least = _SIBLING_SHARE * by_child.get(best.mem_id, 0)
    return [child for child in parent.iter() if child.mem_id == best.mem_id or (
        by_child.get(child.mem_id, 0) >= max(least, MIN_PROSE_CHARS))]


def _prose_by_child(parent: LexborNode, clusters: Clusters) -> dict[int, int]:
    """Prose (cluster) length under each child of ``parent``."""
    stop = parent.mem_id
    by_child: dict[int, int] = {}
    for length, node in clusters:
        child = None
        for _ in range(MAX_DEPTH):
            if node is None or node.tag in ("body", "html"):
                child = None
                break
            if node.mem_id == stop:
                break
            child, node = node, node.parent
        if child is not None and node is not None and node.mem_id == stop:
            by_child[child.mem_id] = by_child.get(child.mem_id, 0) + length
    return by_child


def _peers(container: LexborNode, clusters: Clusters) -> list[LexborNode]:
    """The marked container, or the element around it, with its siblings of the same tag and
    class that hold prose worth a fifth of its own (the sibling rule, for elements the page
    itself marks as alike): the posts of a forum thread where only the first is chosen, the
    entries of a lexicon page, a story whose header and text sit in two boxes of one class.
    Beside one that holds the headline (``<h1>``), a peer with a heading of its own is
    another story: the next one of an endless page, or a teaser with its summary."""
    node = container
    for _ in range(_PEER_LEVELS):
        parent, cls = node.parent, node.attrs.get("class")
        if parent is None or parent.tag in ("body", "html"):
            break
        if cls or node is container:  # unclassed wrappers are alike by accident
            peers = [c for c in parent.iter() if c.tag == node.tag and c.attrs.get("class") == cls]
            if len(peers) > 1:
                prose = _prose_by_child(parent, clusters)
                least = max(_SIBLING_SHARE * prose.get(node.mem_id, 0), MIN_PROSE_CHARS)
                headed = node.css_first("h1") is not None
                run = [c for c in peers if c.mem_id == node.mem_id or (
                    prose.get(c.mem_id, 0) >= least and not (headed and c.css_first(_HEADS)))]
                if len(run) > 1:
                    return run
        node = parent
    return [container]


def _chunks(body: LexborNode, container: LexborNode) -> list[LexborNode]:
    """All parts of a body the page splits into several marked blocks (Wired's
    ``article__body`` per chunk between ads, repeated ``itemprop=articleBody``): the elements
    of its tag carrying its class, or one of the content words of its class (a first chunk
    ``article-default-bodytext bodytext``, later sections ``bodytext``), in page order,
    outer ones only. The class must name the content itself: a container marked by its id
    alone (``id="post_content" class="column span-14"``) shares its class with the layout's
    other boxes, the footer among them (eval half A: 1 page, no other page of either set
    changed).

    The parts are found by comparing attributes, never by a selector built from them: a
    class attribute is page text, and may hold newlines, quotes or backslashes. Only a plain
    tag name goes into the selector: a page's own tag (``<x:y>``, ``<a"b>``) is page text too.
    """
    attrs = container.attrs
    tag = container.tag or ""
    if attrs.get("itemprop") == "articleBody":
        parts = body.css('[itemprop="articleBody"]')
    elif tag.isascii() and tag.isalnum() and (cls := attrs.get("class")) and \
            marker_kind(cls) == CONTENT:
        marks = {t for t in cls.split() if marker_kind(t) == CONTENT}
        # only elements with a class can match: the others' (missing) class is not looked up
        parts = [n for n in body.css(f"{tag}[class]") if (
            c := n.attrs.get("class")) and (c == cls or not marks.isdisjoint(c.split()))]
    else:
        return [container]
    if len(parts) < 2:
        return [container]
    ids = {part.mem_id for part in parts}
    around = {node.mem_id for node in ancestors(container)}
    return [part for part in parts if not _inside(part, ids) and (
        part.mem_id == container.mem_id or not _in_furniture(part, around))]


def ancestors(node: LexborNode | None) -> Iterator[LexborNode]:
    """``node`` and the elements above it, at most ``MAX_DEPTH`` of them."""
    for _ in range(MAX_DEPTH):
        if node is None:
            return
        yield node
        node = node.parent


def _in_furniture(part: LexborNode, around: set[int]) -> bool:
    """Whether an element between ``part`` and the container's ancestors is furniture by its
    class: a comment thread whose replies carry the body's class ("reply-content
    post-content" under "replies-wrapper")."""
    for node in ancestors(part.parent):
        if node.mem_id in around:
            return False
        if marker_kind(node_marker(node)) == FURNITURE:
            return True
    return False


def _prose_in(parts: list[LexborNode], clusters: Clusters) -> int:
    """Prose (cluster) length inside ``parts``."""
    ids = {part.mem_id for part in parts}
    return sum(n for n, node in clusters if node.mem_id in ids or _inside(node, ids))


def _inside(node: LexborNode, ids: set[int]) -> bool:
    """Whether an ancestor of ``node`` is one of ``ids``."""
    return any(up.mem_id in ids for up in ancestors(node.parent))
