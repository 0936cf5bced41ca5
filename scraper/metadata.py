"""Generic metadata: what a page says about itself, before any heuristic guesses.

Sources, in the order they are trusted: JSON-LD (including Yoast's ``@graph``), OpenGraph
and ``article:*`` properties, plain ``<meta>`` tags, microdata (``itemprop``) and ``<time>``.
``page_metadata`` returns, for each Article field, a list of ``(value, source)`` candidates
so that the caller can take the first one and record where it came from.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from selectolax.lexbor import LexborHTMLParser

__all__ = ["ARTICLE_TYPES", "page_metadata", "clean_authors", "clean_title", "normalise_date"]

ARTICLE_TYPES = frozenset(
    {
        "Article", "NewsArticle", "BlogPosting", "ReportageNews", "AnalysisNewsArticle",
        "OpinionNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle", "Report",
        "ScholarlyArticle", "LiveBlogPosting", "TechArticle", "SocialMediaPosting",
    }
)
_DATE_META = (
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
    "publish-date", "publish_date", "date", "dc.date", "dc.date.issued", "dcterms.created",
    "parsely-pub-date", "sailthru.date", "cxenseparse:recs:publishtime", "article.published",
)
_MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified")
_BY_PREFIX = re.compile(r"^\s*(?:by|von|par|por|door|di)\s*[:\s]\s*", re.I)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&|\bund\b|\bet\b|\by\b)\s*", re.I)
_DATEISH = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\b\d{4}\b|\b(?:updated|published)\b", re.I)


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type", [])
    return set(value if isinstance(value, list) else [value])


def _jsonld_nodes(tree: LexborHTMLParser) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, with ``@graph`` and top-level lists flattened."""
    nodes: list[dict[str, Any]] = []
    for script in tree.css('script[type="application/ld+json"]'):
        try:
            data = json.loads(script.text(deep=True) or "null")
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(reversed(graph))
                if "@type" in item:
                    nodes.append(item)
    return nodes


def _names(value: Any, by_id: dict[str, dict[str, Any]]) -> list[str]:
    """Names of a JSON-LD person/organisation reference, a list of them, or a plain string."""
    if isinstance(value, list):
        return [n for v in value for n in _names(v, by_id)]
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        if "name" not in value and value.get("@id") in by_id:
            value = by_id[value["@id"]]
        name = value.get("name")
        return [name] if isinstance(name, str) else []
    return []


def _jsonld(tree: LexborHTMLParser, out: dict[str, list[tuple[Any, str]]]) -> None:
    nodes = _jsonld_nodes(tree)
    by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}
    for node in nodes:
        types = _types(node)
        if "BreadcrumbList" in types:
            items = node.get("itemListElement") or []
            names = [
                (i.get("name") or (i.get("item") or {}).get("name"))
                for i in items if isinstance(i, dict) and isinstance(i.get("item", {}), dict)
            ]
            if len(names) >= 3 and isinstance(names[-2], str):
                out["section"].append((names[-2], "json-ld-breadcrumb"))
        if "WebSite" in types and isinstance(node.get("name"), str):
            out["site_name"].append((node["name"], "json-ld"))
        if not types & ARTICLE_TYPES:
            continue
        out["is_article"].append((True, "json-ld"))
        for field, key in (("title", "headline"), ("published", "datePublished"),
                           ("modified", "dateModified"), ("lead", "description"),
                           ("language", "inLanguage"), ("text", "articleBody")):
            if isinstance(node.get(key), str) and node[key].strip():
                out[field].append((node[key].strip(), "json-ld"))
        section = node.get("articleSection")
        if isinstance(section, list):
            section = next((s for s in section if isinstance(s, str)), None)
        if isinstance(section, str) and section.strip():
            out["section"].append((section.strip(), "json-ld"))
        keywords = node.get("keywords")
        if isinstance(keywords, str):
            keywords = [k for k in keywords.split(",")]
        if isinstance(keywords, list) and keywords:
            out["tags"].append(([str(k).strip() for k in keywords if str(k).strip()], "json-ld"))
        authors = _names(node.get("author"), by_id)
        if authors:
            out["authors"].append((authors, "json-ld"))
        image = node.get("image")
        if isinstance(image, dict) and image.get("@id") in by_id:
            image = by_id[image["@id"]]
        if isinstance(image, list) and image:
            image = image[0]
        if isinstance(image, dict):
            image = image.get("url")
        if isinstance(image, str):
            out["image"].append((image, "json-ld"))


def _meta(tree: LexborHTMLParser, out: dict[str, list[tuple[Any, str]]]) -> None:
    props: dict[str, list[str]] = defaultdict(list)
    for meta in tree.css("meta[content]"):
        key = (meta.attributes.get("property") or meta.attributes.get("name") or
               meta.attributes.get("itemprop") or "").strip().lower()
        content = (meta.attributes.get("content") or "").strip()
        if key and content:
            props[key].append(content)
    og = "opengraph"
    if props.get("og:type", [""])[0].lower() == "article":
        out["is_article"].append((True, og))
    for field, keys, source in (
        ("title", ("og:title", "twitter:title"), og),
        ("lead", ("og:description", "description", "twitter:description"), og),
        ("image", ("og:image", "twitter:image"), og),
        ("section", ("article:section",), og),
        ("published", _DATE_META, "meta"),
        ("modified", _MODIFIED_META, "meta"),
        ("canonical_url", ("og:url",), og),
    ):
        for key in keys:
            if props.get(key):
                out[field].append((props[key][0], "meta" if key == "description" else source))
    if props.get("og:site_name"):
        out["site_name"].append((props["og:site_name"][0], og))
    if props.get("article:tag"):
        out["tags"].append((props["article:tag"], og))
    for key in ("news_keywords", "keywords"):
        if props.get(key):
            out["tags"].append(([k.strip() for k in props[key][0].split(",")], "meta"))
    authors = [a for a in props.get("author", []) + props.get("article:author", [])
               if not a.startswith(("http://", "https://"))]
    if authors:
        out["authors"].append((authors, "meta"))
    labels = {k: v[0] for k, v in props.items() if k.startswith("twitter:label")}
    for key, label in labels.items():
        data = props.get(key.replace("label", "data"))
        if label.lower() in ("written by", "author") and data:
            out["authors"].append(([data[0]], "meta"))
    if props.get("og:locale"):
        out["language"].append((props["og:locale"][0].replace("_", "-"), og))


def _microdata(tree: LexborHTMLParser, out: dict[str, list[tuple[Any, str]]]) -> None:
    for prop, field in (("datePublished", "published"), ("dateModified", "modified")):
        node = tree.css_first(f'[itemprop="{prop}"]')
        if node is not None:
            value = node.attributes.get("content") or node.attributes.get("datetime")
            if value:
                out[field].append((value.strip(), "microdata"))
    node = tree.css_first('[itemprop="author"] [itemprop="name"]')
    if node is not None:
        name = node.attributes.get("content") or node.text(deep=True)
        if name and name.strip():
            out["authors"].append(([name.strip()], "microdata"))
    node = tree.css_first("time[datetime]")
    if node is not None:
        out["published"].append((node.attributes["datetime"].strip(), "time"))


def page_metadata(tree: LexborHTMLParser) -> dict[str, list[tuple[Any, str]]]:
    """Candidates per field, most trusted first: JSON-LD, OpenGraph/meta, microdata, <time>."""
    out: dict[str, list[tuple[Any, str]]] = defaultdict(list)
    _jsonld(tree, out)
    _meta(tree, out)
    _microdata(tree, out)
    link = tree.css_first('link[rel="canonical"][href]')
    if link is not None:
        out["canonical_url"].insert(0, (link.attributes["href"].strip(), "link-canonical"))
    amp = tree.css_first('link[rel="amphtml"][href]')
    if amp is not None:
        out["amphtml_url"].append((amp.attributes["href"].strip(), "link-amphtml"))
    html = tree.css_first("html")
    if html is not None and html.attributes.get("lang"):
        out["language"].insert(0, (html.attributes["lang"].strip(), "html-lang"))
    title = tree.css_first("title")
    if title is not None and title.text(deep=True).strip():
        out["html_title"].append((title.text(deep=True).strip(), "title"))
    return out


def clean_title(title: str, site_name: str | None = None) -> str:
    """Drop a " - Site Name" / " | Site Name" suffix, the way <title> and og:title carry it."""
    title = " ".join(title.split())
    if site_name:
        for sep in (" - ", " | ", " – ", " — ", " :: ", " · "):
            suffix = f"{sep}{site_name}"
            if title.endswith(suffix) and len(title) > len(suffix):
                return title[: -len(suffix)].strip()
    return title


def clean_authors(names: list[str]) -> list[str]:
    """A byline as a list of names: no "By", no dates, no @handles or URLs, no duplicates."""
    result: list[str] = []
    for raw in names:
        raw = _BY_PREFIX.sub("", " ".join(raw.split()))
        for name in _AUTHOR_SPLIT.split(raw):
            name = name.strip(" -|·–—:")
            if (not name or name.startswith("@") or "://" in name or _DATEISH.search(name)
                    or len(name) > 80):
                continue
            if name.lower() not in {r.lower() for r in result}:
                result.append(name)
    return result


def normalise_date(value: str, now: datetime | None = None) -> tuple[str, str | None]:
    """ISO 8601 form of ``value`` and a warning when it is unparsable or in the future.

    An unparsable or future value is returned unchanged with the warning: flagged, never
    silently replaced by another date.
    """
    raw = value.strip()
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return raw, f"unparsable date {raw!r}"
    aware = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if aware > (now or datetime.now(UTC)):
        return parsed.isoformat(), f"date {raw!r} is in the future"
    return parsed.isoformat(), None
