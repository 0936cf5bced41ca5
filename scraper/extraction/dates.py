"""Publication dates: what pages write (ISO 8601, RFC 2822, "Nov. 19, 2019 10:05 AM EST",
"19.11.2019", URL paths) as ISO 8601, with the timezone only when the page gives one.

``normalise_date`` never guesses silently: a value it cannot read, or one in the future, is
returned as written with a warning, and the caller files the warning in Article.warnings.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

__all__ = ["date_in_text", "date_in_url", "normalise_date"]

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january", "januar", "janvier", "enero", "gennaio"),
            ("feb", "february", "februar", "février", "fevrier", "febrero", "febbraio"),
            ("mar", "march", "märz", "maerz", "mars", "marzo"),
            ("apr", "april", "avril", "abril", "aprile"),
            ("may", "mai", "mayo", "maggio"),
            ("jun", "june", "juni", "juin", "junio", "giugno"),
            ("jul", "july", "juli", "juillet", "julio", "luglio"),
            ("aug", "august", "août", "aout", "agosto"),
            ("sep", "sept", "september", "septembre", "septiembre", "settembre"),
            ("oct", "october", "oktober", "octobre", "octubre", "ottobre"),
            ("nov", "november", "novembre", "noviembre"),
            ("dec", "december", "dezember", "décembre", "decembre", "diciembre", "dicembre"),
        ),
        start=1,
    )
    for name in names
}
# US zones as news sites print them; anything else named must come as an offset.
_ZONES = {"utc": 0, "gmt": 0, "z": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5,
          "mst": -7, "mdt": -6, "pst": -8, "pdt": -7, "bst": 1, "cet": 1, "cest": 2}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
# an optional time after the date: ", 10:05 AM EST", " at 14.30", " 10:05:00 +01:00"
_TIME = (r"(?:[,\s]+(?:at\s+)?(\d{1,2})[:.h](\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?\s*"
         r"([a-z]{1,4}\b|[+-]\d{2}:?\d{2})?)?")
_TEXT_DATES = (
    # November 19, 2019 / Nov. 19 2019, 10:05 AM EST
    ("mdy", re.compile(
        rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}}){_TIME}", re.I)),
    # 19 November 2019 / 19. November 2019
    ("dmy", re.compile(rf"\b(\d{{1,2}})\.?\s+({_MONTH})\.?,?\s+(\d{{4}}){_TIME}", re.I)),
    # 19.11.2019 / 19/11/2019 (day first: the European way; US sites write month names)
    ("num", re.compile(rf"\b(\d{{1,2}})[./](\d{{1,2}})[./](\d{{4}}){_TIME}", re.I)),
    # 2019/11/19, 2019.11.19
    ("ymd", re.compile(rf"\b(\d{{4}})[./](\d{{1,2}})[./](\d{{1,2}}){_TIME}", re.I)),
)
_URL_DATE = re.compile(
    r"/((?:19|20)\d\d)[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:/|[-_]|\.html|$)")
_EPOCH = re.compile(r"^\d{10}(?:\d{3})?$")


def _iso(value: str) -> datetime | date | None:
    text = value.strip().replace(" ", "T", 1) if re.match(r"\d{4}-\d\d-\d\d \d", value) \
        else value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None


def _from_match(order: str, groups: tuple[str | None, ...]) -> datetime | date | None:
    a, b, c, hour, minute, second, meridiem, zone = groups
    try:
        if order == "mdy":
            year, month, day = int(c), _MONTHS[a.lower()], int(b)
        elif order == "dmy":
            year, month, day = int(c), _MONTHS[b.lower()], int(a)
        elif order == "num":
            year, month, day = int(c), int(b), int(a)
        else:
            year, month, day = int(a), int(b), int(c)
        if hour is None:
            return date(year, month, day)
        h = int(hour) % 12 + (12 if meridiem and meridiem[0].lower() == "p" else 0) \
            if meridiem else int(hour)
        tz = _zone(zone)
        return datetime(year, month, day, h, int(minute), int(second or 0), tzinfo=tz)
    except (KeyError, ValueError):
        return None


def _zone(zone: str | None) -> timezone | None:
    if not zone:
        return None
    if zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        return timezone(offset if zone[0] == "+" else -offset)
    hours = _ZONES.get(zone.lower())
    return timezone(timedelta(hours=hours)) if hours is not None else None


def _parse(value: str) -> datetime | date | None:
    parsed = _iso(value)
    if parsed is not None:
        return parsed
    if _EPOCH.match(value):
        seconds = int(value[:10])
        return datetime.fromtimestamp(seconds, UTC)
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        pass
    return date_in_text(value)


def date_in_text(text: str) -> datetime | date | None:
    """The first date written out in ``text`` (a visible dateline), or None."""
    for order, pattern in _TEXT_DATES:
        match = pattern.search(text)
        if match:
            parsed = _from_match(order, match.groups())
            if parsed is not None:
                return parsed
    return None


def date_in_url(url: str | None) -> str | None:
    """The date in an article URL path (/2019/11/19/, /2019-11-19-, /20191119/) as ISO."""
    match = _URL_DATE.search(url or "")
    if not match:
        return None
    try:
        return date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None


def normalise_date(value: str, now: datetime | None = None) -> tuple[str, str | None]:
    """ISO 8601 form of ``value`` and a warning when it is unparsable or in the future.

    An unparsable or future value is returned unchanged with the warning: flagged, never
    silently replaced by another date. A value without timezone stays without one.
    """
    raw = value.strip()
    parsed = _parse(raw)
    if parsed is None:
        return raw, f"unparsable date {raw!r}"
    now = now or datetime.now(UTC)
    if isinstance(parsed, datetime):
        aware = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        future = aware > now + timedelta(minutes=5)  # clock skew between servers
    else:
        future = parsed > now.date()
    if future:
        return parsed.isoformat(), f"date {raw!r} is in the future"
    return parsed.isoformat(), None
