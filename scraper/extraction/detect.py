"""Which CMS and theme made a page, and so which preset reads it (``extends = "auto"``).

The page says it itself: the generator ``<meta>`` WordPress and Drupal write, and class
names and paths every page of a CMS or theme carries. The most specific match wins: a
tagDiv "Newspaper" page is a WordPress page too, and is read with ``wordpress-tagdiv``.
Calibrated on the dev sets (../shared/bench, 1,065 pages): the tagDiv fingerprints are on
all 20 tagDiv pages (17 classic single-post template, 3 "tdb" cloud templates) and on no
other; 405 more pages are WordPress (261 of the 273 with a WordPress generator meta, the
other 12 being tagDiv) and 65 Drupal (all 46 with a Drupal generator meta); 575 show no
fingerprint (`python bench/presets.py` prints these counts).

``page_adapter`` turns a site file into the adapter for one page: the detected preset for
an ``auto`` site, the layout version in force on the page's fetch date (or, for a saved
file, the page's own date), and what it chose, recorded in ``Article.adapter``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from selectolax.lexbor import LexborHTMLParser

from .dates import date_in_url, normalise_date

if TYPE_CHECKING:  # a page without a site file never loads the site-file layer
    from ..config import SiteConfig

__all__ = ["Detection", "detect_preset", "page_adapter"]

# (preset, CSS fingerprint, what it shows), the most specific preset first.
_FINGERPRINTS: tuple[tuple[str, str, str], ...] = (
    ("wordpress-tagdiv", ".td-post-content", "class td-post-content (tagDiv classic)"),
    ("wordpress-tagdiv", ".tdb_single_content, .tdb-block-inner",
     "class tdb_single_content (tagDiv cloud template)"),
    ("wordpress-tagdiv", "body[class*=tdb_template], body.td-standard-pack",
     "body class of the tagDiv Newspaper theme"),
    ("wordpress", 'link[href*="/wp-content/"], script[src*="/wp-content/"], '
                  'script[src*="/wp-includes/"], link[href*="/wp-includes/"]',
     "paths /wp-content/ or /wp-includes/"),
    ("wordpress", 'link[rel="https://api.w.org/"]', "the WordPress REST API link"),
    ("wordpress", "script.yoast-schema-graph, script.rank-math-schema",
     "Yoast or Rank Math JSON-LD"),
    ("drupal", "script[data-drupal-selector], [data-drupal-selector]",
     "data-drupal-selector attributes"),
    ("drupal", "[class*=field--name-], [class*=node--type-]",
     "classes field--name-* / node--type-* (Drupal 8+ node templates)"),
    ("drupal", '[class*=field-name-], img[src*="/sites/default/files/"]',
     "classes field-name-* or /sites/default/files/ (Drupal 7)"),
)
_GENERATORS = (("drupal", "drupal"), ("wordpress", "wordpress"))


@dataclass(frozen=True)
class Detection:
    """The preset a page calls for and the evidence, in words."""

    preset: str
    evidence: list[str] = field(default_factory=list)


def detect_preset(tree: LexborHTMLParser) -> Detection:
    """The built-in preset whose CMS or theme made this page; ``generic`` when none did."""
    evidence: dict[str, list[str]] = {}
    generator = tree.css_first('meta[name="generator" i][content]')
    label = (generator.attributes.get("content") or "") if generator is not None else ""
    for preset, word in _GENERATORS:
        if word in label.lower():
            evidence.setdefault(preset, []).append(f"generator {label.strip()[:40]!r}")
    for preset, selector, shows in _FINGERPRINTS:
        if preset == "wordpress" and "wordpress-tagdiv" in evidence:
            break  # the theme already decided it
        if tree.css_first(selector) is not None:
            evidence.setdefault(preset, []).append(shows)
    for preset in ("wordpress-tagdiv", "wordpress", "drupal"):
        if preset in evidence:
            found = evidence[preset]
            if preset == "wordpress-tagdiv":
                found = evidence.get("wordpress", [])[:1] + found
            return Detection(preset, found)
    return Detection("generic", ["no CMS fingerprint"])


def _page_day(meta: dict[str, list[tuple[Any, str]]], url: str | None) -> str | None:
    """The page's own publication day (for a saved page, whose fetch date is unknown)."""
    for value, _ in meta.get("published", []):
        if isinstance(value, str):
            iso, warning = normalise_date(value)
            if not warning and len(iso) >= 10:
                return iso[:10]
    return date_in_url(url)


def page_adapter(tree: LexborHTMLParser, site: SiteConfig | None,
                 meta: dict[str, list[tuple[Any, str]]], url: str | None = None,
                 fetched: str | None = None) -> tuple[SiteConfig | None, dict[str, str]]:
    """The adapter that reads this page and what was chosen (``Article.adapter``).

    ``fetched`` is when the page was fetched (ISO): it picks the layout version, since a
    page shows the layout of the day it was served; a saved page without one falls back to
    its own publication date, and else to the newest layout.
    """
    if site is None:
        return None, {}
    from ..config import AUTO  # loaded already: the caller made ``site`` with it

    notes = {"preset": site.extends}
    preset = None
    if site.extends == AUTO:
        detection = detect_preset(tree)
        preset = notes["preset"] = detection.preset
        notes["detected"] = "; ".join(detection.evidence)
    day = None
    if site.layouts:
        day = fetched[:10] if fetched else _page_day(meta, url)
        notes["layout_date"] = f"{day} ({'fetched' if fetched else 'page date'})" if day \
            else "none (newest layout)"
    adapter = site.adapter(preset, day)
    if adapter.layout:  # the base selectors (before every [[layouts]] entry) name none
        notes["layout"] = adapter.layout
    return adapter, notes
