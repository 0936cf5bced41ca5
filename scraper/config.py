"""Site files: one declarative TOML file per site, validated before anything is fetched.

This module is the one place where every site key is documented (``SITE_KEYS`` below) and
where built-in presets (``scraper/presets/*.toml``) are merged under a site file through
``extends``. A site file with a typo is refused with its path, the line where the bad key
or value stands, and what is wrong; ``load_sites`` returns the good sites and the errors of
the bad ones side by side, so one broken file never stops the other sites from running.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, SelectolaxError

from .errors import SiteConfigError
from .urls import canonical_url, host_equivalents

__all__ = [
    "SiteConfig",
    "WidgetConfig",
    "load_site",
    "load_sites",
    "load_crawl_settings",
    "preset_names",
]

# Every key a site file may hold, with its type. Nested tables are dicts of the same form.
# name        : str   unique site name (also the `site` column in the archive)           [fixed]
# extends     : str   a built-in preset: "generic" or "wordpress-tagdiv"                   [fixed]
# start_urls  : list  URLs the crawl starts from; their hosts are always fetchable        [fixed]
# hosts       : list  other host names (netloc) that belong to the site
# allow_private_hosts : list  hosts (netloc, or a name for any port) that may resolve to
#               loopback, private or link-local addresses; others are refused with
#               "blocked_address" (the start URLs' hosts are always allowed)
# feeds       : list  RSS/Atom feed URLs
# sitemaps    : list  sitemap URLs (robots.txt `Sitemap:` lines are added when use_robots_sitemaps)
# use_robots_sitemaps : bool
# allow       : list  regexes; when given, a discovered URL must match one to be followed
# deny        : list  regexes; a discovered URL matching one is never followed
# article_urls: list  regexes; a page whose URL matches is taken as an article candidate
# language    : str   language to record when a page declares none
# trailing_slash : str  "keep" (default), "add" or "strip": the site's URL identity policy
#              (hosts listed in `hosts` that are www./m./amp./bare variants of the first
#              start URL's host are folded onto it)
# [politeness] delay (seconds between requests to a host), concurrency (requests in flight)
# [limits]     max_pages (HTML pages fetched per site per run; sitemaps and feeds are free),
#              max_depth (link hops from a start URL), max_pagination (highest /page/N/)
# [recrawl]    recheck_days (known articles younger than this are re-checked every run
#              with a conditional GET; older ones only when a sitemap/feed hint changes)
# [selectors]  CSS selectors: title, section, authors, published, modified, tags, lead, body,
#              drop (list: removed inside the body), is_article (page is an article if it matches)
# [[widgets]]  kind (free text; "auto" classifies by heading), selector or heading,
#              heading_selector, item, title, teaser (CSS, all optional but one of selector/heading)
SITE_KEYS: dict[str, Any] = {
    "name": str,
    "extends": str,
    "start_urls": list,
    "hosts": list,
    "allow_private_hosts": list,
    "feeds": list,
    "sitemaps": list,
    "use_robots_sitemaps": bool,
    "allow": list,
    "deny": list,
    "article_urls": list,
    "language": str,
    "trailing_slash": str,
    "politeness": {"delay": (int, float), "concurrency": int},
    "limits": {"max_pages": int, "max_depth": int, "max_pagination": int},
    "recrawl": {"recheck_days": (int, float)},
    "selectors": {
        "title": str,
        "section": str,
        "authors": str,
        "published": str,
        "modified": str,
        "tags": str,
        "lead": str,
        "body": str,
        "drop": list,
        "is_article": str,
    },
    "widgets": list,
}
WIDGET_KEYS: dict[str, Any] = {
    "kind": str,
    "selector": str,
    "heading": str,
    "heading_selector": str,
    "item": str,
    "title": str,
    "teaser": str,
}
_SELECTOR_KEYS = {"title", "section", "authors", "published", "modified", "tags", "lead", "body"}


@dataclass(frozen=True)
class WidgetConfig:
    """How to find one link widget: a block by CSS ``selector`` or by its ``heading`` text."""

    kind: str
    selector: str | None = None
    heading: str | None = None
    heading_selector: str | None = None
    item: str | None = None
    title: str | None = None
    teaser: str | None = None


@dataclass(frozen=True)
class SiteConfig:
    """A validated site: what the crawler and the site adapter read."""

    name: str
    start_urls: tuple[str, ...]
    extends: str = "generic"
    path: str | None = None
    hosts: tuple[str, ...] = ()
    allow_private_hosts: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    use_robots_sitemaps: bool = True
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    article_urls: tuple[str, ...] = ()
    language: str | None = None
    trailing_slash: str = "keep"
    delay: float = 1.0
    concurrency: int = 2
    max_pages: int = 500
    max_depth: int = 4
    max_pagination: int = 50
    recheck_days: float = 3.0
    selectors: dict[str, str] = field(default_factory=dict)
    drop: tuple[str, ...] = ()
    is_article: str | None = None
    widgets: tuple[WidgetConfig, ...] = ()

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


def _check_table(data: dict[str, Any], schema: dict[str, Any], fail, prefix: str = "") -> None:
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if key not in schema:
            close = [k for k in schema if k[:3] == key[:3]]
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            fail(key, f"unknown key {dotted!r}{hint}")
        expected = schema[key]
        if isinstance(expected, dict):
            if not isinstance(value, dict):
                fail(key, f"{dotted!r} must be a table, got {type(value).__name__}")
            _check_table(value, expected, fail, prefix=f"{dotted}.")
        elif not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            names = expected.__name__ if isinstance(expected, type) else "number"
            fail(key, f"{dotted!r} must be a {names}, got {type(value).__name__}")
        elif expected is list and not all(isinstance(v, str | dict) for v in value):
            fail(key, f"{dotted!r} must be a list of strings")


def _check_selector(selector: str, key: str, fail) -> None:
    try:
        LexborHTMLParser("<p></p>").css(selector)
    except SelectolaxError:
        fail(key, f"invalid CSS selector {selector!r} in {key!r}")


def _check_regex(pattern: str, key: str, fail) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        fail(key, f"invalid regular expression {pattern!r} in {key!r}: {exc}")


def _build(data: dict[str, Any], path: str, text: str) -> SiteConfig:
    def fail(key: str, reason: str) -> None:
        raise SiteConfigError(path, reason, _line_of(text, key))

    _check_table(data, SITE_KEYS, fail)
    for key in ("name", "start_urls"):
        if not data.get(key):
            fail(key, f"missing required key {key!r}")
    for url in data["start_urls"]:
        if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
            fail("start_urls", f"start URL {url!r} is not an http(s) URL")
    if data.get("trailing_slash", "keep") not in ("keep", "add", "strip"):
        fail("trailing_slash", "'trailing_slash' must be \"keep\", \"add\" or \"strip\"")
    for key in ("allow", "deny", "article_urls"):
        for pattern in data.get(key, []):
            _check_regex(pattern, key, fail)
    selectors = dict(data.get("selectors", {}))
    drop = selectors.pop("drop", [])
    is_article = selectors.pop("is_article", None)
    for key, selector in [*selectors.items(), *(("drop", d) for d in drop)]:
        _check_selector(selector, key, fail)
    if is_article:
        _check_selector(is_article, "is_article", fail)
    widgets = []
    for raw in data.get("widgets", []):
        if not isinstance(raw, dict):
            fail("widgets", "each [[widgets]] entry must be a table")
        _check_table(raw, WIDGET_KEYS, fail, prefix="widgets.")
        if not raw.get("kind"):
            fail("widgets", "a [[widgets]] entry needs a 'kind'")
        if not (raw.get("selector") or raw.get("heading")):
            fail("widgets", f"widget {raw['kind']!r} needs a 'selector' or a 'heading'")
        for key in ("selector", "heading_selector", "item", "title", "teaser"):
            if raw.get(key):
                _check_selector(raw[key], key, fail)
        widgets.append(WidgetConfig(**raw))
    politeness = data.get("politeness", {})
    limits = data.get("limits", {})
    return SiteConfig(
        name=data["name"],
        start_urls=tuple(data["start_urls"]),
        extends=data.get("extends", "generic"),
        path=path,
        hosts=tuple(h.lower() for h in data.get("hosts", [])),
        allow_private_hosts=tuple(h.lower() for h in data.get("allow_private_hosts", [])),
        feeds=tuple(data.get("feeds", [])),
        sitemaps=tuple(data.get("sitemaps", [])),
        use_robots_sitemaps=data.get("use_robots_sitemaps", True),
        allow=tuple(data.get("allow", [])),
        deny=tuple(data.get("deny", [])),
        article_urls=tuple(data.get("article_urls", [])),
        language=data.get("language"),
        trailing_slash=data.get("trailing_slash", "keep"),
        delay=float(politeness.get("delay", 1.0)),
        concurrency=int(politeness.get("concurrency", 2)),
        max_pages=int(limits.get("max_pages", 500)),
        max_depth=int(limits.get("max_depth", 4)),
        max_pagination=int(limits.get("max_pagination", 50)),
        recheck_days=float(data.get("recrawl", {}).get("recheck_days", 3.0)),
        selectors=selectors,
        drop=tuple(drop),
        is_article=is_article,
        widgets=tuple(widgets),
    )


def site_from_dict(data: dict[str, Any], path: str = "<dict>", text: str = "") -> SiteConfig:
    """Validate a site given as a dict (already parsed TOML), merging its preset first."""
    extends = data.get("extends", "generic")
    if not isinstance(extends, str) or extends not in preset_names():
        raise SiteConfigError(
            path,
            f"unknown preset {extends!r} in 'extends' (known: {', '.join(preset_names())})",
            _line_of(text, "extends"),
        )
    return _build(_merge(_preset(extends), data), path, text)


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


def load_crawl_settings(config_dir: Path) -> dict[str, Any]:
    """``config_dir/crawl.toml``: overrides of the fetcher's settings (table ``[fetch]``)."""
    path = config_dir / "crawl.toml"
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SiteConfigError(str(path), f"not valid TOML: {exc}") from exc
