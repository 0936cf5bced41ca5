"""Body text: from an HTML subtree to paragraphs separated by one blank line.

``text_blocks`` turns a node into its block-level texts (paragraphs, headings, list items,
quotes, preformatted text) without recursion, so 50,000 nested divs cannot overflow the
stack. ``main_text`` is the generic extractor for pages without a body selector: it picks
the container the page marks itself (``itemprop=articleBody``, a CMS content class,
``<article>``) when that container holds the page's prose, else the element whose
paragraphs weigh most, then strips the furniture inside it (``boilerplate.py``) and drops
link lists. Everything is CSS queries and Lexbor's own text walk; Python only loops over
the candidate elements, never over every node of the page.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .boilerplate import (
    CONTENT_RE,
    FURNITURE_TAGS,
    JUNK_TAGS,
    PAGE_CONTENT_RE,
    is_furniture_marker,
)

__all__ = ["BOILERPLATE_TAGS", "main_text", "remove_nodes", "text_blocks"]

BLOCK_TAGS = frozenset(
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt",
        "figcaption", "table", "tr", "td", "th", "div", "section", "article", "ul", "ol",
        "dl", "header", "footer", "aside", "main", "figure", "address", "details", "summary",
        "caption", "hr", "br",
    }
)
BOILERPLATE_TAGS = (
    "script", "style", "noscript", "template", "iframe", "svg", "canvas", "form", "button",
    "input", "select", "textarea", "nav", "object", "embed", "audio", "video",
)
# Elements whose text counts as prose when weighing containers.
_PROSE = "p, pre, blockquote"
_TEXT_HOLDERS = "div, section, article, td, span, font, center, main"
_MIN_PROSE_CHARS = 40  # shorter <p> are captions, bylines or buttons (scrapinghub: 25-80 flat)
# A marked container must hold a prose cluster at least this share of the heaviest one, else
# it is a teaser card or a summary box (scrapinghub: 0.5-0.7 give the same pages).
_MARKER_SHARE = 0.6
_HEAVY = 3  # clusters looked at for that
# Class names are trusted for a cluster's holder and two ancestors only: higher up, page
# wrappers carry layout words ("has-sidebar") over the article too.
_FURNITURE_LEVELS = 3
_MAX_DEPTH = 256  # ancestor walks stop here (pathological nesting)
_MIN_BODY_CHARS = 200  # below this a container is a teaser, not a body
_MAX_LINK_DENSITY = 0.5  # link text over all text of a block: a link list, not prose
_MARK = "data-newsarchive-drop"


def text_blocks(node: LexborNode, skip: frozenset[str] = frozenset(BOILERPLATE_TAGS)) -> list[str]:
    """The block-level texts of ``node``, whitespace folded, empty blocks dropped."""
    blocks: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        text = " ".join("".join(buffer).split())
        if text:
            blocks.append(text)
        buffer.clear()

    stack: list[LexborNode | None] = [node]
    while stack:
        current = stack.pop()
        if current is None:  # end marker of a block element
            flush()
            continue
        tag = current.tag
        if tag == "-text":
            buffer.append(current.text_content or "")
            continue
        if tag in skip or tag.startswith("-"):
            continue
        if tag == "br":
            buffer.append(" ")
            continue
        block = tag in BLOCK_TAGS
        if block:
            flush()
            stack.append(None)
        children = list(current.iter(include_text=True))
        stack.extend(reversed(children))
    flush()
    return blocks


def remove_nodes(root: LexborNode, nodes: list[LexborNode]) -> None:
    """Decompose ``nodes``, outermost first only.

    Older selectolax releases free a decomposed subtree, so a descendant of a removed node
    must never be touched again; Lexbor's own selector engine finds those descendants.
    """
    if not nodes:
        return
    for node in nodes:
        node.attrs[_MARK] = ""
    nested = {node.mem_id for node in root.css(f"[{_MARK}] [{_MARK}]")}
    for node in nodes:
        if node.mem_id not in nested:
            node.decompose()


def _length(node: LexborNode) -> int:
    return len(" ".join(node.text().split()))


def _link_chars(node: LexborNode) -> int:
    return sum(_length(a) for a in node.css("a"))


def _marker(node: LexborNode) -> str:
    attrs = node.attributes
    return f"{attrs.get('class') or ''} {attrs.get('id') or ''}"


def _is_furniture(node: LexborNode | None) -> bool:
    """A prose cluster inside a footer, aside or nav, or within three levels of an element
    whose class names furniture (footer, sidebar, comments, related box)."""
    for level in range(_MAX_DEPTH):
        if node is None or node.tag in ("body", "html"):
            return False
        if node.tag in ("footer", "aside", "nav") or (
                level < _FURNITURE_LEVELS and is_furniture_marker(_marker(node))):
            return True
        node = node.parent
    return False


def _clusters(root: LexborNode, selector: str, direct: bool) -> dict[int, tuple[int, LexborNode]]:
    """Prose length per element holding it: the parents of ``selector`` matches, or (with
    ``direct``) the matches themselves by the text written directly in them."""
    clusters: dict[int, tuple[int, LexborNode]] = {}
    for node in root.css(selector):
        text = node.text(deep=not direct)
        length = len(" ".join(text.split()))
        holder = node if direct else node.parent
        if length >= _MIN_PROSE_CHARS and holder is not None:
            key = holder.mem_id
            clusters[key] = (clusters.get(key, (0, holder))[0] + length, holder)
    return {k: v for k, v in clusters.items() if not _is_furniture(v[1])}


def _prose_clusters(root: LexborNode) -> list[tuple[int, LexborNode]]:
    """Elements holding paragraphs, heaviest first, footers and sidebars left out.

    Pages that write no ``<p>`` (text and ``<br>`` straight in a div: 7 of the 181
    scrapinghub pages) are weighed by the direct text of their block elements instead.
    """
    clusters = _clusters(root, _PROSE, direct=False)
    if sum(n for n, _ in clusters.values()) < _MIN_BODY_CHARS:
        clusters = _clusters(root, _TEXT_HOLDERS, direct=True)
    return sorted(clusters.values(), key=lambda item: -item[0])


def _ancestors(node: LexborNode) -> set[int]:
    keys = set()
    while node is not None:
        keys.add(node.mem_id)
        node = node.parent
    return keys


def _best_scored(clusters: list[tuple[int, LexborNode]]) -> LexborNode | None:
    """Readability's rule: a cluster counts fully for its holder and half for the holder's
    parent, so the element around a run of paragraph groups wins; links discount it."""
    scores: dict[int, tuple[float, LexborNode]] = {}
    for length, holder in clusters:
        for share, node in ((1.0, holder), (0.5, holder.parent)):
            if node is not None and node.tag not in ("body", "html"):
                key = node.mem_id
                scores[key] = (scores.get(key, (0.0, node))[0] + share * length, node)
    best, best_score = None, 0.0
    for weight, node in sorted(scores.values(), key=lambda item: -item[0])[:5]:
        total = _length(node) or 1
        score = weight * (1 - min(1.0, _link_chars(node) / total))
        if score > best_score:
            best, best_score = node, score
    return best


def _marked_candidates(tree: LexborHTMLParser) -> list[LexborNode]:
    """Containers the page marks as its body, most trusted first."""
    specific = tree.css('[itemprop="articleBody"]')
    wide = []
    for node in tree.css("div[class], div[id], section[class], section[id], article[class], "
                         "article[id], main[class], main[id]"):
        marker = _marker(node)
        if CONTENT_RE.search(marker):
            specific.append(node)
        elif any(PAGE_CONTENT_RE.match(word) for word in marker.split()):
            wide.append(node)
    return specific + tree.css("article") + wide + tree.css("main")


def _container(tree: LexborHTMLParser, body: LexborNode) -> tuple[LexborNode | None, str]:
    """The marked container around the page's main run of prose, else the best-scored one.

    A marker only counts when it holds one of the heavy prose clusters: an ``<article>``
    that is a box of related teasers holds much text but no heavy cluster.
    """
    clusters = _prose_clusters(body)
    if not clusters:
        return None, "none"
    heavy = set().union(*(_ancestors(node) for length, node in clusters[:_HEAVY]
                          if length >= _MARKER_SHARE * clusters[0][0]))
    for node in _marked_candidates(tree):
        if node.mem_id in heavy and _length(node) >= _MIN_BODY_CHARS:
            return node, "marker"
    return _best_scored(clusters), "heuristic"


def _strip_furniture(container: LexborNode) -> None:
    """Remove furniture tags, furniture classes and link lists inside ``container``.

    A node holding half of the container's text is kept whatever its class says.
    """
    total = _length(container) or 1
    doomed = container.css(", ".join(FURNITURE_TAGS))
    for node in container.css("[class], [id]"):
        if is_furniture_marker(_marker(node)) and _length(node) < total / 2:
            doomed.append(node)
    remove_nodes(container, doomed)
    dense = []
    for node in container.css("ul, ol, dl, table, div, section, p"):
        length = _length(node)
        if length and _link_chars(node) > _MAX_LINK_DENSITY * length and length < total / 2:
            dense.append(node)
    remove_nodes(container, dense)


def main_text(tree: LexborHTMLParser, title: str | None = None) -> tuple[list[str], str]:
    """The article's paragraphs and how their container was found ("marker", "heuristic").

    The tree is modified (scripts and furniture are removed): read links and widgets first.
    """
    body = tree.body
    if body is None:
        return [], "none"
    remove_nodes(body, body.css(", ".join(JUNK_TAGS)))
    container, source = _container(tree, body)
    if container is None:
        return [], "none"
    _strip_furniture(container)
    blocks = [b for b in text_blocks(container) if b != title]
    return blocks, source
