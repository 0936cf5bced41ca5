"""Adapter fixtures: sample pages a site keeps beside its file, with the extraction expected.

A site file ``config/sites/NAME.toml`` may keep ``config/sites/NAME/fixtures/SLUG.html.gz``
(the raw page) with ``SLUG.json`` (its URL, content type, fetch time and the expected
``FIXTURE_FIELDS``). ``check_site`` re-extracts every fixture with the current site file
and reports each field that changed (``newsarchive sites test``, exit code 1 on any;
``--update`` pins the current extraction once the changes are reviewed); a
fixture is extracted with its own fetch date, so the layout version in force when it was
fetched reads it, however the site file has grown since. ``snapshot`` fetches a page
politely (robots.txt, the site's delay, the address guard) and saves it with its current
extraction as a new fixture (``newsarchive sites snapshot``).
"""

from __future__ import annotations

import difflib
import gzip
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..article import Article
from ..config import SiteConfig
from ..errors import ConfigError
from ..extraction.page import extract
from ..fetch.fetcher import Fetcher
from ..fetch.netguard import AddressGuard
from ..fetch.types import FetchSettings, HostPolicy

__all__ = ["FIXTURE_FIELDS", "Fixture", "FixtureResult", "check_site", "expected_of",
           "fixture_dir", "load_fixtures", "save_fixture", "snapshot"]

# What a fixture pins down: the fields an analyst reads, the widgets, and which adapter
# (preset and layout version) read the page.
FIXTURE_FIELDS = ("title", "section", "authors", "published", "modified", "language", "tags",
                  "lead", "text", "is_article", "links", "adapter")
_LINK_KEYS = ("kind", "position", "title", "url", "heading")
_SLUG = re.compile(r"[^a-z0-9]+")
_SHOWN = 100  # characters of a differing value shown


@dataclass
class Fixture:
    """One saved page and what it should extract to."""

    name: str
    page: Path
    url: str
    fetched: str | None
    content_type: str | None
    expected: dict[str, Any]

    def body(self) -> bytes:
        return gzip.decompress(self.page.read_bytes())


@dataclass
class FixtureResult:
    """The differences between a fixture's expected and current extraction, field by field."""

    fixture: Fixture
    diffs: list[tuple[str, str]] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return not self.diffs and self.error is None


def fixture_dir(site: SiteConfig) -> Path:
    """``config/sites/NAME/fixtures`` beside the site file ``config/sites/NAME.toml``."""
    if not site.path:
        raise ConfigError(f"site {site.name!r} has no site file to keep fixtures beside")
    return Path(site.path).with_suffix("") / "fixtures"


def expected_of(article: Article) -> dict[str, Any]:
    """The comparable part of an extraction (the detection's evidence is words, not pinned)."""
    data = article.to_dict()
    expected = {key: data[key] for key in FIXTURE_FIELDS}
    expected["links"] = [{k: link[k] for k in _LINK_KEYS} for link in data["links"]]
    expected["adapter"] = {k: v for k, v in data["adapter"].items()
                           if k in ("preset", "layout")}
    return expected


def load_fixtures(site: SiteConfig) -> list[Fixture]:
    """The site's fixtures, in name order; a missing directory means none."""
    folder = fixture_dir(site)
    fixtures = []
    for meta_path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
            fixtures.append(Fixture(
                name=meta_path.stem, page=meta_path.with_suffix(".html.gz"), url=meta["url"],
                fetched=meta.get("fetched"), content_type=meta.get("content_type"),
                expected=meta["expected"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"{meta_path}: not a fixture ({type(exc).__name__}: {exc})") \
                from exc
    return fixtures


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _SHOWN else text[:_SHOWN - 1] + "…"


def _text_diff(expected: str, got: str) -> str:
    old, new = expected.split("\n\n"), got.split("\n\n")
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag != "equal":
            was = " / ".join(old[i1:i2]) or "(nothing)"
            now = " / ".join(new[j1:j2]) or "(nothing)"
            return (f"paragraph {i1 + 1} of {len(old)} (now {len(new)}): expected "
                    f"{_short(was)}, got {_short(now)}")
    return "whitespace differs"


def _links_diff(expected: list[dict], got: list[dict]) -> str:
    def label(link: dict) -> str:
        return f"{link['kind']}#{link['position']} {_short(link['title'])} {link['url']}"
    old, new = [label(x) for x in expected], [label(x) for x in got]
    missing = [x for x in old if x not in new]
    extra = [x for x in new if x not in old]
    parts = ([f"missing {len(missing)}: " + "; ".join(missing[:3])] if missing else []) + \
        ([f"new {len(extra)}: " + "; ".join(extra[:3])] if extra else [])
    return ", ".join(parts) or "headings or order differ: " + "; ".join(
        f"{a.get('heading')!r} -> {b.get('heading')!r}" for a, b in zip(expected, got,
                                                                      strict=False) if a != b)


def compare(expected: dict[str, Any], got: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, what changed) for every pinned field whose value differs."""
    diffs = []
    for key in FIXTURE_FIELDS:
        if key not in expected or expected[key] == got.get(key):
            continue
        if key == "text":
            diffs.append((key, _text_diff(expected[key] or "", got.get(key) or "")))
        elif key == "links":
            diffs.append((key, _links_diff(expected[key], got.get(key) or [])))
        else:
            diffs.append((key, f"expected {_short(expected[key])}, got {_short(got.get(key))}"))
    return diffs


def check_site(site: SiteConfig, update: bool = False) -> list[FixtureResult]:
    """Re-extract every fixture of ``site`` and compare it with what it pins down; with
    ``update``, pin the current extraction instead (after the differences were reviewed)."""
    results = []
    for fixture in load_fixtures(site):
        result = FixtureResult(fixture)
        try:
            article = extract(fixture.body(), fixture.url, site, fixture.content_type,
                              fixture.fetched)
        except (OSError, gzip.BadGzipFile, EOFError) as exc:
            result.error = f"cannot read {fixture.page}: {exc}"
        else:
            current = expected_of(article)
            result.diffs = compare(fixture.expected, current)
            if update and result.diffs:
                _write_meta(fixture.page.with_name(f"{fixture.name}.json"), fixture.url,
                            fixture.fetched, fixture.content_type, current)
        results.append(result)
    return results


def _write_meta(path: Path, url: str, fetched: str | None, content_type: str | None,
                expected: dict[str, Any]) -> None:
    meta = {"url": url, "fetched": fetched, "content_type": content_type, "expected": expected}
    path.write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", "utf-8")


def _slug(url: str, taken: set[str]) -> str:
    parts = [p for p in urlsplit(url).path.split("/") if p]
    base = _SLUG.sub("-", (parts[-1] if parts else urlsplit(url).netloc).lower()).strip("-")
    base = base.removesuffix("-html")[:60].strip("-") or "page"
    name, number = base, 2
    while name in taken:
        name, number = f"{base}-{number}", number + 1
    return name


def save_fixture(site: SiteConfig, url: str, body: bytes, content_type: str | None,
                 fetched: str | None = None, article: Article | None = None) -> Path:
    """Save ``body`` as a new fixture of ``site`` with its current extraction; returns the
    JSON file written. ``fetched`` defaults to now (the page was just fetched)."""
    folder = fixture_dir(site)
    folder.mkdir(parents=True, exist_ok=True)
    fetched = fetched or datetime.now(UTC).isoformat(timespec="seconds")
    article = article or extract(body, url, site, content_type, fetched)
    name = _slug(url, {p.name.removesuffix(".html.gz") for p in folder.glob("*.html.gz")})
    (folder / f"{name}.html.gz").write_bytes(gzip.compress(body, mtime=0))
    path = folder / f"{name}.json"
    _write_meta(path, url, fetched, content_type, expected_of(article))
    return path


def polite_fetcher(site: SiteConfig, settings: FetchSettings | None = None) -> Fetcher:
    """A fetcher that treats ``site`` as a crawl would: robots.txt, its delay, one request at
    a time, and the address guard letting only the site's own hosts be private."""
    fetcher = Fetcher(settings, AddressGuard(site.private_ok))
    for host in site.site_hosts:
        fetcher.set_policy(host, HostPolicy(site.delay, 1))
    return fetcher


async def snapshot(site: SiteConfig, url: str,
                   settings: FetchSettings | None = None) -> tuple[Path, Article]:
    """Fetch ``url`` politely and save it as a fixture of ``site``; ConfigError when the
    page cannot be had (robots.txt, HTTP error, not HTML) or is not on the site."""
    if urlsplit(url).netloc.lower() not in site.site_hosts:
        raise ConfigError(f"{url} is not on site {site.name!r} (hosts: "
                          f"{', '.join(sorted(site.site_hosts))})")
    async with polite_fetcher(site, settings) as fetcher:
        result = await fetcher.fetch(url)
    if not result.ok:
        raise ConfigError(f"{url}: {result.outcome} ({result.error})")
    if "html" not in (result.content_type or "html"):
        raise ConfigError(f"{url}: not an HTML page ({result.content_type})")
    fetched = datetime.now(UTC).isoformat(timespec="seconds")
    article = extract(result.body, result.final_url, site, result.content_type, fetched)
    return save_fixture(site, result.final_url, result.body, result.content_type, fetched,
                        article), article
