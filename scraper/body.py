"""Body text: from an HTML subtree to paragraphs separated by one blank line.

``text_blocks`` turns a node into its block-level texts (paragraphs, headings, list items,
quotes, preformatted text) without recursion, so 50,000 nested divs cannot overflow the
stack. ``find_body`` is the generic fallback when a site file gives no body selector: the
page's own markers first (``itemprop=articleBody``, common CMS content classes,
``<article>``), then a paragraph-density score over the remaining page.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = ["text_blocks", "find_body", "strip_boilerplate", "remove_nodes", "BOILERPLATE_TAGS"]

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
# Class/id fragments of page furniture. Calibrated on the seed site (tagDiv) and the common
# WordPress, Drupal and Arc/NYT-style templates: each name below marks a non-body block.
_BOILERPLATE_RE = re.compile(
    r"(?:^|[-_\s])(?:share|sharing|social|related|comments?|newsletter|cookie|consent|"
    r"advert\w*|ads?|promo|sponsor\w*|sidebar|widget|breadcrumbs?|crumbs?|menu|navbar|"
    r"footer|subscribe|subscription|popup|modal|author-box|byline|tags?|recirc|"
    r"more-articles|read-more|outbrain|taboola|paywall|signup|next-prev|pagination|embed\w*)(?:$|[-_\s])",
    re.I,
)
# Containers that CMSs use for the article body, in the order they are trusted.
BODY_SELECTORS = (
    '[itemprop="articleBody"]', ".td-post-content", ".entry-content", ".post-content",
    ".article-body", ".article__body", ".article-content", ".story-body", ".story-content",
    ".c-entry-content", ".post-body", ".field-name-body", "#article-body", "article",
    '[role="main"]', "main",
)
_MIN_BODY_CHARS = 250  # below this a marked container is taken as a teaser, not the body
_MIN_PARAGRAPH_CHARS = 60  # shorter <p> are captions, bylines or buttons when scoring


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


def remove_nodes(nodes: list[LexborNode]) -> None:
    """Decompose ``nodes``, outermost first only: destroying a node frees its subtree, so a
    descendant of an already removed node must never be touched again."""
    chosen = {node.mem_id for node in nodes}
    outermost = []
    for node in nodes:  # first find the outermost ones, before anything is freed
        ancestor = node.parent
        while ancestor is not None and ancestor.mem_id not in chosen:
            ancestor = ancestor.parent
        if ancestor is None:
            outermost.append(node)
    for node in outermost:
        node.decompose()


def strip_boilerplate(root: LexborNode) -> None:
    """Remove scripts, navigation and furniture (share bars, ads, widgets) under ``root``."""
    remove_nodes(root.css(", ".join(BOILERPLATE_TAGS)))
    furniture = []
    for node in root.css("[class], [id]"):
        marker = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        if node.tag not in ("body", "html", "article", "main") and _BOILERPLATE_RE.search(marker):
            furniture.append(node)
    remove_nodes(furniture)


def _text_length(node: LexborNode) -> int:
    return len(" ".join(node.text(deep=True, separator=" ").split()))


def _link_density(node: LexborNode) -> float:
    total = _text_length(node) or 1
    return sum(_text_length(a) for a in node.css("a")) / total


def find_body(tree: LexborHTMLParser) -> tuple[LexborNode | None, str]:
    """The node holding the article body and how it was found ("marker" or "heuristic").

    The tree is modified: boilerplate is removed first, so callers pass a clone when they
    still need the widgets.
    """
    body = tree.body
    if body is None:
        return None, "none"
    strip_boilerplate(body)
    for selector in BODY_SELECTORS:
        for node in body.css(selector):
            if _text_length(node) >= _MIN_BODY_CHARS and _link_density(node) < 0.5:
                return node, "marker"
    scores: dict[int, tuple[float, LexborNode]] = {}
    for p in body.css("p"):
        length = _text_length(p)
        if length < _MIN_PARAGRAPH_CHARS:
            continue
        parent = p.parent
        for weight, ancestor in ((1.0, parent), (0.5, parent.parent if parent else None)):
            if ancestor is None:
                continue
            key = ancestor.mem_id
            score = scores.get(key, (0.0, ancestor))[0] + weight * min(length, 1000)
            scores[key] = (score, ancestor)
    if not scores:
        return None, "none"
    best = max(scores.values(), key=lambda item: item[0] * (1 - _link_density(item[1])))[1]
    return best, "heuristic"
