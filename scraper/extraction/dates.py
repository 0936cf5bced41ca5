"""Publication dates: what pages write (ISO 8601 and its sloppy variants, RFC 2822, epoch
seconds, "Nov. 19, 2019 10:05 AM EST", "19.11.2019", "12/20/2023 20:41:43", "4 de mayo de
2022", "2019年10月22日", URL paths) as ISO 8601, with the offset the page gives, if any.

``normalise_date`` never guesses silently: a value it cannot read, or one in the future, is
returned as written with a warning, and the caller files the warning in Article.warnings.
A value is kept in the page's own offset: converting to UTC moves the calendar day of
every evening story west of Greenwich.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from .monthnames import MONTH_NAMES

__all__ = ["LETTER_MARKS", "date_after_label", "date_at", "date_in_text", "date_in_url",
           "in_future", "is_date_like", "normalise_date", "parse_date"]

# Month names (``monthnames.py``), lowercased, and as ``_folded`` spells them.
_MONTHS = {name: number for row in MONTH_NAMES.values()
           for number, slot in enumerate(row.split(), start=1) if slot != "-"
           for name in slot.split("/")}


def _folded(word: str) -> str:
    """``word`` without its accents and vowel signs ("fevrier", "eki̇m" as "EKİM" lowercases,
    "ابريل"): pages and keyboards drop them, and Indic vowel signs are no letters to ``\\w``."""
    return "".join(c for c in unicodedata.normalize("NFD", word)
                   if unicodedata.category(c) not in ("Mn", "Mc"))


_FOLDED_MONTHS = {_folded(name): number for name, number in _MONTHS.items()}


def _month(word: str) -> int | None:
    lowered = word.lower()
    return _MONTHS.get(lowered) or _FOLDED_MONTHS.get(_folded(lowered))


# Zones as news sites print them; anything else named must come as an offset.
_ZONES = {"utc": 0, "gmt": 0, "z": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5,
          "mst": -7, "mdt": -6, "pst": -8, "pdt": -7, "bst": 1, "cet": 1, "cest": 2,
          "mez": 1, "mesz": 2, "ist": 5.5, "jst": 9, "kst": 9, "aest": 10, "aedt": 11}
_MONTH = "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))
# A month is matched as any word and looked up in _MONTHS: a 500-name alternation tried at
# every position was most of the date search's time.
_WORD = r"([^\W\d_]{3,12})"
# A month after a day may be in an Indic script, whose vowel signs ``\w`` leaves out
# (Devanagari to Malayalam: these ranges without their digits and dandas), or carry
# combining accents (text in NFD: "Ma\u0308rz") or Arabic's diacritics. Not before a day:
# no such script writes the month first, and the alternation, tried at every position of
# a text, costs the search half its time again.
LETTER_MARKS = (r"\u0300-\u036f\u0900-\u0963\u0981-\u09e3\u0a01-\u0a63\u0a81-\u0ae3"
                r"\u0b01-\u0b63\u0b82-\u0bd7\u0c00-\u0c63\u0c80-\u0ce3\u0d00-\u0d63"
                r"\u064b-\u065f")  # for a character class: the marks a word's letters carry
_MARKED_WORD = rf"((?:[^\W\d_]|[{LETTER_MARKS}]){{3,12}})"
# an optional time after the date: ", 10:05 AM EST", " at 14.30", " - 05:00", " um 10:05 Uhr"
_TIME = (r"(?:(?:[,\s]+|\s*[-–|@/]\s*)(?:at\s+|um\s+|à\s+|a las\s+|alle\s+|às\s+)?"
         r"(\d{1,2})[:.h](\d{2})(?![\d.])(?::(\d{2}))?(?:[.,]\d+)?\s*(?:uhr\s*)?"
         r"([ap]\.?m\.?)?\s*(z\b|[a-z]{2,4}\b|[+-]\d{2}:?\d{2}\b)?)?")
_DAY = r"(\d{1,2})(?:st|nd|rd|th|er|º|\.)?"
_TEXT_DATES = (
    # November 19, 2019 / Nov. 19 2019, 10:05 AM EST
    ("mdy", re.compile(rf"(?<![\w]){_WORD}\.?\s+{_DAY},?\s+(\d{{4}}){_TIME}", re.I)),
    # 19 November 2019 / 19. November 2019 / 4 de mayo de 2022 / 19th of November 2019 /
    # 22 d'octubre de 2019
    ("dmy", re.compile(rf"(?<![\w.]){_DAY}\s*(?:de\s+|of\s+|d['’])?{_MARKED_WORD}\.?,?\s+(?:de\s+)?"
                       rf"(\d{{4}}){_TIME}", re.I)),
    # 2019. október 22. (Hungarian) / 2019 m. spalio 22 d. (Lithuanian): the year's dot or
    # "m." is the mark of the order ("Jahres 2021 Jan 04" is a headline, then a date)
    ("ytext", re.compile(rf"(?<![\d.])(\d{{4}})(?:\.|\s+m\.)\s*{_WORD}\.?\s+(\d{{1,2}})(?!\d)"
                         rf"\.?(?:\s*d\.)?{_TIME}", re.I)),
    # 22 tháng 10 năm 2019 / 22 thg 10, 2019 (Vietnamese)
    ("vi", re.compile(rf"(?<![\d.])(\d{{1,2}})\s+(?:tháng|thg)\s+(\d{{1,2}})(?:\s+năm|,)?\s+"
                      rf"(\d{{4}}){_TIME}", re.I)),
    # 2019-11-19 10:00 / 2019/11/19 / 2019.11.19 (year first: never ambiguous)
    ("ymd", re.compile(rf"(?<![\d.])(\d{{4}})([-/.])(\d{{1,2}})\2(\d{{1,2}})(?![\d]){_TIME}",
                       re.I)),
    # 19.11.2019 / 19/11/2019 / 12/20/2023 / 01-11-2023 / 26 | 01 | 2022 (see _day_month)
    ("num", re.compile(rf"(?<![\d.])(\d{{1,2}})([./-]| ?\| ?)(\d{{1,2}})\2(\d{{4}})(?![\d])"
                       rf"{_TIME}", re.I)),
    # 28.01.22 (two-digit year: only with dots, the German and Swiss way)
    ("short", re.compile(rf"(?<![\d.])(\d{{1,2}})\.(\d{{1,2}})\.(\d{{2}})(?![\d.]){_TIME}", re.I)),
    # 2019年10月22日 (Chinese, Japanese), 2019년 10월 22일 (Korean)
    ("cjk", re.compile(
        rf"(\d{{4}})\s*[年년]\s*(\d{{1,2}})\s*[月월]\s*(\d{{1,2}})\s*[日일]?{_TIME}")),
)
_URL_DATE = re.compile(
    r"/((?:19|20)\d\d)[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:/|[-_]|\.html|$)")
# /2019/6/26/: unpadded, but only between slashes (/2019/611/ is an id)
_URL_SLASHED = re.compile(r"/((?:19|20)\d\d)/([1-9]|1[0-2])/([1-9]|[12]\d|3[01])/")
# a day written into a slug: /meldungen/29-10-2021, _vom_22.04.2020_
_URL_DAY = re.compile(r"[/_-](0?[1-9]|[12]\d|3[01])[-.](0?[1-9]|1[0-2])[-.]((?:19|20)\d\d)"
                      r"(?=[/_.-]|$)")
_EPOCH = re.compile(r"^\d{10}(?:\d{3})?$")
# 20210820, 20210820030646, 20180619T055000+0900: ISO 8601's basic format (a Korean CMS's
# og:regDate, a Japanese paper's meta)
_COMPACT = re.compile(r"^((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])"
                      r"(?:T?([01]\d|2[0-3])([0-5]\d)([0-5]\d)?(z|[+-]\d{2}:?\d{2})?)?$", re.I)
_DIGIT = re.compile(r"\d")
# ISO 8601 as pages write it: one-digit months or hours, fractions, "Z" followed by a
# zone name, a space instead of "T".
_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T\s](\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?)?"
    r"\s*(z|utc|gmt|[+-]\d{2}(?::?\d{2})?)?(?:\s*[a-z]{2,5})?$", re.I)
_EARLIEST = 1990  # no news page is older (and a bare "1988" is a volume, not a date)


def _zone(zone: str | None) -> timezone | None:
    if not zone:
        return None
    if zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        return timezone(offset if zone[0] == "+" else -offset)
    hours = _ZONES.get(zone.lower())
    return timezone(timedelta(hours=hours)) if hours is not None else None


def _make(year: int, month: int, day: int, hour: str | None = None, minute: str | None = None,
          second: str | None = None, meridiem: str | None = None,
          zone: str | None = None) -> datetime | date | None:
    try:
        if year < _EARLIEST:
            return None
        if hour is None:
            return date(year, month, day)
        h = int(hour)
        if meridiem:
            h = h % 12 + (12 if meridiem[0].lower() == "p" else 0)
        return datetime(year, month, day, h, int(minute or 0), int(second or 0),
                        tzinfo=_zone(zone))
    except ValueError:
        return None


def _day_month(first: int, second: int, separator: str, month_first: bool) -> tuple[int, int]:
    """(day, month) of a numeric date: dots are always day first; with "/" or "-" a number
    over 12 settles it, else the page's convention (US English writes the month first)."""
    if separator == "." or first > 12:
        return first, second
    if second > 12:
        return second, first
    return (second, first) if month_first else (first, second)


_NAMED_MONTH = {"mdy": (1, 0, 2), "dmy": (0, 1, 2), "ytext": (2, 1, 0)}


def _from_match(order: str, groups: tuple[str | None, ...],
                month_first: bool) -> datetime | date | None:
    if order in _NAMED_MONTH:  # the month as a word: (day, month, year) by position
        day, month, year = (groups[i] for i in _NAMED_MONTH[order])
        number = _month(month)
        return _make(int(year), number, int(day), *groups[3:]) if number else None
    if order == "vi":
        day, month, year, *rest = groups
        return _make(int(year), int(month), int(day), *rest)
    if order == "ymd":
        year, _, month, day, *rest = groups
        return _make(int(year), int(month), int(day), *rest)
    if order == "num":
        first, separator, second, year, *rest = groups
        day, month = _day_month(int(first), int(second), separator, month_first)
        return _make(int(year), month, day, *rest)
    if order == "short":
        day, month, year, *rest = groups
        return _make(2000 + int(year), int(month), int(day), *rest)
    year, month, day, *rest = groups
    return _make(int(year), int(month), int(day), *rest)


def date_in_text(text: str, month_first: bool = False) -> datetime | date | None:
    """The first date written out in ``text`` (a visible dateline), or None.

    ``month_first`` decides "02/03/2021" (the page is in US English).
    """
    found = date_at(text, month_first)
    return found[1] if found else None


# A slashed date with a two-digit year ("Last updated: 1/23/21"): a date only right after
# a label that says so; anywhere else "5/5/20" may be a score or a fraction.
_SLASHED_SHORT = re.compile(r"^\W{0,3}(\d{1,2})/(\d{1,2})/(\d{2})(?![\d/])")


def date_after_label(text: str, month_first: bool = False) -> datetime | date | None:
    """The date that ``text``, the words right after a date label ("Updated", "Posted"),
    starts with or holds: any form ``date_in_text`` reads, or a slashed one with a
    two-digit year at its start."""
    found = date_in_text(text, month_first)
    if found is not None or (match := _SLASHED_SHORT.match(text)) is None:
        return found
    day, month = _day_month(int(match[1]), int(match[2]), "/", month_first)
    return _make(2000 + int(match[3]), month, day)


def date_at(text: str, month_first: bool = False, last: bool = False
            ) -> tuple[int, datetime | date] | None:
    """(where it starts, the date) of the first date written out in ``text``; with
    ``last``, (where it ends, the date) of the last one: the date just above a headline
    is the one nearest to it, not the first of the lines before it."""
    if not _DIGIT.search(text):
        return None
    found: list[tuple[int, datetime | date]] = []
    for order, pattern in _TEXT_DATES:
        for match in pattern.finditer(text):
            parsed = _from_match(order, match.groups(), month_first)
            if parsed is not None:
                found.append((match.end() if last else match.start(), parsed))
                if not last:
                    break
    if not found:
        return None
    return max(found, key=lambda item: item[0]) if last else min(found, key=lambda item: item[0])


_DAY_AND_MONTH = re.compile(rf"\b\d{{1,2}}\.?\s+(?:{_MONTH})\b|\b(?:{_MONTH})\.?\s+\d{{1,2}}\b",
                            re.I)


def is_date_like(text: str) -> bool:
    """Whether ``text`` names a day, with or without its year ("07 Dezember", "Feb 2")."""
    return bool(_DAY_AND_MONTH.search(text)) or date_in_text(text) is not None


def date_in_url(url: str | None) -> str | None:
    """The date in an article URL path (/2019/11/19/, /2019-11-19-, /20191119/, /2019/6/26/,
    /29-10-2021) as ISO."""
    match = _URL_DATE.search(url or "") or _URL_SLASHED.search(url or "")
    try:
        if match:
            return date(*map(int, match.groups())).isoformat()
        match = _URL_DAY.search((url or "").split("?", 1)[0])
        if match:
            day, month, year = map(int, match.groups())
            return date(year, month, day).isoformat()
    except ValueError:
        pass
    return None


def parse_date(value: str, month_first: bool = False) -> datetime | date | None:
    """``value`` as a date or datetime (aware when it names an offset), or None."""
    value = value.strip()
    match = _ISO.match(value)
    if match:
        year, month, day, hour, minute, second, zone = match.groups()
        return _make(int(year), int(month), int(day), hour, minute, second, None, zone)
    if _EPOCH.match(value):
        return datetime.fromtimestamp(int(value[:10]), UTC)
    match = _COMPACT.match(value)
    if match:
        year, month, day, hour, minute, second, zone = match.groups()
        return _make(int(year), int(month), int(day), hour, minute, second, None, zone)
    try:
        parsed = parsedate_to_datetime(value)
        return parsed if parsed.year >= _EARLIEST else None
    except (TypeError, ValueError, IndexError):
        pass
    return date_in_text(value, month_first)


def normalise_date(value: str, now: datetime | None = None,
                   month_first: bool = False) -> tuple[str, str | None]:
    """ISO 8601 form of ``value`` and a warning when it is unparsable or in the future.

    An unparsable or future value is returned unchanged with the warning: flagged, never
    silently replaced by another date. A value without timezone stays without one.
    """
    raw = value.strip()
    parsed = parse_date(raw, month_first)
    if parsed is None:
        return raw, f"unparsable date {raw!r}"
    if in_future(parsed, now):
        return parsed.isoformat(), f"date {raw!r} is in the future"
    return parsed.isoformat(), None


def in_future(parsed: datetime | date, now: datetime | None = None) -> bool:
    """Whether ``parsed`` lies ahead of ``now`` (allowing for clock skew)."""
    now = now or datetime.now(UTC)
    if isinstance(parsed, datetime):
        aware = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        return aware > now + timedelta(minutes=5)  # clock skew between servers
    return parsed > now.date()
