"""What the walk of a chosen container leaves out: the tags no walk enters, and the pruner
that judges the rest element by element (furniture by tag, ARIA role or class, link lists,
forms that hold no story, other stories).

Kept apart from the container's choice (``body.py``): the body stage, its standfirst and
the fallback chain's walk of a rejected container all prune with it.
"""

from __future__ import annotations

from collections.abc import Callable

from selectolax.lexbor import LexborNode

from .blocks import MAX_LINK_DENSITY
from .boilerplate import (
    FURNITURE,
    FURNITURE_TAGS,
    JUNK_TAGS,
    is_inline_text,
    is_overlay,
    marker_kind,
    node_marker,
)
from .parts import MAX_DEPTH, MIN_PROSE_CHARS
from .tags import tag_ids
from .visibility import shown_twin

__all__ = ["BOILERPLATE_TAGS", "FURNITURE_ROLES", "WALK_SKIP", "furniture_pruner", "story_form"]

BOILERPLATE_TAGS = (
    "script", "style", "noscript", "template", "iframe", "svg", "canvas", "form", "button",
    "input", "select", "textarea", "nav", "object", "embed", "audio", "video",
)
# What the body's walks never enter. A <form> is entered and weighed by the pruner
# (``story_form``): a page may hold its story in one.
WALK_SKIP = (frozenset(BOILERPLATE_TAGS) - {"form"}) | frozenset(JUNK_TAGS)
# ARIA roles that say what the furniture tags say (aside, nav, footer; a dialogue): a page
# marks a div as its sidebar or its footer by role as often as by tag.
FURNITURE_ROLES = frozenset({"complementary", "navigation", "contentinfo", "dialog",
                             "alertdialog"})
_FURNITURE_TAG_IDS, _FORM = tag_ids(*FURNITURE_TAGS), tag_ids("form")
# Phrasing elements: a link or a span in running text is no pop-up layer or consent banner,
# whatever its class says (an annotated text's glosses, ``<a class="popup">`` around words
# of the sentence, open one).
_PHRASING = tag_ids("a", "span", "em", "strong", "b", "i", "u", "abbr", "cite", "q", "mark",
                    "small", "sup", "sub", "font")
_PARAGRAPH = tag_ids("p")
_LIST_BLOCKS = frozenset({"ul", "ol", "dl", "table", "div", "section", "p"})
_STORY_PARAGRAPHS = 3  # of prose, in a <form> that holds the story (see story_form)


def _size(node: LexborNode) -> int:
    """Text length with its whitespace, for comparing a part of a block with the block:
    folding whitespace costs more than the comparison needs."""
    return len(node.text())


def _prose_within(container: LexborNode, clusters: list[tuple[int, LexborNode]]
                  ) -> tuple[dict[int, int], int]:
    """Prose (cluster) length below each element of ``container``, and in all of it."""
    within: dict[int, int] = {}
    stop, total = container.mem_id, 0
    for length, node in clusters:
        path: list[int] = []
        while node is not None and node.mem_id != stop and len(path) < MAX_DEPTH:
            path.append(node.mem_id)
            node = node.parent
        if node is not None and node.mem_id == stop:  # the cluster is inside the container
            total += length
            for key in path:
                within[key] = within.get(key, 0) + length
    return within, total


def furniture_pruner(container: LexborNode, clusters: list[tuple[int, LexborNode]],
                     others: frozenset[int] = frozenset()) -> Callable[[LexborNode], bool]:
    """What the walk of ``container`` leaves out: furniture tags and roles, forms but one
    around the story (``story_form``), elements whose class names furniture (a hidden page
    of a paged article judged by its shown twin), link lists and ``others`` (the mem_ids of
    other stories, see ``body.other_stories``). A node holding half of the container's text,
    or half of its prose, is kept whatever its class says ("no-share post" around a whole
    story in a page-wide container), unless the class names a consent banner."""
    total = _size(container) or 1
    doomed = {node.mem_id for node in _link_lists(container, total)} | others
    weighed: list[tuple[dict[int, int], int]] = []  # computed on the first marked node

    def prune(node: LexborNode) -> bool:
        tag = node.tag_id  # an int: the name is a new str on every read
        if tag in _FURNITURE_TAG_IDS or node.mem_id in doomed:
            return True
        if tag in _FORM and not story_form(node, total):
            return True  # a search, comment or sign-up form
        attrs = node.attributes
        if not attrs:
            return False
        if attrs.get("role") in FURNITURE_ROLES:
            return True
        cls, ident = attrs.get("class"), attrs.get("id")
        if not (cls or ident):
            return False
        marker = f"{cls or ''} {ident or ''}"
        if is_overlay(marker):  # a consent text longer than the story is no part of it either
            return tag not in _PHRASING
        if marker_kind(marker) != FURNITURE or _size(node) >= total / 2:
            return False
        if tag in _PHRASING and is_inline_text(marker) and (up := node.parent) is not None \
                and up.tag_id in _PARAGRAPH:
            return False  # the story's own dateline, in its first sentence
        twin = shown_twin(node)  # a hidden page of a paged article: what its twin is
        if twin is not None and marker_kind(node_marker(twin)) != FURNITURE:
            return False
        if not weighed:
            weighed.append(_prose_within(container, clusters))
        within, prose = weighed[0]
        return within.get(node.mem_id, 0) * 2 < prose
    return prune


def story_form(form: LexborNode, total: int | None = None) -> bool:
    """Whether a ``<form>`` wraps the story rather than being a search, comment or sign-up
    form: it holds half of the container's text (``total`` characters; the form itself when
    it is the container) in paragraphs of prose, ``_STORY_PARAGRAPHS`` or more (a form's
    notice is one or two), and no password field (a login or registration dialogue asks for
    one, however much it says: zdf.de's, on half A, is all of the login layer the page marks
    as an <article>)."""
    if (total is not None and _size(form) < total / 2) or \
            form.css_first("input[type=password i]") is not None:
        return False
    prose = sum(1 for p in form.css("p") if len(p.text()) >= MIN_PROSE_CHARS)
    return prose >= _STORY_PARAGRAPHS


def _link_lists(container: LexborNode, total: int) -> list[LexborNode]:
    """Blocks of ``container`` whose text is mostly link text: menus, "read more" lists
    (over ``MAX_LINK_DENSITY`` of it; scrapinghub: 0.4-0.7 give F1 0.968, 0.3 drops recall
    to 0.968 and F1 to 0.964).

    One walk up from each link adds its length to the blocks around it, instead of a link
    query per block.
    """
    linked: dict[int, tuple[int, LexborNode]] = {}
    stop = container.mem_id
    for link in container.css("a"):
        length = _size(link)
        node = link.parent
        while length and node is not None and node.mem_id != stop:
            if node.tag in _LIST_BLOCKS:
                key = node.mem_id
                linked[key] = (linked.get(key, (0, node))[0] + length, node)
            node = node.parent
    return [node for chars, node in linked.values()
            if chars > MAX_LINK_DENSITY * (n := _size(node)) and n < total / 2]
