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
URL patterns (``allow``, ``deny``, ``article_urls``) are checked and matched, with a time
bound, by ``scraper.urlpatterns``.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import ConfigError, SiteConfigError
from .knobs import Knob, knob, knobs
from .sitecheck import SiteFileCheck
from .urlpatterns import UrlPatterns
from .urls import TRAILING_SLASH_POLICIES, canonical_url, host_equivalents, split_userinfo

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
                                             "candidate (and its URL + `/amp` or `/print` a "
                                             "view of it)")
    fragment_routes: tuple[str, ...] = knob(
        (), "regexes: a URL fragment matching one names a page of its own (`'^page\\d+$'` for "
            "`/#page2`), fetched as `?_escaped_fragment_=`; a hash-bang `#!` always does")
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
    # A WordPress site under Yoast lists one post sitemap per 1,000 posts: 200 covers a
    # 150,000-post site with its page, category, tag and author sitemaps. A self-feeding
    # index made 23,174 requests in 300 s without this budget.
    max_sitemaps: int = knob(200, "sitemaps and feeds fetched per site per run, sitemap-index "
                                  "children included (`max_sitemaps` once spent)",
                             key="limits.max_sitemaps", minimum=1)
    max_pagination: int = knob(50, "highest `/page/N/` or `?page=N` followed (crawler-trap "
                                   "defence)", key="limits.max_pagination", minimum=1)
    recheck_days: float = knob(3.0, "known articles younger than this are re-checked every "
                                    "run (conditional GET); older ones only when a sitemap "
                                    "lastmod or feed date changes", key="recrawl.recheck_days",
                               minimum=0)
    hub_depth: int = knob(1, "hub pages (listings fetched before: home, sections, "
                             "categories) re-checked every run with a conditional GET, up to "
                             "this many link hops from a start URL (README: hub re-check)",
                          key="recrawl.hub_depth", minimum=0)
    max_hubs: int = knob(50, "at most this many hub pages re-checked per run (each one page of "
                             "`limits.max_pages`)", key="recrawl.max_hubs", minimum=0)
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
    # netloc -> (user, password) of start URLs written as http://user:secret@host/: sent
    # to that host only, and never stored or logged (start_urls holds the URLs without them)
    credentials: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False,
                                                    compare=False)
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

    @cached_property
    def _url_patterns(self) -> tuple[tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]]:
        return (tuple(re.compile(p) for p in self.article_urls),
                tuple(re.compile(p) for p in self.fragment_routes))

    def url_key(self, url: str) -> str:
        """The identity key of a URL as this site declares it (host variants, trailing slash,
        article URLs and fragment routes)."""
        articles, routes = self._url_patterns
        return canonical_url(url, equivalent_hosts=self.equivalent_hosts,
                             trailing_slash=self.trailing_slash, article_urls=articles,
                             fragment_routes=routes)

    @cached_property
    def patterns(self) -> dict[str, UrlPatterns]:
        """``allow``, ``deny`` and ``article_urls`` compiled, each matched with a time bound."""
        return {"allow": UrlPatterns(self.allow), "deny": UrlPatterns(self.deny),
                "article_urls": UrlPatterns(self.article_urls)}

    @property
    def slow_patterns(self) -> list[str]:
        """Patterns that exceeded their time bound in this process, as ``key 'pattern'``."""
        return [f"{key} {p!r}" for key, found in self.patterns.items() for p in found.slow]

    def follows(self, url: str) -> bool:
        """Whether a discovered URL is on this site and passes the allow/deny patterns."""
        if urlsplit(url).netloc.lower() not in self.site_hosts:
            return False
        if self.patterns["deny"].search(url, on_timeout=True):
            return False
        allow = self.patterns["allow"]
        return not allow or allow.search(url, on_timeout=False)

    def is_article_url(self, url: str) -> bool:
        """Whether ``url`` matches one of ``article_urls``."""
        return self.patterns["article_urls"].search(url, on_timeout=False)




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


def _build(data: dict[str, Any], path: str, text: str,
           problems: list[tuple[int | None, str]] | None = None) -> SiteConfig:
    problems = problems or []

    def fail(key: str, reason: str) -> None:
        problems.append((_line_of(text, key), reason))

    widgets = SiteFileCheck(_SITE_SCHEMA, _WIDGET_SCHEMA, fail).site(data)
    if problems:
        problems.sort(key=lambda problem: problem[0] or 0)  # in the file's order
        (line, reason), *more = problems
        raise SiteConfigError(path, reason, line, more)
    values = _values(data, SITE_KNOBS)
    starts = [split_userinfo(url) for url in values["start_urls"]]
    values["start_urls"] = tuple(url for url, _ in starts)
    values["credentials"] = {urlsplit(url).netloc.lower(): auth for url, auth in starts if auth}
    values["hosts"] = tuple(h.lower() for h in values.get("hosts", ()))
    values["allow_private_hosts"] = tuple(h.lower() for h in values.get("allow_private_hosts",
                                                                        ()))
    values["widgets"] = tuple(WidgetConfig(**_values(w, WIDGET_KNOBS)) for w in widgets)
    selectors = data.get("selectors") or {}
    values["selectors"] = {k: tuple(v) if isinstance(v, list) else v
                           for k, v in selectors.items() if k in SELECTOR_KEYS}
    return SiteConfig(path=path, **values)


def site_from_dict(data: dict[str, Any], path: str = "<dict>", text: str = "") -> SiteConfig:
    """Validate a site given as a dict (already parsed TOML), merging its preset first."""
    extends = data.get("extends", "generic")
    if not isinstance(extends, str) or extends not in [*preset_names(), AUTO]:
        # Refused, but the file's other mistakes are checked too, with no preset under it.
        problem = (_line_of(text, "extends"),
                   f"unknown preset {extends!r} in 'extends' (known: "
                   f"{', '.join(preset_names())}, or {AUTO!r} to detect it on each page)")
        return _build(data, path, text, [problem])
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
    """All site files of ``config_dir/sites``: the valid ones and the errors of the others.

    Raises ConfigError, saying where it looked, when there is no site file at all: a crawl
    of nothing that reports success is a wrong directory nobody notices.
    """
    sites: list[SiteConfig] = []
    errors: list[SiteConfigError] = []
    names: dict[str, str] = {}
    paths = sorted((config_dir / "sites").glob("*.toml"))
    if not paths:
        where = (config_dir / "sites").absolute()
        raise ConfigError(f"no site files: looked for {config_dir / 'sites'}/*.toml ({where}"
                          f"{'' if where.parent.is_dir() else ': no such directory'}); add "
                          "a site file there (README: Adding a site) or give --config DIR")
    for path in paths:
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
            + f"; known sites: {', '.join(known)}")
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
