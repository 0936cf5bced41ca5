"""Where a theme's markup and the page's own metadata disagree, which one to believe.

The site adapter's selectors read what a theme prints; the page's structured metadata
(JSON-LD, OpenGraph, ``<meta>``) is written by the CMS or an SEO plugin. Each rule below
explains a class of disagreement seen on real pages of the dev sets, and says so in the
article's warnings when it overrides a selector:

- **Dates.** tagDiv's ``<time datetime>`` prints the site's local wall-clock time under a
  wrong offset on many sites (6 of the 17 classic tagDiv pages of the dev sets: spontis 2 h,
  wildundhund, djz, fischundfang, recyclingmagazin 1 h, elnacional 4 h off their own
  ``article:published_time`` and JSON-LD). When the theme's value differs from a
  timezone-carrying source by a whole number of quarter hours up to 14 hours, it is the
  same moment under a wrong offset: the source's instant is taken (written with the page's
  wall clock and the real offset when a source gives that). A difference of days is a
  disagreement about the event, not the clock, and the theme's value stays.
- **Section.** Yoast and Rank Math list every category of a post in JSON-LD
  ``articleSection``, alphabetically (boxen1: "Archiv", "Boxsport International", ...; 4
  of the 20 tagDiv pages): its first entry is not the primary category. The primary one is
  ``article:section`` (Yoast writes the primary term there), a single ``articleSection``,
  or the breadcrumb's last category; a list is only a last resort.
- **Authors.** WordPress prints the login where a user never set a display name; the login
  is the slug of the author's archive URL (``/author/fhaacker/`` named "fhaacker"). On 4 of
  the 20 tagDiv pages such a name sits only in markup the theme hides (``display: none``)
  and in the metadata: the site does not show it as a byline, and it is dropped. A blog
  whose visible byline is the login (11 WordPress pages of the dev sets: "surfguard",
  "karstenruppert") keeps it: that is the name the site publishes.
- **Language.** ``<html lang="en">`` beside JSON-LD ``inLanguage: "en-GB"`` is the same
  language said less precisely: the more specific tag of the same language wins.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from ..article import Article
from .authors import clean_authors
from .dates import normalise_date
from .language import normalise_language
from .visibility import hidden

__all__ = ["drop_user_names", "most_specific_language", "primary_sections", "reconcile",
           "reconcile_date"]

_TZ_SOURCES = ("json-ld", "meta", "opengraph", "microdata")  # CMS-written, offset included
_QUARTER_HOUR = timedelta(minutes=15)
_MAX_OFFSET = timedelta(hours=14)  # UTC+14 is the widest offset in use
_SECTION_RANK = {"opengraph": 0, "json-ld": 1, "json-ld-breadcrumb": 2}
_ARTICLE_SECTION = re.compile(r'"articleSection"\s*:\s*(\[[^\]]*\]|"(?:[^"\\]|\\.)*")')
_AUTHOR_PATH = re.compile(r"/(?:author|autor|auteur|autore|authors)/([^/?#]+)/?$", re.I)


def _moment(value: str) -> datetime | date | None:
    iso, warning = normalise_date(value)
    if warning and "future" not in warning:
        return None
    try:
        return datetime.fromisoformat(iso) if "T" in iso else date.fromisoformat(iso)
    except ValueError:
        return None


def reconcile_date(value: str, candidates: list[tuple[Any, str]]) -> tuple[str, str, str] | None:
    """(value, source, why) to use instead of the theme's ``value``, or None to keep it.

    ``candidates`` are the page metadata's (value, source) pairs for the same field, most
    trusted first; only the first one that carries a timezone is compared."""
    theme = _moment(value)
    aware = [(m, v, s) for v, s in candidates if s in _TZ_SOURCES and isinstance(v, str)
             and isinstance(m := _moment(v), datetime) and m.tzinfo is not None]
    if theme is None or not aware:
        return None
    moment, raw, source = aware[0]
    if not isinstance(theme, datetime):
        if moment.date() != theme:
            return None
        return raw, source, f"the theme's {value!r} gives only the day; {source} gives the time"
    if theme.tzinfo is None:  # a wall clock without offset: the source's says where it is
        gap = theme - moment.replace(tzinfo=None)
    else:
        gap = theme - moment
        if not gap:
            return None
    if gap % _QUARTER_HOUR or abs(gap) > _MAX_OFFSET:
        return None
    # The same instant under the page's own wall clock, when a source writes it that way.
    local = next((v for m, v, _ in aware if m == moment and m.replace(tzinfo=None)
                  == theme.replace(tzinfo=None)), raw)
    hours = abs(gap).total_seconds() / 3600
    why = (f"the theme's {value!r} is {hours:g} h off {source} {raw!r}: a wall-clock time "
           "under the wrong offset" if gap else f"the theme's {value!r} has no offset")
    return local, source, why


def _listed_sections(tree: LexborHTMLParser) -> set[str]:
    """First entries of JSON-LD ``articleSection`` values that list several categories."""
    listed = set()
    for script in tree.css('script[type="application/ld+json"]'):
        for match in _ARTICLE_SECTION.finditer(script.text(deep=True) or ""):
            try:
                value = json.loads(match.group(1))
            except ValueError:
                continue
            if isinstance(value, list) and len(value) > 1 and isinstance(value[0], str):
                listed.add(value[0].strip())
            elif isinstance(value, str) and "," in value:
                listed.add(value.strip())
    return listed


def primary_sections(tree: LexborHTMLParser,
                     candidates: list[tuple[Any, str]]) -> list[tuple[Any, str]]:
    """The section candidates with the primary category first: ``article:section``, a
    single JSON-LD ``articleSection``, the breadcrumb; a category list's first entry last."""
    listed = _listed_sections(tree) if any(s == "json-ld" for _, s in candidates) else set()
    ranked = []
    for order, (value, source) in enumerate(candidates):
        if not isinstance(value, str):
            continue
        if source == "json-ld" and value in listed:
            ranked.append((9, order, value.split(",")[0].strip(), source))
        else:
            ranked.append((_SECTION_RANK.get(source, 5), order, value, source))
    return [(value, source) for _, _, value, source in sorted(ranked)]


def _author_slugs(tree: LexborHTMLParser) -> set[str]:
    slugs = set()
    for link in tree.css('a[href*="/aut"]'):
        match = _AUTHOR_PATH.search(urlsplit(link.attributes.get("href") or "").path)
        if match:
            slugs.add(match.group(1))
    return slugs


def drop_user_names(names: list[str], tree: LexborHTMLParser) -> list[str]:
    """``names`` without logins the page does not show: a lower-case name without a space
    that is the slug of one of the page's author archive links, and that no visible link or
    span of the page says."""
    logins = [n for n in names if n == n.lower() and " " not in n]
    if not logins:
        return names
    slugs = _author_slugs(tree)
    suspect = {n for n in logins if n in slugs}
    shown = {text for node in tree.css("a, span") if (text := " ".join(node.text().split()))
             in suspect and not hidden(node)} if suspect else set()
    return [n for n in names if n not in suspect or n in shown]


def most_specific_language(candidates: list[tuple[Any, str]]) -> tuple[str, str] | None:
    """The first declared language, or a later declaration of the same language that says
    more (``en`` then ``en-GB``: ``en-GB``)."""
    tags = [(tag, source) for value, source in candidates
            if isinstance(value, str) and (tag := normalise_language(value))]
    if not tags:
        return None
    best, source = tags[0]
    for tag, other in tags[1:]:
        if tag.split("-")[0] == best.split("-")[0] and tag.count("-") > best.count("-"):
            best, source = tag, other
    return best, source


def reconcile(article: Article, tree: LexborHTMLParser, meta: dict[str, list[tuple[Any, str]]],
              force_language: str | None = None) -> None:
    """Apply the rules above to an extracted article, in place."""
    sources = article.sources
    for field in ("published", "modified"):
        value = getattr(article, field)
        if value and sources.get(field) == "selector" and (
                better := reconcile_date(value, meta.get(field, []))):
            new, source, why = better
            setattr(article, field, normalise_date(new)[0])
            sources[field] = source
            article.warnings.append(f"{field}: took {source} {new!r}: {why}")
    authors = drop_user_names(article.authors, tree)
    if authors != article.authors:
        dropped = [n for n in article.authors if n not in authors]
        article.warnings.append(f"authors: dropped user name(s) {', '.join(dropped)}")
        if not authors:
            for names, source in meta.get("authors", []):
                authors = drop_user_names(clean_authors(list(names)), tree)
                if authors:
                    sources["authors"] = source
                    break
            else:
                sources.pop("authors", None)
        article.authors = authors
    if force_language:
        article.language, sources["language"] = force_language, "site"
    elif sources.get("language") not in (None, "site", "detected"):
        found = most_specific_language(meta.get("language", []))
        if found:
            article.language, sources["language"] = found
