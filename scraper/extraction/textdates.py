"""Dates a page's text states, for a page whose markup gives no publication date: the line
around the headline, a date a label introduces ("Veröffentlicht am 3.2.2021", "Last
updated: 1/23/21"), the date keys of its scripts, the first date it shows. ``pagedates.py``
decides in which order they are asked; this module reads them.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from selectolax.lexbor import LexborHTMLParser

from .dates import date_after_label, date_at, date_in_text, in_future, parse_date

__all__ = ["around_headline", "first_shown", "labelled_date", "parsed_date",
           "script_date", "update_in", "visible_text"]

_AROUND_HEADLINE = (200, 600)  # characters of text before and after the headline searched
# No optional quote before the key (only the date is read): the keys' first letters then let
# the regex engine skip through a script in C (4x faster on the dev sets' scripts).
_SCRIPT_DATE = re.compile(
    r"""(?:datePublished|published_at|publishDate|publish_date|date_published|"""
    r"""pubDate|firstPublished|first_published_at|pubtime|pubTime|publishTime|publish_time)"""
    r"""["']?\s*[:=]\s*["']([^"'<>]{8,40})["']""")
_MAX_SCRIPT = 400_000  # characters of script searched
_MAX_TEXT = 200_000  # characters of page text searched for a labelled date
_INVISIBLE_SELECTOR = "script, style, noscript, template"
# Words that introduce a page's own date, in the dev sets' languages and their neighbours.
_LABELS = ("published", "posted", "veröffentlicht", "erschienen", "publiziert", "erstellt",
           "publié", "mis en ligne", "mise en ligne", "publicado", "pubblicato",
           "publicerad", "gepubliceerd", "opublikowano", "datum", "fecha")
# ... and its last update: the best estimate left when a page states no other date.
_UPDATE_LABELS = ("updated", "last modified", "aktualisiert", "geändert", "mis à jour",
                  "actualizado", "atualizado", "aggiornato", "bijgewerkt", "zaktualizowano",
                  "uppdaterad", "opdateret", "oppdatert", "päivitetty", "обновлено",
                  "güncelleme", "güncellendi")
_MAX_LABELS = 50  # label occurrences looked at
_AFTER_LABEL = 40  # characters after a label that may hold its date ("am", "le", ": ")
_OPENING = 1500  # characters of text before the story: a masthead, a kicker, a dateline
# The look-behind follows the first digits, so the regex engine scans for "1"/"2" in C
# instead of trying the look-behind at every position (4x faster over a page's text).
_YEAR = re.compile(r"(?:19|20)(?<!\d\d\d)\d\d(?!\d)")
_AROUND_YEAR = (60, 12)  # characters before and after a year that may hold its date


def parsed_date(value: str, month_first: bool) -> datetime | date | None:
    """``value`` read as a date that can be a publication date, or None."""
    if not value or not value.strip():
        return None
    parsed = parse_date(value, month_first)
    return parsed if parsed is not None and not in_future(parsed) else None


def around_headline(text: str, headline: str, month_first: bool) -> datetime | date | None:
    """The date nearest to ``headline`` in the page's ``text``, under or above it (on a
    tie, under it): the line just above a headline is its dateline when the text under it
    dates something else ("vom 9.1. bis 10.2.2023")."""
    at = text.find(headline) if headline.strip() else -1
    if at < 0:
        return None
    before, after = _AROUND_HEADLINE
    end = at + len(headline)
    under = date_at(_folded(text, end, after), month_first)
    above_text = _folded(text, at, -before)
    above = date_at(above_text, month_first, last=True)
    if above is not None and (under is None or len(above_text) - above[0] < under[0]):
        return above[1]
    return under[1] if under else None


def _folded(text: str, at: int, chars: int) -> str:
    """``chars`` characters of ``text`` after ``at`` (before it when negative), whitespace
    folded: indented markup leaves runs of spaces and newlines between the text nodes, so
    the raw slice is widened until it holds that many."""
    span = 2 * abs(chars)
    while True:
        raw = text[at:at + span] if chars > 0 else text[max(0, at - span):at]
        folded = " ".join(raw.split())
        if len(folded) >= abs(chars) or len(raw) < span:
            return folded[:chars] if chars > 0 else folded[chars:]
        span *= 4


def visible_text(tree: LexborHTMLParser) -> str:
    """The body's text without scripts and styles, its text nodes joined by spaces (as
    ``node.text(separator=" ")`` joins them, so a headline's text is found in it): Lexbor's
    text of the body, with each invisible element's own text cut out of it. The elements
    come in page order, so each is looked for after the last one cut (from the start each
    time, 16,000 ``<noscript>``s took a second)."""
    body = tree.body
    if body is None:
        return ""
    text = body.text(separator=" ")
    pieces, at = [], 0
    for node in body.css(_INVISIBLE_SELECTOR):
        code = node.text(separator=" ")
        if code.strip() and (found := text.find(code, at)) >= 0:
            pieces.append(text[at:found])
            at = found + len(code)
    pieces.append(text[at:])
    return " ".join(pieces)


def labelled_date(text: str, month_first: bool) -> datetime | date | None:
    """A date the page's ``text`` introduces as its own ("Veröffentlicht am 3.2.2021",
    "Mise en ligne 23 mai 2019"), else the first date in the opening of the text (a page
    without a headline element, a dateline without a class)."""
    lowered = text[:_MAX_TEXT].lower()
    starts = []
    for label in _LABELS:  # str.find per label: a regex alternation over the text was slow
        at = lowered.find(label)
        while at >= 0 and len(starts) < _MAX_LABELS:
            end = at + len(label)
            if (at == 0 or not lowered[at - 1].isalnum()) and (
                    end == len(lowered) or not lowered[end].isalnum()):
                starts.append(end)
            at = lowered.find(label, end)
    for end in sorted(starts):
        if (when := _after_label(text, end, month_first)) is not None:
            return when
    when = date_in_text(" ".join(text[:2 * _OPENING].split())[:_OPENING], month_first)
    if when is not None:
        return when
    return update_in(text, lowered, month_first)  # a page that states only its last update


def update_in(text: str, lowered: str, month_first: bool) -> datetime | date | None:
    """The date after the first update label of ``text`` that has one ("Updated 3 May
    2021", "Aktualisiert am 03.05.2021"); ``lowered`` is ``text`` in lower case."""
    for label in _UPDATE_LABELS:
        at = lowered.find(label)
        if at >= 0 and (at == 0 or not lowered[at - 1].isalnum()) and (
                when := _after_label(text, at + len(label), month_first)) is not None:
            return when
    return None


def _after_label(text: str, end: int, month_first: bool) -> datetime | date | None:
    """The date in the words after a label that ends at ``end`` ("am", "le", ": " first)."""
    words = " ".join(text[end:end + 2 * _AFTER_LABEL].split())[:_AFTER_LABEL]
    return date_after_label(words, month_first)


def script_date(tree: LexborHTMLParser, month_first: bool) -> datetime | date | None:
    """The first publication date a key of the page's scripts gives (``_SCRIPT_DATE``:
    datePublished, publish_date, pubDate, Tencent's pubtime), within ``_MAX_SCRIPT``
    characters of script."""
    budget = _MAX_SCRIPT
    for script in tree.css("script"):
        code = script.text(deep=True)[:budget]
        budget -= len(code)
        for match in _SCRIPT_DATE.finditer(code):
            if (when := parsed_date(match.group(1), month_first)) is not None:
                return when
        if budget <= 0:
            break
    return None


def first_shown(text: str, month_first: bool) -> datetime | date | None:
    """The first date written out in ``text``, looked for around its four-digit years only
    (every date form with a year has one): the date patterns tried across a whole page's
    text cost milliseconds, a year search a few microseconds."""
    text = text[:_MAX_TEXT]
    for match in _YEAR.finditer(text):
        start, end = match.start() - _AROUND_YEAR[0], match.end() + _AROUND_YEAR[1]
        window = " ".join(text[max(0, start):end].split())
        if (when := date_in_text(window, month_first)) is not None:
            return when
    return None
