"""The checks a site file passes before anything is fetched, every mistake reported.

``SiteFileCheck`` walks a site file's data (its preset merged under it) against the schema
``scraper.config`` derives from the ``SiteConfig`` and ``WidgetConfig`` knobs: unknown keys
(with the closest known one), wrong types and ranges, start URLs, CSS selectors (compiled
by Lexbor, as extraction will), regular expressions (compiled by both ``re`` and ``regex``,
and refused when a repeated group repeats itself: exponential on a long URL), ``[[widgets]]``
and ``[[layouts]]``. It never stops at the first mistake: each goes to ``fail(key, reason)``,
and the caller turns them into one ``SiteConfigError`` with a line per mistake.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import regex
from selectolax.lexbor import LexborHTMLParser, SelectolaxError

from .knobs import Knob, check
from .urlpatterns import nested_repeat
from .urls import split_userinfo

__all__ = ["SiteFileCheck"]

Fail = Callable[[str, str], None]
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PATTERN_KEYS = ("allow", "deny", "article_urls", "fragment_routes")
_WIDGET_SELECTORS = ("selector", "heading_selector", "item", "title", "teaser")


class SiteFileCheck:
    """The checks of one site file; ``site(data)`` runs them all and returns its widgets."""

    def __init__(self, site_schema: dict[str, Any], widget_schema: dict[str, Any],
                 fail: Fail) -> None:
        self.site_schema = site_schema
        self.widget_schema = widget_schema
        self.fail = fail
        # The named selectors of [selectors] (their knob stands for any of them).
        self.fields = [k for k, v in site_schema["selectors"].items()
                       if isinstance(v, Knob) and v.key == "selectors.*"]

    def site(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        fail = self.fail
        self.table(data, self.site_schema)
        for key in ("name", "start_urls"):
            if not data.get(key):
                fail(key, f"missing required key {key!r}")
        for url in data["start_urls"] if isinstance(data.get("start_urls"), list) else []:
            if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
                shown = split_userinfo(url)[0] if isinstance(url, str) else url
                fail("start_urls", f"start URL {shown!r} is not an http(s) URL")
        for key in _PATTERN_KEYS:
            for pattern in _strings(data.get(key)):
                self.pattern(pattern, key)
        selectors = data.get("selectors")
        self.selectors(selectors if isinstance(selectors, dict) else {})
        widgets = self.widgets(data.get("widgets"))
        for layout in data.get("layouts") or []:
            if isinstance(layout, dict):
                self.layout(layout)
        return widgets

    def table(self, data: dict[str, Any], schema: dict[str, Any], prefix: str = "") -> None:
        """Unknown keys and wrong types, each reported once."""
        for key, value in data.items():
            dotted = f"{prefix}{key}"
            expected = schema.get(key)
            if expected is None:
                close = [k for k in schema if k[:3] == key[:3]]
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.fail(key, f"unknown key {dotted!r}{hint}")
            elif isinstance(expected, dict):
                if isinstance(value, dict):
                    self.table(value, expected, prefix=f"{dotted}.")
                else:
                    self.fail(key, f"{dotted!r} must be a table, got {type(value).__name__}")
            elif expected.key in ("widgets", "layouts"):
                if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                    self.fail(key, f"each [[{expected.key}]] entry must be a table")
            elif expected.key == "selectors.*" and isinstance(value, list) and value and all(
                    isinstance(v, str) for v in value):
                pass  # selectors tried in order
            elif reason := check(Knob(dotted, expected.attr, expected.kind, expected.default,
                                      "", expected.minimum, expected.choices), value):
                self.fail(key, reason)

    def selector(self, css: str, key: str) -> None:
        try:
            LexborHTMLParser("<p></p>").css(css)
        except SelectolaxError:
            self.fail(key, f"invalid CSS selector {css!r} in {key!r}")

    def pattern(self, pattern: str, key: str) -> None:
        try:
            re.compile(pattern)
            regex.compile(pattern)
        except (re.error, regex.error) as exc:
            self.fail(key, f"invalid regular expression {pattern!r} in {key!r}: {exc}")
            return
        if nested_repeat(pattern):
            self.fail(key, f"regular expression {pattern!r} in {key!r} repeats a group that "
                           "itself repeats, which can take exponential time on a long URL; "
                           "write it without the outer repeat (e.g. 'a+$' for '(a+)+$')")

    def selectors(self, selectors: dict[str, Any]) -> None:
        for key, css in selectors.items():
            for one in [css] if isinstance(css, str) else _strings(css):
                self.selector(one, key)
        for name in _strings(selectors.get("metadata_first")):
            if name not in self.fields or name == "body":
                names = ", ".join(k for k in self.fields if k != "body")
                self.fail("metadata_first", f"'selectors.metadata_first' names {name!r}, not "
                                            f"a field (one of {names})")

    def widgets(self, entries: Any) -> list[dict[str, Any]]:
        found = []
        for raw in entries if isinstance(entries, list) else []:
            if not isinstance(raw, dict):
                continue  # reported by table()
            self.table(raw, self.widget_schema, prefix="widgets.")
            if not raw.get("kind"):
                self.fail("widgets", "a [[widgets]] entry needs a 'kind'")
            elif not (raw.get("selector") or raw.get("heading")):
                self.fail("widgets", f"widget {raw['kind']!r} needs a 'selector' or a "
                                     "'heading'")
            for key in _WIDGET_SELECTORS:
                if isinstance(raw.get(key), str):
                    self.selector(raw[key], key)
            found.append(raw)
        return found

    def layout(self, layout: dict[str, Any]) -> None:
        """One ``[[layouts]]`` entry: a ``since`` day and the selectors and widgets of that
        day."""
        since = layout.get("since")
        if not isinstance(since, str) or not _DAY.match(since):
            self.fail("since", f"a [[layouts]] entry needs 'since = \"YYYY-MM-DD\"', got "
                               f"{since!r}")
        for key in layout:
            if key not in ("since", "selectors", "widgets"):
                self.fail(key, f"unknown key 'layouts.{key}' (a layout holds since, "
                               "selectors, widgets)")
        selectors = layout.get("selectors", {})
        if isinstance(selectors, dict):
            self.table(selectors, self.site_schema["selectors"], prefix="layouts.selectors.")
            self.selectors(selectors)
        else:
            self.fail("selectors", "'layouts.selectors' must be a table")
        self.widgets(layout.get("widgets"))


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
