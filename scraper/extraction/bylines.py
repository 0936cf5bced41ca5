"""The visible byline, for a page whose markup names no author: an element the theme calls
a byline or an author's name, one that only mentions an author when it says no more than a
name (a box with a biography says more), or a line by the headline that says "By" and names
people. Kept apart from the page's structured metadata (``metadata.py``): it reads the
page's text, where that reads the page's markup.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .authors import clean_authors, dated_name, introduces_byline, labelled_name, line_byline
from .pagedates import in_comment_thread
from .tags import PAGE, tag_ids
from .titles import headline_region, node_text

__all__ = ["byline", "credit_line"]

# The byline's elements: rel=author links and the byline
# classes of WordPress, Arc and Gannett-style themes (the same classes boilerplate.py drops
# from the body); and hAtom's author, the formatted name (``fn``) of the ``author`` hCard
# inside the entry (``hentry``), one word or more ("Krimiblogger"). A blog's header may be
# an hCard of its owner, and a comment's poster is a ``comment-author``, no ``author``.
_BYLINE_SELECTOR = (
    ":is(byline, author, [rel=author], [class*=byline], [class*=author-name], "
    "[class*=authorname], [class*=author_name], [itemprop~=author], [data-component=byline i], "
    ".hentry .author .fn, .hentry .author.fn)")
_AUTHORISH_SELECTOR = (
    ":is([class*=author i], [class*=autor i], [class*=poster i], [class*=writer i], "
    "[class*=submitted i], [id*=author i], a[href*='/author/'], a[href*='/autor/'])")
_MAX_BYLINES = 8  # the byline sits by the headline; later matches are teasers' or comments'
_BYLINE_LEVELS = 3  # levels above the <h1> searched for the byline before the whole page
_MAX_BYLINE = 120  # characters: longer matches are author boxes with a biography
# A byline line without a class: the short elements by the headline that may hold one.
_LINE_SELECTOR = "p, span, div, em, i, strong, b, small, a"
_LINES_ABOVE, _LINES_BELOW = 10, 40  # of them looked at, around the headline in page order
_LINE_TAGS = tag_ids(*(tag.strip() for tag in _LINE_SELECTOR.split(",")))
_MAX_LINE = 60  # characters: "von" and two or three names
_BYLINE_NAME_SELECTOR = ":is([rel=author], a[href*=author], [itemprop=name], [class*=name i])"
# A name under a picture or a quotation (a <figure>, a <blockquote>, a class saying
# "quote") is the photographer's or the quoted person's.
_NOT_BYLINE_TAGS = tag_ids("figure", "blockquote")


def byline(tree: LexborHTMLParser, h1: LexborNode | None = None) -> list[str]:
    """The names in the page's visible byline, for a page whose markup names no author:
    the links to author pages inside it, else its text. An element the theme calls a
    byline or an author's name is one; one whose class or id only mentions an author (a
    box, a poster) must say "By" or "Geschrieben von", link to the author, or be a
    person's name, alone or before a date."""
    # the byline sits by the headline (``h1``, the page's first <h1>): look there first
    h1 = h1 if h1 is not None else tree.css_first("h1")
    region = headline_region(h1, _BYLINE_LEVELS)
    climbed = region is not None and h1 is not None and region.mem_id != h1.mem_id
    roots = [region, tree.body] if climbed else [tree.body]
    for root in roots:
        if root is not region and (names := _byline_line(region, h1)):
            return names  # the headline's own region first, classes or none
        for selector, plain in ((_BYLINE_SELECTOR, True), (_AUTHORISH_SELECTOR, False)):
            for node in root.css(selector)[:_MAX_BYLINES] if root is not None else ():
                text = node_text(node)
                if not text or len(text) > _MAX_BYLINE or _in_caption_or_quote(node):
                    continue
                names = [n for a in node.css(_BYLINE_NAME_SELECTOR) if (n := node_text(a))]
                if names or plain or introduces_byline(text):
                    if clean_authors(names or [text]):
                        return names or [text]
                    continue  # no name in it (a date, a label): the next one may hold it
                if (name := dated_name(text) or labelled_name(text)) and \
                        not in_comment_thread(node):
                    return [name]
    return _line_after(h1) if climbed else []


# Chinese portals credit a story in a labelled line of the page's text: "作者：余毅菁 向雪妮"
# (author), else "责任编辑：孔德明" (the editor in charge: the one credit most portals print,
# and whom the trafilatura-eval annotators, on both halves, and GNE's outputs take as the
# author). A name is two to four Han characters; names are joined by spaces or "、" within
# one text, never across elements (the page's text is read with a line between them).
_HAN_CHARS = "\u4e00-\u9fff"
_HAN_NAME = rf"[{_HAN_CHARS}·]{{2,4}}(?![{_HAN_CHARS}·])"
_NAMES_JOIN = "[ \u3000、，]+"
_CREDITS = tuple(
    re.compile(rf"(?:{labels})\s*[：:]\s*(?P<names>{_HAN_NAME}(?:{_NAMES_JOIN}{_HAN_NAME})*)")
    for labels in ("作者", "责任编辑|責任編輯|责编|責編"))
# What fills the field when nobody is named: unknown, anonymous,
# "compiled from the web", the site's editors, the desk's "little editor".
_NOBODY = frozenset(["未知", "佚名", "匿名", "网络整理", "網絡整理", "本站编辑", "小编"])
_HAN = re.compile(f"[{_HAN_CHARS}]")


def credit_line(tree: LexborHTMLParser, title: str | None) -> list[str]:
    """The names of a Chinese page's credit line (``_CREDITS``), for a page whose title is
    written in Han characters and whose markup and byline name nobody."""
    if not title or not _HAN.search(title) or tree.body is None:
        return []
    text = tree.body.text(separator="\n")
    for credit in _CREDITS:
        for match in credit.finditer(text):
            names = [n for n in re.split(_NAMES_JOIN, match["names"]) if n not in _NOBODY]
            if names:
                return names
    return []


def _in_caption_or_quote(node: LexborNode | None) -> bool:
    """Whether ``node`` sits in a picture or a quotation (``_NOT_BYLINE_TAGS``), a few
    levels up at most."""
    for _ in range(_BYLINE_LEVELS + 3):
        if node is None or node.tag_id in PAGE:
            return False
        if node.tag_id in _NOT_BYLINE_TAGS or "quote" in (node.attributes.get("class") or
                                                            "").lower():
            return True
        node = node.parent
    return False


def _byline_line(region: LexborNode | None, h1: LexborNode | None) -> list[str]:
    """The names of a line by the headline ``h1`` that is a byline without a class saying
    so: "von Daniela Obers", "Por Agencia EFE" (a "By" word, then names of people, nothing
    else: "Von Berlin nach Hamburg" is a subtitle)."""
    if region is None or h1 is None:
        return []
    nodes = region.css(f"{_LINE_SELECTOR}, h1, h2")  # the headline may be an <h2>
    at = next((i for i, node in enumerate(nodes) if node.mem_id == h1.mem_id), 0)
    for node in nodes[max(0, at - _LINES_ABOVE):at + _LINES_BELOW]:
        if names := _line_names(node):
            return names
    return []


def _line_names(node: LexborNode) -> list[str]:
    """The names of a short element that is a byline line, else []."""
    text = node_text(node)
    return line_byline(text) if len(text) <= _MAX_LINE else []


def _line_after(h1: LexborNode) -> list[str]:
    """The names of a byline line among the first elements after the headline in page
    order, beyond its region: a byline printed in the next box ("von Andreas Kürten" in
    zdf.de's caption of the story, "Por Agencia EFE" under 24horas.cl's lead). Walked from
    the headline on, not queried page-wide: on a page without an author the query cost
    5 % of extract()."""
    node, seen = h1, 0
    while seen < _LINES_BELOW:
        while node is not None and node.next is None:
            node = node.parent
        if node is None or node.tag_id in PAGE:
            return []
        node = node.next
        for element in node.traverse():
            if element.tag_id not in _LINE_TAGS:
                continue
            seen += 1
            if names := _line_names(element):
                return names
            if seen >= _LINES_BELOW:
                return []
    return []
