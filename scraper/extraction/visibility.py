"""Whether the reader sees an element: the page's own signs that it is hidden or a layer
shown only on demand. The body stage vetoes such containers (a hidden dialogue can outweigh
a short story); the metadata reconciler ignores names only hidden elements say.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from .boilerplate import CLOSE_WORDS

__all__ = ["closable", "hidden", "hides", "shown_twin"]

# Classes of text kept for screen readers only (Bootstrap, WordPress, Tailwind).
_HIDDEN_CLASS = re.compile(r"screen-reader|sr-only|visually-hidden")
# Class words a script toggles to hide one of a run of like elements (Bootstrap's d-none).
_HIDE_WORDS = frozenset({"hidden", "hide", "is-hidden", "d-none"})
# Siblings looked at for a shown twin: a paged article's sections, a slide show's slides.
_TWIN_SIBLINGS = 64


def hides(attrs: dict) -> bool:
    """Whether an element's own attributes hide it from the reader (``hidden``, an inline
    ``display: none`` or ``visibility: hidden``): the other slides of a gallery, a modal
    dialogue's text, a template waiting for a script. Its prose is no article the page
    shows, however heavy (a hidden shipping-terms dialogue outweighs a short story)."""
    if "hidden" in attrs:
        return True
    style = attrs.get("style")
    if not style:
        return False
    style = style.replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def shown_twin(node: LexborNode) -> LexborNode | None:
    """A shown sibling of the same tag and class (hide words aside) as a hidden ``node``,
    or None. A paged article (a list shown one item at a time, the sections of a long
    story behind "next") hides all its pages but one, each a twin of the shown one: their
    text is the article's as much as the shown page's (ext.theperspective.com: 29 hidden
    sections, each one item of the list, beside the shown intro). A hidden dialogue or a
    template has no such twin."""
    attrs = node.attributes
    words = (attrs.get("class") or "").split()
    own = sorted(w for w in words if w.lower() not in _HIDE_WORDS)
    parent = node.parent
    if not own or parent is None or (len(own) == len(words) and not hides(attrs)):
        return None  # not hidden, or no class to be a twin by
    sibling, tag, seen = parent.child, node.tag_id, 0
    while sibling is not None and seen < _TWIN_SIBLINGS:
        if sibling.tag_id == tag and sibling.mem_id != node.mem_id:
            seen += 1
            other = sibling.attributes
            twin = (other.get("class") or "").split()
            if sorted(twin) == own and not hides(other):  # no hide word: ``own`` has none
                return sibling
        sibling = sibling.next
    return None


def hidden(node: LexborNode | None) -> bool:
    """Whether ``node`` or an ancestor is hidden by its attributes (``hides``) or by a
    screen-reader-only class."""
    while node is not None and node.tag not in ("body", "html"):
        attrs = node.attributes
        if hides(attrs) or _HIDDEN_CLASS.search(attrs.get("class") or ""):
            return True
        node = node.parent
    return False


def closable(node: LexborNode) -> bool:
    """Whether ``node`` opens with its own close control (a first child classed "close", or
    reading "×", "[X]", "Close", "Schließen"): a dialogue or pop-up layer the stylesheet
    hides until asked for, however long its text."""
    child = node.child
    while child is not None and (tag := child.tag) == "-text" and not (
            child.text_content or "").strip():
        child = child.next
    if child is None or tag is None or tag[0] == "-":  # each tag read once: a new str each time
        return False
    if "close" in (child.attrs.get("class") or "").lower().split():
        return True
    inner = child.child  # a control holds one text at most: never read a whole subtree
    if inner is not None and (inner.next is not None or inner.tag != "-text"):
        return False
    words = child.text(deep=True)[:21].lower().replace("[x]", " [x] ").split()
    return 0 < len(words) <= 3 and all(w in CLOSE_WORDS for w in words)
