"""``newsarchive sites new NAME URL``: a site file drafted from what the site's pages say.

A handful of the site's article pages are fetched politely (robots.txt, a delay between
requests, the address guard), the preset is detected on them (``extraction/detect.py``),
and for every field the preset does not already read on every page, a selector is inferred
from what the page itself tells: the element whose text equals the JSON-LD or OpenGraph
headline, the byline naming the JSON-LD author, the ``<time>`` holding the published
instant, the links naming the keywords, the container holding the text the generic
extractor found, and the widgets the generic detection finds under the same heading on most
pages. A selector is kept only when it gives the page's own value on most of the pages
(``_AGREEMENT``); the file written says, next to each key, what it was inferred from, is
validated as ``sites --check`` would, and the pages are saved as its fixtures.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..article import Article
from ..config import SiteConfig, WidgetConfig, load_site, site_from_dict
from ..errors import ConfigError
from ..extraction.detect import detect_preset
from ..extraction.page import extract
from ..extraction.widgets import configured_widgets
from ..fetch.decode import decode_body
from ..fetch.types import FetchSettings
from ..urls import looks_like_article_url
from .discover import page_links
from .fixtures import polite_fetcher, save_fixture

__all__ = ["Draft", "draft_site"]

_AGREEMENT = 0.6  # share of the pages on which an inferred selector must give the page's value
_BODY_SHARE = 0.8  # share of the generic text's characters a body container must hold
_MAX_TRIES = 3  # fetch at most this many candidate links per page wanted
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_STABLE = re.compile(r"^[A-Za-z][A-Za-z_-]*[A-Za-z]$")  # no digits: tdi_82, post-123 vary
_ONE_VALUE = ("title", "section", "published", "lead")


@dataclass
class Draft:
    """What ``draft_site`` wrote and why."""

    path: Path
    preset: str
    evidence: str
    pages: list[str]
    selectors: dict[str, tuple[Any, str]] = field(default_factory=dict)
    widgets: list[tuple[dict[str, str], str]] = field(default_factory=list)
    inherited: dict[str, str] = field(default_factory=dict)
    fixtures: list[Path] = field(default_factory=list)


@dataclass
class _Page:
    url: str
    body: bytes
    content_type: str | None
    fetched: str
    text: str = ""
    truth: Article | None = None  # what the page's metadata and the generic extractor say

    def tree(self) -> LexborHTMLParser:  # a fresh tree: extraction removes nodes
        return LexborHTMLParser(self.text)


def _norm(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def _text(node: LexborNode) -> str:
    return " ".join(node.text(deep=True, separator=" ").split())


def _name(node: LexborNode, tree: LexborHTMLParser) -> str:
    """``tag.class`` with the node's rarest stable class (the one fewest elements carry)."""
    classes = [c for c in (node.attributes.get("class") or "").split() if _STABLE.match(c)]
    if not classes:
        return node.tag
    rarest = min(classes, key=lambda c: (len(tree.css(f".{c}")), -len(c)))
    return f"{node.tag}.{rarest}"


def _scoped(node: LexborNode, tree: LexborHTMLParser) -> list[str]:
    """``ANCESTOR tag`` for the node's nearest classed ancestors, the rarest class first:
    every name or tag of a byline or tag list, whatever wraps each one."""
    found = []
    ancestor = node.parent
    for _ in range(3):
        if ancestor is None or ancestor.tag in ("html", "body"):
            break
        name = _name(ancestor, tree)
        if "." in name:
            found.append((len(tree.css(name)), f"{name} {node.tag}"))
        ancestor = ancestor.parent
    return [css for _, css in sorted(found)]


def _css_for(node: LexborNode, tree: LexborHTMLParser) -> str | None:
    """A selector whose first match is ``node``: its own name, else scoped by an ancestor."""
    own = _name(node, tree)
    first = tree.css_first(own)
    if first is not None and first.mem_id == node.mem_id:
        return own
    ancestor = node.parent
    for _ in range(6):
        if ancestor is None or ancestor.tag in ("html", "body"):
            break
        if ancestor.attributes.get("class"):
            scoped = f"{_name(ancestor, tree)} {own}"
            first = tree.css_first(scoped)
            if first is not None and first.mem_id == node.mem_id:
                return scoped
        ancestor = ancestor.parent
    return None


def _holding(tree: LexborHTMLParser, wanted: str, tags: str) -> list[LexborNode]:
    """Elements among ``tags`` whose whole text is ``wanted``, deepest last."""
    return [n for n in tree.css(tags) if _norm(_text(n)) == wanted]


def _best(pages: list[_Page], candidates: Callable[[_Page, LexborHTMLParser], list[str]],
          agrees: Callable[[_Page, str], bool]) -> tuple[str | None, int]:
    """The candidate selector agreeing with the most pages, and on how many."""
    tried: Counter[str] = Counter()
    for page in pages:
        tree = page.tree()
        tried.update(list(dict.fromkeys(c for c in candidates(page, tree) if c)))
    best, score = None, 0
    for css, _ in tried.most_common():  # ties keep the first: the most specific candidate
        agreed = sum(1 for page in pages if agrees(page, css))
        if agreed > score:
            best, score = css, agreed
    return best, score


def _extract(page: _Page, site: SiteConfig | None) -> Article:
    return extract(page.body, page.url, site, page.content_type, page.fetched)


def _probe(field_name: str, css: str, name: str) -> SiteConfig:
    key = "body" if field_name == "body" else field_name
    return site_from_dict({"name": name, "start_urls": ["https://x.example/"],
                           "selectors": {key: css}})


def _infer_field(pages: list[_Page], field_name: str, name: str) -> tuple[str | None, int]:
    """The selector for one field, inferred from each page's own value of it."""
    def value(article: Article) -> Any:
        got = getattr(article, "text" if field_name == "body" else field_name)
        if field_name in ("authors", "tags"):
            return {_norm(v) for v in got}
        if field_name == "published":
            return (got or "")[:16]
        return _norm(got)

    def agrees(page: _Page, css: str) -> bool:
        article = _extract(page, _probe(field_name, css, name))
        if article.selector_misses:
            return False
        if field_name == "body":
            return _same_body(article.text, page.truth.text)
        if field_name == "published":  # the selector's, or reconcile.py's correction of it
            return _same_instant(article.published, page.truth.published)
        if article.sources.get(field_name) != "selector":
            return False
        return bool(value(article)) and value(article) == value(page.truth)

    def candidates(page: _Page, tree: LexborHTMLParser) -> list[str]:
        truth = page.truth
        if field_name == "title":
            nodes = _holding(tree, _norm(truth.title), "h1, h2, h3, [class*=title], "
                             "[class*=headline]")
            return [_css_for(n, tree) for n in nodes[:3]]
        if field_name in ("section", "lead"):
            nodes = _holding(tree, _norm(getattr(truth, field_name)), "a, p, span, div, li")
            return [_css_for(n, tree) for n in reversed(nodes[-4:])]
        if field_name in ("authors", "tags"):
            names = {_norm(v) for v in getattr(truth, field_name)}
            nodes = [n for n in tree.css("a, span") if _norm(_text(n)) in names]
            return [css for n in nodes[:6] for css in _scoped(n, tree)]
        if field_name == "published":
            nodes = [n for n in tree.css("time[datetime], [content][class*=date]")
                     if (n.attributes.get("datetime") or n.attributes.get("content") or "")
                     [:10] == (truth.published or "-")[:10]]
            return [c for n in nodes[:4] if (c := _css_for(n, tree)) and
                    re.search("time|date", c, re.I)]
        return _body_candidates(page, tree)

    if not any(_truthy(getattr(p.truth, "text" if field_name == "body" else field_name))
               for p in pages):
        return None, 0
    return _best(pages, candidates, agrees)


def _truthy(value: Any) -> bool:
    return bool(value)


def _held(text: str, blocks: list[str]) -> float:
    """The share of the characters of ``blocks`` that ``text`` holds."""
    total = sum(map(len, blocks)) or 1
    return sum(len(b) for b in blocks if b in text) / total


def _same_body(got: str, want: str) -> bool:
    """Most of the text the generic extractor found (a standfirst or caption it took may be
    left out), and not much more."""
    blocks = [_norm(b) for b in want.split("\n\n") if len(b) > 20]
    return bool(blocks) and _held(_norm(got), blocks) >= _BODY_SHARE and \
        len(got) <= 1.5 * len(want) + 200


def _same_instant(got: str | None, want: str | None) -> bool:
    if not got or not want:
        return False
    try:
        a, b = datetime.fromisoformat(got), datetime.fromisoformat(want)
    except ValueError:
        return got[:10] == want[:10]
    if (a.tzinfo is None) != (b.tzinfo is None) or "T" not in got or "T" not in want:
        return got[:10] == want[:10]
    return a == b


def _body_candidates(page: _Page, tree: LexborHTMLParser) -> list[str]:
    """The smallest containers holding most of the text the generic extractor found."""
    blocks = [_norm(b) for b in page.truth.text.split("\n\n") if len(b) > 20]
    if not blocks:
        return []
    holders = [n for n in tree.css("div, article, section, main")
               if _held(_norm(_text(n)), blocks) >= _BODY_SHARE]
    holders.sort(key=lambda n: len(_text(n)))
    return [_css_for(n, tree) for n in holders[:3]]


def _infer_widgets(pages: list[_Page]) -> list[tuple[dict[str, str], str]]:
    """``[[widgets]]`` by heading for the widgets the generic detection finds under the
    same heading on most pages."""
    seen: Counter[tuple[str, str]] = Counter()
    for page in pages:
        seen.update({(link.kind, link.heading) for link in page.truth.links if link.heading})
    needed = max(1, round(_AGREEMENT * len(pages)))
    widgets = []
    for (kind, heading), count in seen.most_common():
        spec = WidgetConfig(kind=kind, heading=heading)
        found = sum(1 for page in pages if _widget_agrees(page, spec))
        if count >= needed and found >= needed:
            widgets.append(({"kind": kind, "heading": heading},
                            f"the generic detection finds {heading!r} ({kind}) on {count} of "
                            f"{len(pages)} pages; this finds its links on {found}"))
    return widgets


def _widget_agrees(page: _Page, spec: WidgetConfig) -> bool:
    """The widget found by its heading holds the links the generic detection saw under it."""
    want = {link.url for link in page.truth.links
            if (link.kind, link.heading) == (spec.kind, spec.heading)}
    if not want:
        return False
    got = {link.url for link in configured_widgets(page.tree(), (spec,), page.url)}
    return len(want & got) >= 0.8 * len(want)


def _inherited(page: _Page, base: SiteConfig, key: str) -> bool:
    """Whether the preset's selector for ``key`` reads this page: it matches, and for the
    fields the page's metadata states, it agrees with them."""
    selector = base.selectors[key]
    tree = page.tree()
    if not any(tree.css_first(css) is not None
               for css in (selector if isinstance(selector, tuple) else (selector,))):
        return False
    article = _extract(page, base)
    attr = "text" if key == "body" else key
    if not getattr(article, attr):
        return False
    want = getattr(page.truth, attr)
    if key == "published":
        return not want or _same_instant(article.published, want)
    if key in ("title", "authors") and want:
        return _norm(str(getattr(article, attr))) == _norm(str(want))
    return True


async def _fetch_pages(site: SiteConfig, url: str, wanted: int, settings: FetchSettings | None,
                       log: Callable[[str], None]) -> list[_Page]:
    pages: list[_Page] = []
    host = urlsplit(url).netloc.lower()
    async with polite_fetcher(site, settings) as fetcher:
        queue, tried = [url], set()
        while queue and len(pages) < wanted and len(tried) < wanted * _MAX_TRIES + 1:
            target = queue.pop(0)
            if target in tried:
                continue
            tried.add(target)
            result = await fetcher.fetch(target)
            log(f"  {result.outcome:<18} {target}")
            if not result.ok or "html" not in (result.content_type or "html"):
                continue
            text, _ = decode_body(result.body, result.content_type)
            page = _Page(result.final_url, result.body, result.content_type,
                         datetime.now(UTC).isoformat(timespec="seconds"), text)
            page.truth = _extract(page, None)
            if page.truth.is_article:
                pages.append(page)
            if target == url:  # the start page: its links lead to the articles
                links = page_links(LexborHTMLParser(text), result.final_url)
                queue += [u for u in links if urlsplit(u).netloc.lower() == host
                          and looks_like_article_url(u, result.final_url) and u != url]
    return pages


def _toml(value: Any) -> str:
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)  # a TOML basic string


def _render(name: str, url: str, delay: float, draft: Draft) -> str:
    today = datetime.now(UTC).date().isoformat()
    lines = [f"# Drafted by `newsarchive sites new {name} {url}` on {today} from "
             f"{len(draft.pages)} pages:"] + [f"#   {u}" for u in draft.pages] + [
        f"# Detected preset {draft.preset!r}: {draft.evidence}.",
        "# Review before the first crawl; each key says what it was inferred from, and",
        f"# `newsarchive sites test {name}` checks the saved pages (fixtures) still extract",
        "# the same way.",
        f"name = {_toml(name)}", f"extends = {_toml(draft.preset)}", f"start_urls = {_toml([url])}"]
    if draft.widgets:
        lines += ["# The generic detection also finds the widgets not described below.",
                  "detect_widgets = true"]
    lines += ["", "[politeness]", f"delay = {_toml(float(delay))}", "", "[selectors]"]
    for key, why in draft.inherited.items():
        lines.append(f"# {key}: {why}")
    for key, (css, why) in draft.selectors.items():
        lines += [f"# {why}", f"{key} = {_toml(css)}"]
    for spec, why in draft.widgets:
        lines += ["", "[[widgets]]", f"# {why}"] + [f"{k} = {_toml(v)}" for k, v in spec.items()]
    return "\n".join(lines) + "\n"


async def draft_site(name: str, url: str, config_dir: Path, *, pages: int = 5,
                     delay: float = 1.0, settings: FetchSettings | None = None,
                     overwrite: bool = False,
                     log: Callable[[str], None] = lambda _: None) -> Draft:
    """Draft ``config_dir/sites/NAME.toml`` from up to ``pages`` article pages reached from
    ``url``, with those pages as its fixtures. ConfigError when the name is taken or bad, or
    no article page could be fetched."""
    if not _NAME.match(name):
        raise ConfigError(f"site name {name!r}: use lower-case letters, digits, - and _")
    path = config_dir / "sites" / f"{name}.toml"
    if path.exists() and not overwrite:
        raise ConfigError(f"{path} exists already (give --force to replace it)")
    probe = site_from_dict({"name": name, "start_urls": [url], "politeness": {"delay": delay}},
                           str(path))
    found = await _fetch_pages(probe, url, pages, settings, log)
    if not found:
        raise ConfigError(f"no article page found at {url} or among the pages it links to")
    detections = [detect_preset(page.tree()) for page in found]
    preset, count = Counter(d.preset for d in detections).most_common(1)[0]
    evidence = next(d for d in detections if d.preset == preset).evidence
    draft = Draft(path, preset, f"{'; '.join(evidence)} (on {count} of {len(found)} pages)",
                  [page.url for page in found])
    base = site_from_dict({"name": name, "extends": preset, "start_urls": [url]})
    needed = max(1, round(_AGREEMENT * len(found)))
    for key in ("title", "section", "authors", "published", "tags", "lead", "body"):
        if key in base.selectors:
            ok = sum(1 for page in found if _inherited(page, base, key))
            if ok >= needed:
                draft.inherited[key] = f"the preset's selector reads it on {ok} of {len(found)}"
                continue
        css, score = _infer_field(found, key, name)
        if css and score >= needed:
            source = {"title": "the JSON-LD/OpenGraph headline", "body": "the text the generic "
                      "extractor found", "published": "the published date of the page's "
                      "metadata", "authors": "the author the page's metadata names"}.get(
                key, f"the {key} of the page's metadata")
            draft.selectors[key] = (css, f"{key}: its text is {source} on {score} of "
                                         f"{len(found)} pages")
    if not base.widgets:
        draft.widgets = _infer_widgets(found)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_render(name, url, delay, draft), "utf-8")
    site = load_site(path)  # what `sites --check` does: a draft it refuses is a bug
    for page in found:
        draft.fixtures.append(save_fixture(site, page.url, page.body, page.content_type,
                                           page.fetched))
    return draft
