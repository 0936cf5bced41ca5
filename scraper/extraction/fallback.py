"""A body for the pages where the body stage found nothing, or next to nothing.

An extractor that returns no text for a page that has prose is wrong whatever the page
is: a how-to whose steps live only in its JSON-LD, a video page whose one paragraph is
its description, a review written as bare text in a ``<div>``. ``main_text`` looks for a
container of paragraphs; when what it gives is shorter than ``NEAR_EMPTY`` characters,
this chain is tried, in order (as trafilatura falls back from its extractor to
readability, jusText and its own ``baseline()``, which reads JSON-LD ``articleBody`` and
then the page's ``<p>`` texts):

1. structured text: the page's JSON-LD article-like object (an article, a how-to, a
   recipe, a review, a video), its body (``articleBody``, ``reviewBody``, ``text``) or
   else its ``description``, followed by its steps (``step``, ``recipeInstructions``),
   markup read as HTML;
2. on an empty page only, the container the body stage chose, when its block rule
   rejected every block of it (a story in short lines): its blocks that are no link list,
   heading, label or call to action;
3. the page's prose: every block of the page, furniture (nav, footer, aside, forms,
   consent layers, login layers, hidden elements, classes naming furniture, but not a
   wrapper holding half of the page) left out, that reads like a sentence and is not a
   link list or a call to action; else the same inside its ``<noscript>`` elements (a
   page its scripts build, that prints the article there for readers without them);
4. on an empty page only, when it has no prose at all: its text outside that furniture,
   headings, link lists, labels and calls to action left out (step 4 alone as every
   page's body: F1 0.891 on eval half A, 0.916 on scrapinghub half A).

A candidate must hold ``FAR_MORE`` times the body stage's text. The first of 2 to 4 that
does is the body, unless the structured text holds ``PREFER_STRUCTURED`` of it or more (a
description is a summary: where the page has much more prose, that is the article); else
the body stage's text stays. Calibrated on eval half A and scrapinghub in two
simulations: with every page's body stage giving nothing, steps 1 and 3 alone score F1
0.871 / 0.836 (scrapinghub / eval half A); with its block rule rejecting every block, the
chain scores 0.974 / 0.912 (0.971 / 0.906 without step 2). On the real pages it changes 3
of half A (2 empty pages, and a track list that stood for a review) and none of
scrapinghub. It runs on the 2 % of pages whose text is that short, so it costs
``extract()`` about 0.4 % of its instructions.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .blocks import (
    LENGTH_HIGH,
    LENGTH_LOW,
    MAX_LINK_DENSITY,
    SENTENCE_END,
    Block,
    article_blocks,
    walk,
)
from .blockwords import (
    is_call_to_action,
    is_label,
)
from .body import choose_container
from .boilerplate import (
    FURNITURE,
    FURNITURE_TAGS,
    is_overlay,
    marker_kind,
)
from .metadata import ARTICLE_TYPES, jsonld_objects
from .parts import body_parts
from .pruning import FURNITURE_ROLES, WALK_SKIP, furniture_pruner
from .visibility import closable, hides

__all__ = ["NEAR_EMPTY", "fallback_body"]

# -- what the chain reads (data) ---------------------------------------------------------------
# A body stage's text shorter than this is "near empty" (the length generic pages with no
# article markup need, page._MIN_ARTICLE_CHARS): a candidate must then hold FAR_MORE times
# as much to replace it, so a short story the container gave whole stays (scrapinghub's
# shortest truths are 369 and 419 characters, and their pages hold no such candidate).
# Half A and scrapinghub: NEAR_EMPTY 250-600 and FAR_MORE 1.5-2 give the same F1; 1000
# replaces a whole short story with its page's comments (scrapinghub A -0.005), FAR_MORE 3
# loses the review of mix1.de. PREFER_STRUCTURED: 0.25-1.0 give the same F1 on eval half
# A with every body forced empty; 0.5 is the best of them on scrapinghub (0.871 to 0.865).
NEAR_EMPTY = 400
FAR_MORE = 2
PREFER_STRUCTURED = 0.5
_MIN_CANDIDATE = LENGTH_LOW  # less than a short paragraph is no body
# schema.org types whose text is the page's own (beside the article types): a how-to's
# steps, a recipe's method, a review, the description of a video page.
_STRUCTURED_TYPES = ARTICLE_TYPES | frozenset({"HowTo", "Recipe", "Review", "VideoObject"})
_BODY_KEYS = ("articleBody", "reviewBody", "text")  # the object's own text, else ...
_SUMMARY_KEYS = ("description",)  # ... its summary
_STEP_KEYS = ("step", "recipeInstructions")  # then its steps, in order
_STEP_TEXT_KEYS = ("text", "itemListElement")  # a HowToStep's text, or its directions
# Beside the furniture tags: a page header holds the menu and the logo's strap line.
_PRUNED_TAGS = frozenset(FURNITURE_TAGS) | frozenset({"header", "fieldset"})
# Class/id words of the layers a page keeps hidden until a click (a login dialogue and its
# messages, a tooltip): boilerplate.py leaves them to the body container's choice, which
# they never win; walking the whole page, they would ("x-dialog-login" and the
# "b-plus-btn-tooltip" of a video page of zdf.de, half A). Not "modal" or "dialog": with
# every page's body forced empty, either drops real prose (wrappers such as "modal-enabled")
# and costs the chain's F1 0.005-0.011 on scrapinghub or eval half A; these two cost none.
_LAYER_WORDS = frozenset({"login", "tooltip"})
_SPLIT = re.compile(r"[\s_-]+")
_PROSE_KINDS = frozenset({"paragraph", "text", "quote", "pre", "item"})
# A sentence end somewhere in a block shorter than blocks.LENGTH_HIGH (in any of the scripts
# blocks.SENTENCE_END knows): prose, where a menu, a label or a headline has none. (Asking it
# of longer blocks too, or a letter before the mark, costs the chain's recall 0.01-0.02 on
# both sets with every body forced empty: "... in 2020." ends a sentence too.)
_SENTENCE_END = re.compile(r"\w" + SENTENCE_END + r"(?:\s|$)")
_CODE = "script, style, noscript, template"  # text no reader sees
_MAX_NOSCRIPTS = 50  # <noscript> elements read (a page may repeat one per image)
# The whole page's walks skip forms: across a page, a form is mostly a login or sign-up
# dialogue (walked, zdf.de's, half A, gave 1,446 characters of prose for its story of 187);
# the body stage reads a form around the story (``pruning.story_form``).
_PAGE_SKIP = WALK_SKIP | {"form"}
_NOSCRIPT_SKIP = _PAGE_SKIP - {"noscript"}  # a walk skips its root too when the root is one
_MARKUP = re.compile(r"<[a-z][a-z0-9]*[\s>/]", re.I)


def fallback_body(tree: LexborHTMLParser, blocks: list[Block]) -> tuple[list[Block], str] | None:
    """A body for a page whose body stage gave ``blocks`` of next to no text, and where it
    came from ("json-ld", "paragraphs"); None when the page holds nothing better."""
    have = _chars(blocks)
    if have >= NEAR_EMPTY:
        return None
    need = max(_MIN_CANDIDATE, FAR_MORE * have)
    found, source = [], ""
    body = tree.body
    for find in (_rejected, _page_prose, _noscript_prose, _page_text) if not have else (
            _page_prose, _noscript_prose):
        found = find(body) if body is not None else []
        if _chars(found) >= need:
            source = "paragraphs"
            break
    structured = _structured(tree)
    size = _chars(structured)
    if size >= need and size >= PREFER_STRUCTURED * _chars(found):
        return structured, "json-ld"
    return (found, source) if source else None


def _rejected(body: LexborNode) -> list[Block]:
    """The blocks of the container the body stage chose and its block rule rejected every
    one of (a story told in short lines, none long enough to vouch for its neighbours)."""
    container, source, clusters = choose_container(body)
    if container is None:
        return []
    return _readable([block for part in body_parts(body, container, source == "marker", clusters)
                      for block in walk(part, WALK_SKIP, furniture_pruner(part, clusters))])


def _readable(blocks: list[Block]) -> list[Block]:
    """The blocks that are no heading, link list, label or call to action."""
    return [b for b in blocks if b.kind != "heading" and b.link_density <= MAX_LINK_DENSITY
            and not is_label(b.text) and not is_call_to_action(b.text)]


def _chars(blocks: list[Block]) -> int:
    return sum(len(b.text) for b in blocks)


# -- 1. structured text ------------------------------------------------------------------------

def _structured(tree: LexborHTMLParser) -> list[Block]:
    """The longest text of the page's JSON-LD article-like objects, as blocks."""
    best: list[Block] = []
    for node in jsonld_objects(tree):
        types = node.get("@type", [])
        if not _STRUCTURED_TYPES.intersection(types if isinstance(types, list) else [types]):
            continue
        parts = _first_text(node, _BODY_KEYS) or _first_text(node, _SUMMARY_KEYS)
        for key in _STEP_KEYS:
            parts += _steps(node.get(key))
        found = [block for part in parts for block in _as_blocks(part)]
        if _chars(found) > _chars(best):
            best = found
    return best


def _first_text(node: dict, keys: tuple[str, ...]) -> list[str]:
    return next(([node[k]] for k in keys if isinstance(node.get(k), str) and node[k].strip()),
                [])


def _steps(value: object, depth: int = 0) -> list[str]:
    """The texts of a list of steps: strings, HowToStep/HowToDirection objects, or
    HowToSections holding steps (``itemListElement``), in order; bounded in depth, as a page
    can nest them without end."""
    if depth > 4 or value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list):
        return [text for item in value for text in _steps(item, depth + 1)]
    if isinstance(value, dict):
        for key in _STEP_TEXT_KEYS:
            if (found := _steps(value.get(key), depth + 1)):
                return found
        return _steps(value.get("name"), depth + 1)
    return []


def _as_blocks(text: str) -> list[Block]:
    """A JSON-LD string as blocks: its markup read as HTML (``<p>`` by ``<p>``), plain text
    line by line."""
    if _MARKUP.search(text):
        fragment = LexborHTMLParser(text).body
        return walk(fragment, WALK_SKIP) if fragment is not None else []
    return [Block(line, "paragraph") for raw in html.unescape(text).split("\n")
            if (line := " ".join(raw.split()))]


# -- 2. the page's prose -----------------------------------------------------------------------

def _page_prose(body: LexborNode) -> list[Block]:
    """Every block of the page outside its furniture that reads as prose."""
    prose = [block for block in walk(body, _PAGE_SKIP, _furniture_of(body))
             if _is_prose(block)]
    return article_blocks(prose) or prose


def _noscript_prose(body: LexborNode) -> list[Block]:
    """The prose inside the page's ``<noscript>`` elements, which every walk skips (they
    mostly hold tracking pixels, image copies and "enable JavaScript" notices): a page
    its scripts build may print its article there for readers without them."""
    prune = _furniture_of(body)
    blocks = [block for node in body.css("noscript")[:_MAX_NOSCRIPTS]
              for block in walk(node, _NOSCRIPT_SKIP, prune) if _is_prose(block)]
    return article_blocks(blocks) or blocks


def _page_text(body: LexborNode) -> list[Block]:
    """On a page with no prose at all, its readable text outside its furniture (a product
    page, a table of results, a notice told in short lines): an empty text is wrong
    whatever the page is (trafilatura's last resort is all the text of ``<body>``)."""
    return _readable(walk(body, _PAGE_SKIP, _furniture_of(body)))


def _furniture_of(body: LexborNode) -> Callable[[LexborNode], bool]:
    """Whether the walk of the whole page skips a node: furniture by tag, ARIA role, class
    or id, a consent or pop-up layer, a hidden or closable element. An element whose class
    names furniture but that holds half of the page's text is its layout, as in the body
    stage's pruner: WordPress themes write "content-sidebar-wrap", "has-sidebar",
    "layout-right-sidebar" on the wrapper of everything, and a post's own classes name its
    categories ("category-newsletter", "no-share"). Trusting those words left the page's
    prose empty on 41 of the 434 pages of eval half A and 6 of the 80 of scrapinghub half
    A; step 3 alone as every page's body, F1 0.832 -> 0.874 (eval A) and 0.873 -> 0.910
    (scrapinghub A). The page's text counts without its scripts and styles; the prose
    clusters as the measure instead (as the body's pruner has them) read a page whose only
    cluster is a track list as that list (mix1.de, half A)."""
    half = (len(body.text()) - sum(len(n.text()) for n in body.css(_CODE))) / 2

    def prune(node: LexborNode) -> bool:
        if node.tag in _PRUNED_TAGS:
            return True
        attrs = node.attributes
        if not attrs:
            return False
        if attrs.get("role") in FURNITURE_ROLES or hides(attrs):
            return True
        marker = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
        if marker.strip() and (is_overlay(marker) or not _LAYER_WORDS.isdisjoint(
                _SPLIT.split(marker.lower()))):
            return True
        if marker.strip() and marker_kind(marker) == FURNITURE and len(node.text()) < half:
            return True
        return closable(node)
    return prune


def _is_prose(block: Block) -> bool:
    text = block.text
    return (block.kind in _PROSE_KINDS and len(text) >= LENGTH_LOW
            and block.link_density <= MAX_LINK_DENSITY
            and (len(text) >= LENGTH_HIGH or bool(_SENTENCE_END.search(text)))
            and not is_call_to_action(text) and not is_label(text))
