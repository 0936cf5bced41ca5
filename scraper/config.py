"""Site files: one declarative TOML file per site, validated before anything is fetched.

Every key a site file may hold is a field of ``SiteConfig`` (or ``WidgetConfig`` for a
``[[widgets]]`` entry) declared with ``knobs.knob``: its TOML key, default, meaning and
allowed values, once; ``SELECTOR_KEYS`` names the CSS selectors of ``[selectors]`` (a string,
or a list of selectors tried in order). Built-in presets (``scraper/presets/*.toml``) are
merged under a site file through ``extends``; ``extends = "auto"`` leaves the choice to each
page (``SiteConfig.adapter``, detected by ``extraction/detect.py``), and ``[[layouts]]``
entries hold the selectors a site used from a date on (layout versions). A
site file with mistakes is refused with its path and, for each mistake, the line where the
bad key or value stands and what is wrong; ``load_sites`` returns the good sites and the
errors of the bad ones side by side, so one broken file never stops the other sites.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, SelectolaxError

from .errors import ConfigError, SiteConfigError
from .knobs import Knob, check, knob, knobs
from .urls import TRAILING_SLASH_POLICIES, canonical_url, host_equivalents

__all__ = [
    "SELECTOR_KEYS",
    "SiteConfig",
    "WidgetConfig",
    "load_site",
    "load_sites",
    "load_crawl_settings",
    "AUTO",
    "preset_names",
    "select_sites",
    "site_for_url",
    "site_from_dict",
]

# The CSS selectors of [selectors] (selectolax/Lexbor syntax; a date selector reads the
# datetime/content attribute first, then the text).
SELECTOR_KEYS: dict[str, str] = {
    "title": "the headline",
    "section": "the section or category",
    "authors": "each author's name (every match)",
    "published": "the publication date",
    "modified": "the date of the last update",
    "tags": "each tag (every match)",
    "lead": "the standfirst or summary",
    "body": "the element holding the article text",
}
AUTO = "auto"  # ``extends = "auto"``: the preset is detected on each page
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class WidgetConfig:
    """How to find one link widget: a block by CSS ``selector`` or by its ``heading`` text."""

    kind: str = knob(doc="`latest`, `related`, `must_read`, ... (scraper/vocab.py "
                         "`WIDGET_KINDS`), or `auto` to classify the block by its heading")
    selector: str | None = knob(None, "CSS: the widget's block")
    heading: str | None = knob(None, "or the text of the widget's heading, to find the block "
                                     "under it")
    heading_selector: str | None = knob(None, "CSS inside the block: its heading")
    item: str | None = knob(None, "CSS inside the block: one item per match (else one per "
                                  "distinct link)")
    title: str | None = knob(None, "CSS inside an item: the link and its title")
    teaser: str | None = knob(None, "CSS inside an item: its excerpt")


@dataclass(frozen=True)
class SiteConfig:
    """A validated site: what the crawler and the site adapter read."""

    name: str = knob(doc="unique site name (also the `site` column in the archive)")
    start_urls: tuple[str, ...] = knob(doc="URLs the crawl starts from; their hosts are "
                                           "always fetchable")
    extends: str = knob("generic", "the built-in preset merged under this file, or `auto` to "
                                   "detect it on each page (generator meta, class names)")
    path: str | None = None  # the site file it was read from
    hosts: tuple[str, ...] = knob((), "other hosts (netloc) of the same site; www./m./amp./"
                                      "bare variants of the first start URL's host fold onto it")
    allow_private_hosts: tuple[str, ...] = knob(
        (), "hosts (netloc, or a name for any port) that may resolve to loopback, private or "
            "link-local addresses; others are refused as `blocked_address`")
    feeds: tuple[str, ...] = knob((), "RSS/Atom feed URLs")
    sitemaps: tuple[str, ...] = knob((), "sitemap URLs")
    use_robots_sitemaps: bool = knob(True, "also read robots.txt `Sitemap:` lines")
    allow: tuple[str, ...] = knob((), "regexes: when given, a followed URL must match one")
    deny: tuple[str, ...] = knob((), "regexes: a URL matching one is never followed")
    article_urls: tuple[str, ...] = knob((), "regexes: a page whose URL matches is an article "
                                             "candidate")
    language: str | None = knob(None, "the language to record when a page declares none")
    trailing_slash: str = knob("keep", "URL identity: keep, add or strip the final `/`",
                               choices=TRAILING_SLASH_POLICIES)
    delay: float = knob(1.0, "seconds between requests to one host (robots.txt "
                             "`Crawl-delay` raises it)", key="politeness.delay", minimum=0)
    concurrency: int = knob(2, "requests in flight per host", key="politeness.concurrency",
                            minimum=1)
    max_pages: int = knob(500, "HTML pages fetched per site per run (sitemaps and feeds not "
                               "counted)", key="limits.max_pages", minimum=1)
    max_depth: int = knob(4, "link hops from a start URL", key="limits.max_depth", minimum=0)
    max_pagination: int = knob(50, "highest `/page/N/` or `?page=N` followed (crawler-trap "
                                   "defence)", key="limits.max_pagination", minimum=1)
    recheck_days: float = knob(3.0, "known articles younger than this are re-checked every "
                                    "run (conditional GET); older ones only when a sitemap "
                                    "lastmod or feed date changes", key="recrawl.recheck_days",
                               minimum=0)
    force_language: str | None = knob(None, "the language recorded for every page, whatever "
                                            "the page declares")
    # SELECTOR_KEYS -> CSS, or a tuple of CSS selectors tried in order
    selectors: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    drop: tuple[str, ...] = knob((), "CSS: elements removed inside the body",
                                 key="selectors.drop")
    is_article: str | None = knob(None, "CSS: a page is an article if this matches",
                                  key="selectors.is_article")
    metadata_first: tuple[str, ...] = knob(
        (), "fields (`section`, `authors`, ...) taken from the page's own metadata (JSON-LD, "
            "OpenGraph, <meta>) before the selector, which stays the fallback",
        key="selectors.metadata_first")
    widgets: tuple[WidgetConfig, ...] = knob((), "one `[[widgets]]` table per link widget "
                                                 "(keys below)")
    detect_widgets: bool = knob(False, "with `[[widgets]]`: also find the widgets they do "
                                       "not describe by the generic detection (headings)")
    layouts: tuple[dict[str, Any], ...] = knob(
        (), "layout versions: one `[[layouts]]` table per redesign, `since = \"YYYY-MM-DD\"` "
            "and the `[layouts.selectors]` and `[[layouts.widgets]]` in force from that day "
            "(chosen by the fetch date, else the page's date)")
    layout: str | None = None  # the ``since`` of the layout this adapter applies
    data: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def _adapters(self) -> dict[tuple[str | None, str | None], SiteConfig]:
        return {}

    def adapter(self, preset: str | None = None, day: str | None = None) -> SiteConfig:
        """The adapter for one page: the site file over ``preset`` (when it ``extends =
        "auto"``), with every ``[[layouts]]`` entry whose ``since`` is on or before ``day``
        (an ISO date; None: every layout) merged over it in date order. Cached."""
        preset = preset if self.extends == AUTO else None
        wanted = [lay["since"] for lay in self.layouts if day is None or lay["since"] <= day]
        if preset is None and not wanted and (day is not None or not self.layouts):
            return self
        key = (preset, max(wanted) if wanted else "")
        if key not in self._adapters:
            merged = _merge(_preset(preset or self._base_preset), self.data)
            for layout in sorted(self.layouts, key=lambda lay: lay["since"]):
                if layout["since"] in wanted:
                    merged = _merge(merged, {k: v for k, v in layout.items() if k != "since"})
            merged = {k: v for k, v in merged.items() if k not in ("layouts", "extends")}
            built = _build(merged, self.path or "<adapter>", "")
            self._adapters[key] = dataclasses.replace(
                built, extends=preset or self.extends, layout=key[1] or None, data=self.data)
        return self._adapters[key]

    @property
    def _base_preset(self) -> str:
        return "generic" if self.extends == AUTO else self.extends

    @property
    def site_hosts(self) -> frozenset[str]:
        """Every netloc that belongs to the site: the start URLs' hosts and ``hosts``."""
        return frozenset({urlsplit(u).netloc.lower() for u in self.start_urls} | set(self.hosts))

    @property
    def private_ok(self) -> frozenset[str]:
        """Hosts fetched even on a non-public address: the start URLs' and those allowed."""
        starts = {urlsplit(u).netloc.lower() for u in self.start_urls}
        return frozenset(starts | set(self.allow_private_hosts))

    @cached_property
    def equivalent_hosts(self) -> dict[str, str]:
        """The site's declared host variants (www./m./amp./bare) folded onto its first host."""
        primary = urlsplit(self.start_urls[0]).netloc.lower()
        return host_equivalents([primary, *sorted(self.site_hosts - {primary})], primary)

    def url_key(self, url: str) -> str:
        """The identity key of a URL as this site declares it (host variants, trailing slash)."""
        return canonical_url(url, equivalent_hosts=self.equivalent_hosts,
                             trailing_slash=self.trailing_slash)

    def follows(self, url: str) -> bool:
        """Whether a discovered URL is on this site and passes the allow/deny patterns."""
        if urlsplit(url).netloc.lower() not in self.site_hosts:
            return False
        if any(re.search(p, url) for p in self.deny):
            return False
        return not self.allow or any(re.search(p, url) for p in self.allow)




def preset_names() -> list[str]:
    """The built-in presets a site file may name in ``extends``."""
    files = resources.files("scraper").joinpath("presets").iterdir()
    return sorted(f.name.removesuffix(".toml") for f in files if f.name.endswith(".toml"))


def _preset(name: str) -> dict[str, Any]:
    text = resources.files("scraper").joinpath("presets", f"{name}.toml").read_text("utf-8")
    return tomllib.loads(text)


def _line_of(text: str, key: str) -> int | None:
    """The first line where ``key`` is assigned or opens a table: TOML parsers keep no positions."""
    pattern = re.compile(rf"^\s*(\[\[?\s*)?[\"']?{re.escape(key)}[\"']?\s*(=|\]|\.)", re.M)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; any other value (lists included) replaces the preset's."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _schema(entries: list[Knob]) -> dict[str, Any]:
    """Dotted knob keys as nested tables: {"politeness": {"delay": knob}, ...}."""
    tree: dict[str, Any] = {}
    for k in entries:
        *tables, leaf = k.key.split(".")
        node = tree
        for table in tables:
            node = node.setdefault(table, {})
        node[leaf] = k
    return tree


SITE_KNOBS = knobs(SiteConfig)
WIDGET_KNOBS = knobs(WidgetConfig)
_SITE_SCHEMA = _schema(SITE_KNOBS)
_SITE_SCHEMA["selectors"].update(dict.fromkeys(SELECTOR_KEYS, Knob(
    key="selectors.*", attr="selectors", kind=str, default=None, doc="")))
_WIDGET_SCHEMA = _schema(WIDGET_KNOBS)


def _check_table(data: dict[str, Any], schema: dict[str, Any],
                 fail: Callable[[str, str], None], prefix: str = "") -> None:
    """Unknown keys and wrong types, each reported once through ``fail``."""
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        expected = schema.get(key)
        if expected is None:
            close = [k for k in schema if k[:3] == key[:3]]
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            fail(key, f"unknown key {dotted!r}{hint}")
        elif isinstance(expected, dict):
            if isinstance(value, dict):
                _check_table(value, expected, fail, prefix=f"{dotted}.")
            else:
                fail(key, f"{dotted!r} must be a table, got {type(value).__name__}")
        elif expected.key in ("widgets", "layouts"):
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                fail(key, f"each [[{expected.key}]] entry must be a table")
        elif expected.key == "selectors.*" and isinstance(value, list) and value and all(
                isinstance(v, str) for v in value):
            pass  # selectors tried in order
        elif reason := check(Knob(dotted, expected.attr, expected.kind, expected.default, "",
                                  expected.minimum, expected.choices), value):
            fail(key, reason)


def _check_selector(selector: str, key: str, fail: Callable[[str, str], None]) -> None:
    try:
        LexborHTMLParser("<p></p>").css(selector)
    except SelectolaxError:
        fail(key, f"invalid CSS selector {selector!r} in {key!r}")


def _check_regex(pattern: str, key: str, fail: Callable[[str, str], None]) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        fail(key, f"invalid regular expression {pattern!r} in {key!r}: {exc}")


def _lookup(data: dict[str, Any], dotted: str) -> Any:
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _values(data: dict[str, Any], entries: list[Knob]) -> dict[str, Any]:
    """The dataclass arguments the file gives (lists as tuples); the rest keep defaults."""
    values = {}
    for k in entries:
        value = _lookup(data, k.key)
        if value is not None:
            values[k.attr] = (tuple(value) if k.kind is list else
                              float(value) if k.kind is float else value)
    return values


def _build(data: dict[str, Any], path: str, text: str) -> SiteConfig:
    problems: list[tuple[int | None, str]] = []

    def fail(key: str, reason: str) -> None:
        problems.append((_line_of(text, key), reason))

    _check_table(data, _SITE_SCHEMA, fail)
    for key in ("name", "start_urls"):
        if not data.get(key):
            fail(key, f"missing required key {key!r}")
    for url in data["start_urls"] if isinstance(data.get("start_urls"), list) else []:
        if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
            fail("start_urls", f"start URL {url!r} is not an http(s) URL")
    for key in ("allow", "deny", "article_urls"):
        for pattern in _strings(data.get(key)):
            _check_regex(pattern, key, fail)
    selectors = data.get("selectors") if isinstance(data.get("selectors"), dict) else {}
    _check_selectors(selectors, fail)
    widgets = _check_widgets(data.get("widgets"), fail)
    for layout in data.get("layouts") or []:
        if isinstance(layout, dict):
            _check_layout(layout, fail)
    if problems:
        (line, reason), *more = problems
        raise SiteConfigError(path, reason, line, more)
    values = _values(data, SITE_KNOBS)
    values["hosts"] = tuple(h.lower() for h in values.get("hosts", ()))
    values["allow_private_hosts"] = tuple(h.lower() for h in values.get("allow_private_hosts",
                                                                        ()))
    values["widgets"] = tuple(WidgetConfig(**_values(w, WIDGET_KNOBS)) for w in widgets)
    values["selectors"] = {k: tuple(v) if isinstance(v, list) else v
                           for k, v in selectors.items() if k in SELECTOR_KEYS}
    return SiteConfig(path=path, **values)


def _check_selectors(selectors: dict[str, Any], fail: Callable[[str, str], None]) -> None:
    for key, selector in selectors.items():
        for css in [selector] if isinstance(selector, str) else _strings(selector):
            _check_selector(css, key, fail)
    for name in _strings(selectors.get("metadata_first")):
        if name not in SELECTOR_KEYS or name == "body":
            fail("metadata_first", f"'selectors.metadata_first' names {name!r}, not a field "
                                   f"(one of {', '.join(k for k in SELECTOR_KEYS if k != 'body')})")


def _check_widgets(entries: Any, fail: Callable[[str, str], None]) -> list[dict[str, Any]]:
    widgets = []
    for raw in entries if isinstance(entries, list) else []:
        if not isinstance(raw, dict):
            continue  # reported by _check_table
        _check_table(raw, _WIDGET_SCHEMA, fail, prefix="widgets.")
        if not raw.get("kind"):
            fail("widgets", "a [[widgets]] entry needs a 'kind'")
        elif not (raw.get("selector") or raw.get("heading")):
            fail("widgets", f"widget {raw['kind']!r} needs a 'selector' or a 'heading'")
        for key in ("selector", "heading_selector", "item", "title", "teaser"):
            if isinstance(raw.get(key), str):
                _check_selector(raw[key], key, fail)
        widgets.append(raw)
    return widgets


def _check_layout(layout: dict[str, Any], fail: Callable[[str, str], None]) -> None:
    """One ``[[layouts]]`` entry: a ``since`` day and the selectors and widgets of that day."""
    since = layout.get("since")
    if not isinstance(since, str) or not _DAY.match(since):
        fail("since", f"a [[layouts]] entry needs 'since = \"YYYY-MM-DD\"', got {since!r}")
    for key in layout:
        if key not in ("since", "selectors", "widgets"):
            fail(key, f"unknown key 'layouts.{key}' (a layout holds since, selectors, widgets)")
    selectors = layout.get("selectors", {})
    if isinstance(selectors, dict):
        _check_table(selectors, _SITE_SCHEMA["selectors"], fail, prefix="layouts.selectors.")
        _check_selectors(selectors, fail)
    else:
        fail("selectors", "'layouts.selectors' must be a table")
    _check_widgets(layout.get("widgets"), fail)


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def site_from_dict(data: dict[str, Any], path: str = "<dict>", text: str = "") -> SiteConfig:
    """Validate a site given as a dict (already parsed TOML), merging its preset first."""
    extends = data.get("extends", "generic")
    if not isinstance(extends, str) or extends not in [*preset_names(), AUTO]:
        raise SiteConfigError(
            path,
            f"unknown preset {extends!r} in 'extends' (known: {', '.join(preset_names())}, "
            f"or {AUTO!r} to detect it on each page)",
            _line_of(text, "extends"),
        )
    base = "generic" if extends == AUTO else extends
    site = dataclasses.replace(_build(_merge(_preset(base), data), path, text), data=data)
    if extends == AUTO:  # every preset the detection may pick must accept the file
        for name in preset_names():
            _build(_merge(_preset(name), {**data, "extends": name}), path, text)
    return site


def load_site(path: Path) -> SiteConfig:
    """Read and validate one site file."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SiteConfigError(str(path), f"cannot read: {exc}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match[1]) if match else len(text.rstrip("\n").splitlines()) or None
        raise SiteConfigError(str(path), f"not valid TOML: {exc}", line) from exc
    return site_from_dict(data, str(path), text)


def load_sites(config_dir: Path) -> tuple[list[SiteConfig], list[SiteConfigError]]:
    """All site files of ``config_dir/sites``: the valid ones and the errors of the others."""
    sites: list[SiteConfig] = []
    errors: list[SiteConfigError] = []
    names: dict[str, str] = {}
    for path in sorted((config_dir / "sites").glob("*.toml")):
        try:
            site = load_site(path)
        except SiteConfigError as exc:
            errors.append(exc)
            continue
        if site.name in names:
            errors.append(
                SiteConfigError(
                    str(path),
                    f"site name {site.name!r} is already used by {names[site.name]}",
                    _line_of(path.read_text("utf-8"), "name"),
                )
            )
            continue
        names[site.name] = str(path)
        sites.append(site)
    return sites, errors


def select_sites(config_dir: Path, names: list[str] | None = None, *,
                 refuse_invalid: bool = False) -> tuple[list[SiteConfig], list[SiteConfigError]]:
    """The valid sites of ``config_dir`` (only those ``names`` when given) and the errors of
    the refused site files.

    Raises ConfigError for a name that has no valid site file, saying which names exist
    (and the closest one): always when no file has that name, and also when its file was
    refused if ``refuse_invalid`` (a crawl instead runs the other sites and reports it).
    """
    sites, errors = load_sites(config_dir)
    if not names:
        return sites, errors
    valid = {site.name for site in sites}
    refused = {Path(e.path).stem: e for e in errors}
    missing = [n for n in names if n not in valid and (refuse_invalid or n not in refused)]
    if missing:
        known = sorted(valid | set(refused))
        close = [m for n in missing for m in difflib.get_close_matches(n, known, 1)]
        why = [str(refused[n]) for n in missing if n in refused]
        raise ConfigError(
            f"no valid site file for {', '.join(missing)} in {config_dir}/sites"
            + (f": {'; '.join(why)}" if why else "")
            + (f" (did you mean {', '.join(close)}?)" if close else "")
            + (f"; known sites: {', '.join(known)}" if known else "; it has no site files"))
    return [site for site in sites if site.name in names], errors


def site_for_url(sites: list[SiteConfig], url: str) -> SiteConfig | None:
    """The site whose hosts (www./m./amp./bare variants included) hold ``url``."""
    host = urlsplit(url).netloc.lower()
    return next((site for site in sites if host in site.site_hosts
                 or host in site.equivalent_hosts), None)


def load_crawl_settings(config_dir: Path) -> dict[str, Any]:
    """``config_dir/crawl.toml``: overrides of the fetcher's settings (table ``[fetch]``)."""
    path = config_dir / "crawl.toml"
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SiteConfigError(str(path), f"not valid TOML: {exc}") from exc
