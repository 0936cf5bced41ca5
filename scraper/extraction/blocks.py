"""Text blocks of a body container, and which of them are the article (context-sensitive).

``walk`` turns a subtree into blocks (paragraphs, headings, list items, quotes, cells,
preformatted text) with the share of their text inside links, without recursion, so
50,000 nested divs cannot overflow the stack. ``article_blocks`` then keeps the blocks
that belong to the article, by jusText's context-sensitive rule (Pomikálek 2011, see
miso-belica/jusText ``doc/algorithm.rst``): long link-free blocks are certainly prose, link
blocks and copyright lines certainly not, and the short blocks in between take the class
of their neighbours, the container's edges counting as boilerplate. So a kicker, a
category label or a date above the first paragraph and a "Contact:" or "More on this"
line below the last one go, while a short subheading or a one-line paragraph between two
paragraphs stays. Thresholds are jusText's published defaults, not fitted to our sets.
Before the rule, the labels of the page's machinery (ad slots, share and print buttons,
rating widgets) and pictures' captions leave; calls to action and notices are boilerplate
by their wording (``blockwords.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from .blockwords import (
    END_MATTER_RE,
    PHP_ERROR_RE,
    any_substring,
    is_bare_link,
    is_call_to_action,
    is_caption,
    is_credit,
    is_label,
)

__all__ = ["CUT", "DENSE_SCRIPT", "ENDS_SENTENCE", "Block", "article_blocks", "walk"]

# Elements that start a new block, and the kind of block each one makes.
_KINDS = {
    "p": "paragraph", "h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading",
    "h5": "heading", "h6": "heading", "li": "item", "dd": "item", "dt": "item",
    "blockquote": "quote", "pre": "pre", "tr": "row", "caption": "caption",
    "figcaption": "caption",
}
BLOCK_TAGS = frozenset(_KINDS) | frozenset({
    "table", "div", "section", "article", "ul", "ol", "dl", "header", "footer",
    "aside", "main", "figure", "address", "details", "summary", "hr", "center", "form",
    "fieldset", "nav", "tbody", "thead", "tfoot",
})
# jusText's defaults: a block under LENGTH_LOW characters is too short to judge alone, one
# over LENGTH_HIGH is prose when it has few links (MAX_LINK_DENSITY), a heading within
# MAX_HEADING_DISTANCE characters before prose belongs to it.
LENGTH_LOW, LENGTH_HIGH, MAX_LINK_DENSITY, MAX_HEADING_DISTANCE = 70, 200, 0.5, 200
# Scripts written without spaces carry about three Latin letters' worth per character
# (a Chinese paragraph of 70 characters is a long one): Japanese kana, CJK, Hangul, and
# the South-East Asian scripts that write no spaces between words (Thai, Lao, Myanmar,
# Khmer).
DENSE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7a3\u0e00-\u0eff\u1000-\u109f"
                           r"\u1780-\u17ff]")
_MAX_NOTICE = 2 * LENGTH_HIGH  # a copyright notice is a line, not a paragraph
# The prose after an end-matter label or a call to action, as a share of the article's, up
# to which it is the page's end matter (see _before_end_matter). Half A of both dev sets:
# 0.12-0.2 give the same F1 (eval: 3 boilerplate snippets gone on 2 pages, no truth text
# lost); 0.1 keeps a pitch at 0.12, 0.25 cuts story text after a WIRED "SUBSCRIBE" box.
_SHORT_TAIL = 0.15
# The sign, the words, or the word written out before the year ("Copyright 2019 The New
# Arab.", "Copyright @ 2019": a story mentions copyright, it does not date one).
_COPYRIGHT_HINTS = ("©", "&copy", "(c)", "rights reserved", "rechte vorbehalten",
                    "droits réservés", "copyright")
_COPYRIGHT = re.compile(r"©|&copy;|\(c\)\s*\d{4}|\bcopyright\W{0,3}\d{4}\b|"
                        r"\ball rights reserved\b|\balle rechte vorbehalten\b|"
                        r"\btous droits réservés\b", re.I)
# A short block ending like a sentence (a closing quote or bracket may follow the mark) is
# more likely a line of the article than a label, a button or a heading. The marks are
# the sentence ends of the scripts of the world's press: Latin, CJK (。！？), Devanagari and
# Bengali (।), Arabic (؟), Urdu (۔), Armenian (։), Ethiopic (።), Myanmar (။), Khmer (។);
# CJK closes its quotes with 」 and 』.
SENTENCE_END = r"[.!?…。！？।؟۔։።။។]['\"”’»)\]」』）】]*"  # a mark, then any closers
ENDS_SENTENCE = re.compile(r"\w\W*" + SENTENCE_END + "$")  # a text that ends a sentence
# A line of the article's own: a sentence, or a line announcing what follows with a colon.
_OWN_LINE = re.compile(r"\w\W*(?:" + SENTENCE_END + "|:)$")
# An excerpt the CMS cut off ("...diagnosed with the plague,...") ends in an ellipsis: a
# teaser of the text, not a sentence written so.
CUT = ("...", "…")
# List items and table rows are short by nature: next to prose they are part of it.
_STRUCTURED = frozenset({"item", "row"})
EDGE, BAD, SHORT, NEAR_GOOD, GOOD = -1, 0, 1, 2, 3


@dataclass(slots=True)
class Block:
    """One block of text: folded whitespace, its kind, and how much of it is link text."""

    text: str
    kind: str
    link_chars: int = 0
    parent: int = 0  # the element around the one that opened the block (siblings share it)

    @property
    def link_density(self) -> float:
        return self.link_chars / max(1, len(self.text))


def walk(node: LexborNode, skip: frozenset[str],
         prune: Callable[[LexborNode], bool] | None = None) -> list[Block]:
    """The blocks of ``node`` in document order, elements in ``skip`` and those ``prune``
    says are furniture left out.

    One depth-first pass (no recursion, so 50,000 nested divs cannot overflow the stack):
    each text belongs to the block of its nearest block-level ancestor, and a new block
    starts where that ancestor changes. The pass carries that ancestor down with it, so a
    text costs no climb to find it (each step up was two Lexbor reads), and a skipped
    element's subtree is never entered (Lexbor's traversal went through every node of it).
    """
    blocks: list[Block] = []
    buffer: list[str] = []
    linked = 0
    owner = -1  # mem_id of the element whose block the buffer holds
    kind, parent = "text", 0
    # tag_id -> tag, for this document: ``tag`` makes a new str on every read, five times the
    # cost of the id, and an id names one tag within a document (Lexbor's tag table)
    names: dict[int, str | None] = {}

    def flush() -> None:
        nonlocal linked
        text = " ".join("".join(buffer).split())
        if text:
            blocks.append(Block(text, kind, min(linked, len(text)), parent))
        buffer.clear()
        linked = 0

    # The texts' block: [element, its tag, its mem_id, the element around it], the ids read
    # when a text first needs them; and whether a link lies between it and the text.
    holder: list = [node, None, None, None]
    in_link = False
    stack: list[tuple[LexborNode, list, bool]] = []  # the elements entered, with the above
    item: LexborNode | None = node
    while item is not None:
        tid = item.tag_id
        tag = names[tid] if tid in names else names.setdefault(tid, item.tag)
        child = None
        if tag == "-text":
            text = item.text_content
            if text:
                if (key := holder[2]) is None:
                    key = holder[2] = holder[0].mem_id
                if key != owner:
                    flush()
                    owner, kind = key, _KINDS.get(holder[1], "text")
                    outer = holder[3] if holder[3] is not None else holder[0].parent
                    parent = outer.mem_id if outer is not None else 0
                buffer.append(text)
                if in_link:
                    linked += len(text.strip())
        elif tag is None or tag[0] == "-":  # comments, processing instructions
            child = item.first_child
        elif tag in skip or (prune is not None and item is not node and prune(item)):
            pass  # its subtree is left out
        else:
            if tag == "br" or tag == "td" or tag == "th":
                buffer.append(" ")  # a line break; the cells of a row are one block
            child = item.first_child
        if child is not None:
            stack.append((item, holder, in_link))
            if item is node:
                holder = [node, tag, None, None]
            elif tag in BLOCK_TAGS:
                holder, in_link = [item, tag, None, stack[-2][0]], False
            else:
                in_link = in_link or tag == "a"
            item = child
            continue
        while item is not node:
            following = item.next
            if following is not None:
                item = following
                break
            item, holder, in_link = stack.pop()
        else:
            item = None
    flush()
    return blocks


def _is_end_matter(block: Block) -> bool:
    return len(block.text) < LENGTH_LOW and bool(END_MATTER_RE.match(block.text))


def _before_end_matter(blocks: list[Block], classes: list[int]) -> list[Block]:
    """The GOOD blocks, up to the first end-matter label that follows most of the article's
    text and after which no paragraph of the article's own element comes: a "Related" box
    or the author's bio after the last paragraph has prose of its own, which the label
    gives away, while an inline "Read also" between two paragraphs is only a label.

    A label or a publisher's call to action (``is_call_to_action``) after which only a
    short tail of prose follows (``_SHORT_TAIL`` of the article's text) opens the page's
    end matter even inside the article's own element: a site's pitch, its contacts or a
    promotion written as paragraphs of the story's container ("Comments" over an "Advertise
    with us" paragraph, an affiliate notice over a "Have you seen our brand finder?")."""
    good = [b for b, cls in zip(blocks, classes, strict=True) if cls == GOOD]
    total = sum(len(b.text) for b in good)
    main = _main_parent(good)
    seen = 0
    for i, (block, cls) in enumerate(zip(blocks, classes, strict=True)):
        if cls == GOOD:
            seen += len(block.text)
        elif seen * 2 >= total and _opens_end_matter(block, total - seen <= _SHORT_TAIL * total,
                                                     blocks[i + 1:], classes[i + 1:], main):
            return [b for b, c in zip(blocks[:i], classes[:i], strict=True) if c == GOOD]
    return good


def _opens_end_matter(block: Block, short_tail: bool, following: list[Block],
                      classes: list[int], main: int) -> bool:
    """Whether ``block``, after most of the article's text, ends it (``_before_end_matter``)."""
    if _is_end_matter(block):
        return short_tail or not any(b.parent == main and c == GOOD
                                     for b, c in zip(following, classes, strict=True))
    return short_tail and len(block.text) < _MAX_NOTICE and is_call_to_action(block.text)


def _main_parent(good: list[Block]) -> int:
    """The element whose children hold most of the text of the ``good`` blocks (0: none)."""
    weights: dict[int, int] = {}
    for block in good:
        weights[block.parent] = weights.get(block.parent, 0) + len(block.text)
    return max(weights, key=weights.__getitem__, default=0)


def _weight(text: str) -> int:
    """Length in Latin-letter equivalents (exact below LENGTH_HIGH, where it matters)."""
    if len(text) >= LENGTH_HIGH or text.isascii():
        return len(text)
    return len(text) + 2 * len(DENSE_SCRIPT.findall(text))


_COPYRIGHT_HINT = any_substring(_COPYRIGHT_HINTS)  # in lowercased text


def _is_copyright(text: str) -> bool:
    return bool(_COPYRIGHT_HINT.search(text.lower()) and _COPYRIGHT.search(text))


def _context_free(block: Block) -> int:
    text = block.text
    if block.link_density > MAX_LINK_DENSITY or _is_end_matter(block) or (
            len(text) < _MAX_NOTICE and (_is_copyright(text) or is_call_to_action(text))):
        return BAD
    weight = _weight(text)
    if weight < LENGTH_LOW:
        return SHORT
    return GOOD if weight >= LENGTH_HIGH else NEAR_GOOD


def _runs(classes: list[int], blocks: list[Block]) -> list[int]:
    """Consecutive medium blocks that are together as long as one long block are prose: a
    story told in short paragraphs is still a story."""
    i = 0
    while i < len(classes):
        if classes[i] != NEAR_GOOD:
            i += 1
            continue
        j = i
        while j < len(classes) and classes[j] == NEAR_GOOD:
            j += 1
        if j - i > 1 and sum(_weight(b.text) for b in blocks[i:j]) >= LENGTH_HIGH:
            classes[i:j] = [GOOD] * (j - i)
        i = j
    return classes


def _heading_before_prose(blocks: list[Block], classes: list[int], i: int) -> bool:
    """A heading followed by a GOOD block within MAX_HEADING_DISTANCE characters."""
    distance = 0
    for j in range(i + 1, len(blocks)):
        if classes[j] == GOOD:
            return True
        distance += len(blocks[j].text)
        if distance > MAX_HEADING_DISTANCE:
            return False
    return False


def _run_in(blocks: list[Block], classes: list[int], i: int) -> bool:
    """A line that announces the paragraph right under it ("Osoby niewidome, słabowidzące:",
    "Das Beste kommt jetzt:"): a heading written as a sentence of three or more words ending
    in a colon, followed by prose. A one- or two-word label ("Zubereitung:", "Bildrechte:")
    and a colon before a list of links or of fields stay out (eval half A: +1 snippet
    with the words and the prose required, +1 and a dozen field labels without them)."""
    text = blocks[i].text
    return text.endswith(":") and i + 1 < len(classes) and classes[i + 1] >= NEAR_GOOD and \
        text.count(" ") >= 2


def _neighbours(classes: list[int], skip: int, edge: int) -> tuple[list[int], list[int]]:
    """For each block, the class of the nearest block before it and after it that is not of
    class ``skip`` (``edge`` beyond the container's first or last block)."""
    before, after = [edge] * len(classes), [edge] * len(classes)
    last = edge
    for i, cls in enumerate(classes):
        before[i] = last
        if cls != skip:
            last = cls
    last = edge
    for i in range(len(classes) - 1, -1, -1):
        after[i] = last
        if classes[i] != skip:
            last = classes[i]
    return before, after


def article_blocks(blocks: list[Block]) -> list[Block]:
    """The blocks the context-sensitive classification keeps as the article's.

    jusText's rule, adapted to a container already chosen for its prose (jusText judges a
    whole page): a short block is kept only between prose on both sides (the container's
    edges count as boilerplate, so labels above the first paragraph and notes below the
    last one go), or next to prose when it is a sentence, a list item or a table row, or
    as a heading right before prose; a medium block is dropped only between boilerplate
    blocks on both sides (an edge does not count: a body of short paragraphs is still a
    body).
    """
    # the labels of ads, share bars and rating widgets, pictures' captions, bare addresses
    # and the site's own PHP error messages go first: machinery, no evidence about the
    # blocks around them
    blocks = [b for b in map(_without_php_errors, blocks) if b.text]
    blocks = [b for b in blocks if not (len(b.text) < LENGTH_LOW and is_label(b.text) or
                                        len(b.text) < LENGTH_HIGH and is_caption(b.text) or
                                        is_bare_link(b.text))]
    free = _runs([_context_free(b) for b in blocks], blocks)
    classes = list(free)
    for i, block in enumerate(blocks):
        if (block.kind == "heading" or _run_in(blocks, free, i)) and free[i] == SHORT and \
                _heading_before_prose(blocks, free, i):
            classes[i] = NEAR_GOOD
    revised = list(classes)
    if SHORT in classes:
        befores, afters = _neighbours(classes, SHORT, EDGE)
        for i, cls in enumerate(classes):
            if cls == SHORT:
                before, after = befores[i], afters[i]
                prose = (before >= NEAR_GOOD) + (after >= NEAR_GOOD)
                sentence = prose and (ENDS_SENTENCE.search(blocks[i].text[-12:]) or (
                    blocks[i].kind in _STRUCTURED and BAD not in (before, after)))
                revised[i] = GOOD if prose == 2 or sentence else BAD
    if NEAR_GOOD in classes:
        befores, afters = _neighbours(revised, NEAR_GOOD, GOOD)
        for i, cls in enumerate(classes):
            if cls == NEAR_GOOD:
                revised[i] = BAD if befores[i] == afters[i] == BAD else GOOD
    for i, block in enumerate(blocks):
        if block.kind == "heading" and free[i] != BAD and revised[i] == BAD and \
                _heading_before_prose(blocks, revised, i):
            revised[i] = GOOD
    revised = _own_lines(blocks, free, revised)
    # a credit line is a sentence of the desk, evidence for its neighbours, but not the story's
    return [b for b in _before_end_matter(blocks, revised)
            if not (len(b.text) < _MAX_NOTICE and is_credit(b.text))]


def _without_php_errors(block: Block) -> Block:
    """``block`` without the PHP error messages printed into it (``PHP_ERROR_RE``)."""
    if " on line " not in block.text:
        return block
    text = " ".join(PHP_ERROR_RE.sub(" ", block.text).split())
    if text == block.text:
        return block
    return Block(text, block.kind, min(block.link_chars, len(text)), block.parent)


def _own_lines(blocks: list[Block], free: list[int], revised: list[int]) -> list[int]:
    """``revised`` with the short paragraphs the page wrote among the article's own kept.

    jusText counts the container's edges as boilerplate, so a closing line of the story
    ("Lesen Sie dazu auch die Pressemitteilungen:", "Weitere genutzte Quellen in englischer
    Sprache:") goes with the notes under it. A ``<p>`` that is a child of the element
    holding most of the article's text, written as a sentence of three words or more (a
    sentence end, or a colon announcing what follows), is one of its lines: the page's
    markup says so. Sources, credits, initials and dates ("Quelle: dpa", "aja/PAP",
    "Photocredits X: Y", "12.11.2021") are no sentences and stay out. Eval half A: +2
    snippets, no boilerplate one; without the sentence test +7 snippets and +5 boilerplate
    snippets (a "Sign up here" line, a category line, a desk's initials).
    """
    main = _main_parent([b for b, cls in zip(blocks, revised, strict=True) if cls == GOOD])
    if not main:
        return revised
    return [GOOD if cls == BAD and free[i] in (SHORT, NEAR_GOOD) and _is_own_line(blocks[i], main)
            else cls for i, cls in enumerate(revised)]


def _is_own_line(block: Block, main: int) -> bool:
    text = block.text
    return (block.kind == "paragraph" and block.parent == main and text.count(" ") >= 2
            and not text.endswith(CUT) and bool(_OWN_LINE.search(text[-12:])))
