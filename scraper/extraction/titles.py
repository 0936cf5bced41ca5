"""Titles: the story's headline among the page's headings, and its title without what
<title>, og:title and JSON-LD add to it (the site's name, a section, a kicker) and as the
page prints it (typeset, or reworded by the metadata for search engines).

The trafilatura-eval annotators, like readers, take the headline the page shows; the
metadata says which heading that is.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .tags import PAGE, tag_ids

__all__ = ["clean_title", "fallback_title", "headline", "headline_region", "names_site",
           "node_text", "shown_title", "site_label", "titled_heading"]

_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " » ", " / ", ": ")
_SITE_SEPARATORS = _SEPARATORS[:-2]  # not "/" nor ":": "Kicker: Story" is the story's
# Scripts written without spaces put none around the separator either ("NEWS WEB
# EASY|子ども...", "...英雄的城！-新华网"): a site's name after one of these, unspaced, is cut
# when it is the site's name (og:site_name), or two to eight Han, kana or Hangul characters
# after a headline at least twice as long (eval: 1 page of each half).
_TIGHT_SEPARATORS = ("|", "｜", "-", "－", "_", "＿")  # in such titles only: "Privatkredit-Zinsen"
_CJK_CHARS = "\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af"  # kana, Han, Hangul
_CJK = re.compile(f"[{_CJK_CHARS}]")
_CJK_SITE_TAIL = re.compile(f"^(?P<head>.*\\S)[{re.escape(''.join(_TIGHT_SEPARATORS))}]"
                            f"(?P<tail>[{_CJK_CHARS}]{{2,8}})$")
_MAX_SITE_WORDS = 4  # "EFC Bayrische Bembel Regensburg"
_PREFIX = re.compile(r"(?:.{1,60}?\s*[|\-–—:·»/]{1,2}\s*)?")  # "Section | " before the <h1>
# " - Site Name" after it, or a word or two first (" Rezept | LECKER", " von user | Site")
_SUFFIX = re.compile(r"(?:[^|\-–—:·»/]{0,30}?\s*[|\-–—:·»/]{1,2}\s*.{1,60})?")
_TRAILING_SEPARATOR = re.compile(r"\s+[|\-–—:·»/]+$")  # "Story -": a site name left empty
_LEADING_SEPARATOR = re.compile(r"\s*[|\-–—:·»/]{1,2}\s+")
# Typeset punctuation and its plain form (WordPress typesets what it shows, not its metadata).
_PLAIN_TYPE = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"',
                             "„": '"', "‟": '"', "«": '"', "»": '"', "–": "-", "—": "-",
                             "‒": "-", "―": "-", "…": "...", "\u00a0": " "})
# Second-level labels of country domains ("co.uk", "com.br", the governments' "gv.at",
# "gob.mx", "gouv.fr", "govt.nz"): the site's label is before them.
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "or", "ne", "go",
                           "gv", "gob", "gouv", "govt", "nic", "mil"})
_MAX_HEADINGS = 40  # headings (<h1>, <h2>) compared with the title, in page order
_HEADLINE_LEVELS = (tag_ids("h1"), tag_ids("h2"))
_WORD = re.compile(r"\w+")
_SIMILAR = 0.5  # of the words of a heading and a title: the same headline, reworded
_MIN_CJK_HEADLINE = 4  # characters of a heading in Han, kana or Hangul: a headline's length
_MIN_HEADLINE_WORDS = 3  # a headline a kicker is cut from: "Heute schon an morgen denken"
_MAX_KICKER = 60  # characters before it: "Olympische Spiele in Paris - "
_KICKER_ENDS = " |-–—:·»/"  # what a kicker's element may leave before the headline
_MAX_CLIMB = 10  # elements climbed for a headline's region: wrappers of it alone count none


def node_text(node: LexborNode) -> str:
    """An element's text, its text nodes joined by spaces, whitespace folded."""
    return " ".join(node.text(deep=True, separator=" ").split())


def _without_site_part(title: str, label: str) -> str:
    """``title`` without its first or last part (at a separator with spaces) when that part
    is the site's name (``_names_site``: "EFC Bayrische Bembel Regensburg - Story" on
    bayrische-bembel.de), and what is left holds two words or more."""
    for sep in _SITE_SEPARATORS:
        head, found, rest = title.partition(sep)
        if found and _names_site(head, label) and len(rest.split()) >= 2:
            return rest
        rest, found, tail = title.rpartition(sep)
        if found and _names_site(tail, label) and len(rest.split()) >= 2:
            return rest
    return title


def _names_site(part: str, label: str) -> bool:
    """Whether a title's ``part`` is a site's name: a few words holding its domain label
    (not "DRK: Immer mehr Menschen ...", a headline that names its publisher)."""
    return len(part.split()) <= _MAX_SITE_WORDS and label in _alnum(part)


def names_site(text: str, url: str | None, site_name: str | None = None) -> bool:
    """Whether ``text`` is only the site's name: its og:site_name, or a few words holding the
    domain's label (``_names_site``: "Reiterrevue International" on reiterrevue.de,
    "www.sonnenenergie.de"). A description meta that says so is no summary of the story."""
    if site_name and _alnum(text) == _alnum(site_name):
        return True
    label = site_label(url)
    return bool(label) and _names_site(text, label)


def _alnum(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


def clean_title(title: str, site_name: str | None = None, section: str | None = None,
                h1: str | None = None, site_label: str | None = None) -> str:
    """A headline without what <title> and og:title add to it: the site name ("Story |
    Paper", or a part naming the site's domain, ``site_label``: "Story | MDR.DE" on mdr.de),
    the section ("World - Story", or glued on as "WorldStory")."""
    title = " ".join(html.unescape(title).split())  # JSON-LD often carries "&#8216;"
    if h1 and h1 != title and (at := title.find(h1)) >= 0:
        prefix, suffix = title[:at], title[at + len(h1):]
        if _PREFIX.fullmatch(prefix) and _SUFFIX.fullmatch(suffix):
            return h1  # the page's own <h1> decorated with site name or section
    if site_name:
        for sep in _SEPARATORS + (_TIGHT_SEPARATORS if _CJK.search(title) else ()):
            if title.endswith(sep + site_name) and len(title) > len(sep + site_name):
                title = title[: -len(sep + site_name)]
            elif title.startswith(site_name + sep) and len(title) > len(site_name + sep):
                title = title[len(site_name + sep):]
    if site_label:
        title = _without_site_part(title, site_label)
    if (tight := _CJK_SITE_TAIL.match(title)) and len(tight["head"]) >= 2 * len(tight["tail"]):
        title = tight["head"]
    if section and title.startswith(section) and len(title) > len(section) + 3:
        rest = title[len(section):]
        if (match := _LEADING_SEPARATOR.match(rest)) or rest[0].isupper():
            title = rest[match.end():] if match else rest
    return _TRAILING_SEPARATOR.sub("", title).strip()


def site_label(url: str | None) -> str | None:
    """The label that names the site in its domain ("www.mdr.de" -> "mdr", "bbc.co.uk" ->
    "bbc"), folded to letters and digits; None when shorter than three characters."""
    labels = (urlsplit(url or "").hostname or "").split(".")
    if len(labels) < 2:
        return None
    at = -3 if len(labels) > 2 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else -2
    label = "".join(c for c in labels[at] if c.isalnum())
    return label if len(label) >= 3 else None


def headline(tree: LexborHTMLParser, first: LexborNode | None,
             title: str | None) -> LexborNode | None:
    """The heading (``<h1>``, else ``<h2>``) that prints the article's title, typography
    aside, else the page's first ``<h1>``. A blog may set its name in an ``<h1>`` above the
    story's own heading (the byline, the widgets and the body look for the story's)."""
    if not title:
        return first
    wanted = _typeset(title)
    if first is not None and _typeset(node_text(first)) == wanted:
        return first  # the common case: no page-wide query
    headings = tree.css("h1, h2")[:_MAX_HEADINGS]  # one walk of the page for both levels
    for same in (lambda text: _typeset(text) == wanted, lambda text: _similar(text, title)):
        for level in _HEADLINE_LEVELS:
            for node in headings:
                if node.tag_id in level and same(node_text(node)):
                    return node
    return first


def titled_heading(tree: LexborHTMLParser, first: LexborNode | None,
                   html_title: str) -> LexborNode | None:
    """The page's first ``<h1>``, unless the ``<title>`` does not name it and names another
    ``<h1>`` or ``<h2>`` of two words or more (``_several_words``): then the longest such
    heading (a site's name is the shorter part of "Story – Site"). For the pages without
    og:title or JSON-LD headline whose first ``<h1>`` is a menu toggle ("Menu"), a box
    ("Quicklink") or the site's name. Eval: titles +3 on half A (where it was found), +5
    on half B, none lost; a Chinese government portal's among GNE's pages, none on either
    dev set, when headings without spaces count by their characters."""
    if first is None:
        return None
    named = _fold(html_title)
    if _fold(node_text(first)) in named:
        return first
    headings = [(len(text), heading) for heading in tree.css("h1, h2")
                if _several_words(text := node_text(heading)) and _fold(text) in named]
    return max(headings, key=lambda item: item[0])[1] if headings else first


def _several_words(text: str) -> bool:
    """Two words or more; in a script written without spaces, four characters or more
    ("山西品牌丝路行（南美站）正式启动", a headline; not one word such as "Menu")."""
    return " " in text or len(_CJK.findall(text)) >= _MIN_CJK_HEADLINE


# What names the story when a page has no <h1>, <title> or title metadata: the theme's title
# class (WordPress's entry-title, post-title, article-title) or else the first <h2>.
_TITLE_CLASS = ("[class*=entry-title], [class*=post-title], [class*=article-title], "
                "[class*=headline]")
_MAX_TITLE = 200  # characters: longer is a teaser's or a paragraph's text


def fallback_title(tree: LexborHTMLParser) -> str | None:
    """The title of a page that names none: its first title-classed element, else its
    first ``<h2>``, with text of its own."""
    for selector in (_TITLE_CLASS, "h2"):
        for node in tree.css(selector)[:_MAX_HEADINGS]:
            if (text := node_text(node)) and len(text) <= _MAX_TITLE:
                return text
    return None


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def headline_region(heading: LexborNode | None, levels: int) -> LexborNode | None:
    """The element ``levels`` above the headline ``heading`` where its byline and dateline
    are looked for first, wrappers that hold the headline alone not counted (a heading in
    four ``<div>``s of its own); short of ``<body>``."""
    region, counted, alone = heading, 0, len(heading.text()) if heading is not None else 0
    for _ in range(_MAX_CLIMB):
        if counted == levels or region is None or region.parent is None or \
                region.parent.tag_id in PAGE:
            break
        region = region.parent
        if alone < 0 or len(region.text()) > alone:
            counted, alone = counted + 1, -1
    return region


def _similar(shown: str, title: str) -> bool:
    """Whether a heading says what the metadata's title says in other words: half of
    their words shared ("Der Nervenkrieg um den Brexit geht in die nächste Runde",
    "Brexit: Nervenkrieg geht in nächste Runde")."""
    a, b = set(_WORD.findall(shown.casefold())), set(_WORD.findall(title.casefold()))
    return len(a) >= 2 and len(a & b) >= _SIMILAR * len(a | b)


def shown_title(title: str, heading: LexborNode) -> str:
    """``title`` as the headline ``heading`` shows it: typeset by the CMS, and without the kicker a
    metadata title puts before it ("Corona-Lockerungen: Autohäuser rechnen ...", "SARS-2
    Heute schon ...") or that the headline prints above itself in an element of its own
    (``<h1><span class=dachzeile>Nach Corona-Lockerungen</span> Autohäuser ...</h1>``)."""
    shown = node_text(heading)
    if _typeset(shown) == _typeset(title):
        return shown
    first = heading.child
    while first is not None and first.tag == "-text" and not (first.text_content or "").strip():
        first = first.next
    below = None
    if first is not None and first.tag != "-text" and (kicker := node_text(first)) and \
            shown.startswith(kicker):
        below = shown[len(kicker):].lstrip(_KICKER_ENDS)
    for headline_text in (below, shown):
        if headline_text and len(headline_text.split()) >= _MIN_HEADLINE_WORDS and \
                title.endswith(headline_text) and len(title) - len(headline_text) <= _MAX_KICKER:
            return headline_text
    if not _similar(shown, title):
        return title
    printed, meant = _typeset(shown), _typeset(title)
    if meant in printed:  # the heading holds the title: what it adds may be a site name or kicker
        runs = [run for run in heading.text(separator="\0").split("\0") if run.strip()]
        rest = printed.replace(meant, "", 1)
        if len(runs) > 1 or any(mark in rest for mark in _KICKER_ENDS.strip()):
            return title
    return shown  # the same headline, reworded ("Brexit: Nervenkrieg ..." as printed)


def _typeset(text: str) -> str:
    """``text`` with its quotes, dashes and ellipses typed plainly, case folded: how a
    title in the metadata ("Keks'n Cream - neu...") and the same title as the page shows
    it, typeset by the CMS ("Keks’n Cream – neu…"), compare."""
    return " ".join(text.translate(_PLAIN_TYPE).split()).casefold()
