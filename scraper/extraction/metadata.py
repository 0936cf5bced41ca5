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
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .authors import is_byline_label
from .dates import parse_date
from .pagedates import stamp_kind
from .tags import tag_ids

__all__ = ["ARTICLE_TYPES", "jsonld_article_body", "jsonld_objects", "page_metadata"]

ARTICLE_TYPES = frozenset(
    {
        "Article", "NewsArticle", "BlogPosting", "ReportageNews", "AnalysisNewsArticle",
        "OpinionNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle", "Report",
        "ScholarlyArticle", "LiveBlogPosting", "TechArticle", "SocialMediaPosting",
    }
)
_DATE_META = (
    "article:published_time", "og:published_time", "og:article:published_time",
    "datepublished", "pubdate", "publishdate", "publish-date", "publish_date",
    "date_published", "publication_date", "date", "dc.date", "dc.date.issued",
    "dc.date.created", "dcterms.created", "dcterms.issued", "dcterms.date",
    "citation_publication_date", "citation_online_date", "citation_date",
    "prism.publicationdate", "parsely-pub-date", "sailthru.date",
    "cxenseparse:recs:publishtime", "article.published",
    # RDFa on any element (Drupal's schema.org mapping)
    "schema:datepublished", "schema:datecreated", "dc:date", "dc:created", "dcterms:created",
    # the keys htmldate's own tests name beside these: Dublin Core's issue date, a Korean
    # CMS's registration date, and others' original publication dates
    "dc.issued", "og:regdate",
    "originalpublicationdate", "article_date_original", "rnews:datepublished",
)
# Meta keys naming the author: HTML's own, OpenGraph's (and the unofficial og:author),
# scholarly citations (Highwire), Dublin Core, Parse.ly, Sailthru, the New York Times's "byl".
_AUTHOR_META = ("author", "article:author", "og:author", "citation_author", "dc.creator",
                "dc:creator", "parsely-author", "sailthru.author", "byl")
_PAGE_TYPES = frozenset({"WebPage", "ItemPage", "AboutPage", "CollectionPage", "Product",
                         "Event", "Recipe", "VideoObject", "CreativeWork"})
_MODIFIED_META = ("article:modified_time", "og:updated_time", "og:article:modified_time",
                  "datemodified", "dcterms.modified", "dc.date.modified", "schema:datemodified",
                  "dcterms:modified", "dc:modified", "last-modified", "lastmodified",
                  "dateupdate", "dateupdated", "dc.modified")
_JSONLD = 'script[type="application/ld+json"]'
_METADATA_SELECTOR = (
    f":is({_JSONLD}, meta[content], [itemprop], time[datetime], link[rel][href], title, "
    "[property][content], abbr[title], abbr[data-utime])")  # a bare [data-utime]: +0.3 ms
_SCRIPT, _META, _LINK = tag_ids("script"), tag_ids("meta"), tag_ids("link")
_TIME, _TITLE, _ABBR = tag_ids("time"), tag_ids("title"), tag_ids("abbr")
_SVG, _PAGE_ROOTS = tag_ids("svg"), tag_ids("head", "body", "html")
_MAX_SVG_DEPTH = 32  # levels climbed from a <title> looking for the <svg> it may sit in


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type", [])
    return set(value if isinstance(value, list) else [value])


_DECODER = json.JSONDecoder(strict=False)
# The wrappers templates put around a script's JSON ("<!-- ... -->", "/* <![CDATA[ */") and
# the trailing commas they leave before a closing bracket.
_WRAPPER = re.compile(r"^\s*(?:<!--|/\*\s*<!\[CDATA\[\s*\*/|<!\[CDATA\[)|"
                      r"(?:-->|/\*\s*\]\]>\s*\*/|\]\]>)\s*$")
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def _lenient_json(text: str) -> list[Any]:
    """The JSON values of a script as templates write them: with raw line breaks and tabs
    inside strings (``strict=False``), two objects one after the other, a comment wrapper,
    a trailing comma. Of the dev sets' 944 JSON-LD scripts, 10 needed this (their authors,
    dates and bodies were lost); nothing is guessed beyond it."""
    try:
        return [_DECODER.decode(text)]  # the valid script: one C call
    except ValueError:
        pass
    for attempt in (text, _TRAILING_COMMA.sub(r"\1", _WRAPPER.sub("", text))):
        values, at, end = [], 0, len(attempt)
        try:
            while True:
                while at < end and attempt[at].isspace():
                    at += 1
                if at >= end:
                    return values
                value, at = _DECODER.raw_decode(attempt, at)
                values.append(value)
        except ValueError:
            if values:
                return values
    return []


def _jsonld_nodes(scripts: list[LexborNode]) -> list[dict[str, Any]]:
    """Every JSON-LD object of ``scripts``, with ``@graph`` and top-level lists flattened."""
    nodes: list[dict[str, Any]] = []
    for script in scripts:
        stack = _lenient_json(script.text(deep=True) or "")[::-1]
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
                elif _CAMBRIAN in str(item.get("@context")):
                    nodes.append(_from_cambrian(item))
    return nodes


# Baidu's "Cambrian" JSON-LD, on Chinese news sites' article pages (GNE's test pages of
# gamersky, among others): a context of its own, no @type, its own keys for the headline
# and the dates.
_CAMBRIAN = "zhanzhang.baidu.com/contexts/cambrian.jsonld"
_CAMBRIAN_KEYS = {"title": "headline", "pubDate": "datePublished", "upDate": "dateModified",
                  "description": "description"}


def _from_cambrian(item: dict[str, Any]) -> dict[str, Any]:
    """A Cambrian object in schema.org's terms: an Article with its headline and dates."""
    node: dict[str, Any] = {"@type": "Article"}
    for key, schema_key in _CAMBRIAN_KEYS.items():
        if key in item:
            node[schema_key] = item[key]
    return node


def jsonld_objects(tree: LexborHTMLParser) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page that names its ``@type``."""
    return _jsonld_nodes(tree.css(_JSONLD))


def jsonld_article_body(tree: LexborHTMLParser) -> str | None:
    """The ``articleBody`` of the page's JSON-LD article, without the rest of the metadata."""
    for node in _jsonld_nodes(tree.css(_JSONLD)):
        body = node.get("articleBody")
        if _types(node) & ARTICLE_TYPES and isinstance(body, str) and body.strip():
            return body.strip()
    return None


def _names(value: Any, by_id: dict[str, dict[str, Any]], strings: bool = True) -> list[str]:
    """Names of a JSON-LD person/organisation reference, a list of them, or a plain string
    (unless not ``strings``)."""
    if isinstance(value, list):
        return [n for v in value for n in _names(v, by_id, strings)]
    if isinstance(value, str):
        return [value] if strings else []
    if isinstance(value, dict):
        if "name" not in value and value.get("@id") in by_id:
            value = by_id[value["@id"]]
        name = value.get("name")
        return [name] if isinstance(name, str) else []
    return []


def _organisations(value: Any, by_id: dict[str, dict[str, Any]]) -> bool:
    """Whether a JSON-LD author reference names organisations only (``@type``
    Organization or NewsMediaOrganization, one or a list)."""
    items = value if isinstance(value, list) else [value]
    types = []
    for item in items:
        if not isinstance(item, dict):
            return False
        if "@type" not in item and item.get("@id") in by_id:
            item = by_id[item["@id"]]
        types.append(_types(item))
    return bool(types) and all(t & {"Organization", "NewsMediaOrganization"} for t in types)


def _jsonld(scripts: list[LexborNode], out: dict[str, list[tuple[Any, str]]]) -> None:
    nodes = _jsonld_nodes(scripts)
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
            if types & _PAGE_TYPES:  # Yoast's WebPage dates a page that has no Article node
                for field, key in (("page_published", "datePublished"),
                                   ("page_modified", "dateModified")):
                    if isinstance(node.get(key), str) and node[key].strip():
                        out[field].append((node[key].strip(), "json-ld-page"))
                # and names its author, a Person of the graph (a bare string is a URL there)
                if authors := _names(node.get("author"), by_id, strings=False):
                    out["page_authors"].append((authors, "json-ld-page"))
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
            # an organisation named as the author gives way to a person the page shows
            organisations = _organisations(node.get("author"), by_id)
            out["org_authors" if organisations else "authors"].append((authors, "json-ld"))
        publisher = node.get("publisher")
        if isinstance(publisher, dict) and "name" not in publisher:
            publisher = by_id.get(publisher.get("@id"), publisher)
        if not (isinstance(publisher, dict) and "Person" in _types(publisher)):
            for name in _names(publisher, by_id):  # a blog's publisher is its author
                out["publisher"].append((name, "json-ld"))
        image = node.get("image")
        if isinstance(image, dict) and image.get("@id") in by_id:
            image = by_id[image["@id"]]
        if isinstance(image, list) and image:
            image = image[0]
        if isinstance(image, dict):
            image = image.get("url")
        if isinstance(image, str):
            out["image"].append((image, "json-ld"))


def _meta(metas: list[dict[str, str | None]], out: dict[str, list[tuple[Any, str]]]) -> None:
    """``metas``: the attributes of each ``<meta>`` (or RDFa) element.

    A value holding an unescaped quote ends there, and the rest of it becomes attribute
    names with quotes in them (NetEase: ``content="奖金711万元！" 中国诺贝尔奖"首位..."=""``):
    such an element's value is a fragment, not read."""
    props: dict[str, list[str]] = defaultdict(list)
    for attrs in metas:
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or
               attrs.get("http-equiv") or "").strip().lower()
        # microdata on a <meta> may give its date as ``datetime`` (as <time> does)
        content = (attrs.get("content") or attrs.get("datetime") or "").strip()
        if key and content and not any('"' in name for name in attrs):
            props[key].append(content)  # (a quote in a name: a value cut at a quote, below)
    og = "opengraph"
    if props.get("og:type", [""])[0].lower() == "article":
        out["is_article"].append((True, og))
    for field, keys, source in (
        ("title", ("og:title", "twitter:title", "dc.title", "headline"), og),
        ("lead", ("og:description", "description", "twitter:description", "dc.description"),
         og),
        ("image", ("og:image", "twitter:image"), og),
        ("section", ("article:section",), og),
        ("published", _DATE_META, "meta"),
        ("modified", _MODIFIED_META, "meta"),
        ("canonical_url", ("og:url",), og),
    ):
        for key in keys:
            if props.get(key):
                opengraph = key.startswith(("og:", "twitter:", "article:"))
                out[field].append((props[key][0], source if opengraph else "meta"))
    if props.get("og:site_name"):
        out["site_name"].append((props["og:site_name"][0], og))
    if props.get("article:tag"):
        out["tags"].append((props["article:tag"], og))
    for key in ("news_keywords", "keywords"):
        if props.get(key):
            out["tags"].append(([k.strip() for k in props[key][0].split(",")], "meta"))
    authors = [a for key in _AUTHOR_META for a in props.get(key, [])
               if not a.startswith(("http://", "https://"))]
    if authors:
        out["authors"].append((authors, "meta"))
    labels = {k: v[0] for k, v in props.items() if k.startswith("twitter:label")}
    for key, label in labels.items():
        data = props.get(key.replace("label", "data"))
        if data and is_byline_label(label):
            out["authors"].append(([data[0]], "meta"))
    for key, source in (("og:locale", og), ("content-language", "meta"), ("language", "meta"),
                        ("dc.language", "meta")):
        if props.get(key):
            out["language"].append((props[key][0], source))


def _stamp(node: LexborNode, attrs: dict[str, str | None], firsts: dict[str, Any]) -> None:
    """Record a ``<time datetime>`` or an ``<abbr>`` stamp (hAtom's ``class="published"
    title=...``, a ``data-utime`` Unix time) in ``firsts``: the first whose class names the
    publication, the first whose class names an update (the modified date, never the
    publication's), and the first unclassed one (the publication's when no classed one is)."""
    if node.tag_id in _TIME:
        value = attrs.get("datetime")
    else:  # an <abbr>'s title is mostly an expansion ("WHO"): a date only if it reads as one
        value = attrs.get("data-utime") or attrs.get("title")
        if value and parse_date(value) is None:
            return
    if not value or not value.strip():
        return
    kind = stamp_kind(attrs)
    firsts.setdefault(f"{kind}-stamp" if kind else "time", value)


def _microdata(tree: LexborHTMLParser, items: dict[str, LexborNode], firsts: dict[str, Any],
               out: dict[str, list[tuple[Any, str]]]) -> None:
    for prop, field in (("datePublished", "published"), ("dateModified", "modified")):
        node = items.get(prop)
        if node is not None:
            value = node.attrs.get("content") or node.attrs.get("datetime")
            if value:
                out[field].append((value.strip(), "microdata"))
    author = items.get("author")
    node = author.css_first('[itemprop="name"]') if author is not None else None
    if node is not None:
        name = node.attrs.get("content") or node.text(deep=True)
        if name and name.strip():
            out["authors"].append(([name.strip()], "microdata"))
    for key, field in (("published-stamp", "published"), ("time", "published"),
                       ("modified-stamp", "modified")):
        if key in firsts:
            out[field].append((firsts[key].strip(), "time"))


def _in_svg(node: LexborNode) -> bool:
    """Whether a ``<title>`` names a drawing (an SVG icon's tooltip), not the page."""
    node = node.parent
    for _ in range(_MAX_SVG_DEPTH):
        if node is None or node.tag_id in _PAGE_ROOTS:
            return False
        if node.tag_id in _SVG:
            return True
        node = node.parent
    return False


def page_metadata(tree: LexborHTMLParser) -> dict[str, list[tuple[Any, str]]]:
    """Candidates per field, most trusted first: JSON-LD, OpenGraph/meta, microdata, <time>.

    One CSS query collects every element that carries metadata: each query walks the whole
    page, and ten separate ones were most of this function's time.
    """
    scripts, metas = [], []
    items: dict[str, LexborNode] = {}
    firsts: dict[str, Any] = {}
    for node in tree.css(_METADATA_SELECTOR):
        tag = node.tag_id  # an int: the name is a new str on every read
        if tag in _SCRIPT:
            scripts.append(node)
            continue
        attrs = node.attributes  # one dict: cheaper than the three to five look-ups, most misses
        if tag in _META or attrs.get("property"):
            metas.append(attrs)  # RDFa sets property/content on any element
        if (prop := attrs.get("itemprop")) and prop not in items:
            items[prop] = node
        if tag in _LINK:
            firsts.setdefault(f"link:{(attrs.get('rel') or '').lower()}", node)
        elif tag in _TITLE and "title" not in firsts and not _in_svg(node):
            firsts["title"] = node  # in <body> too: text before <!DOCTYPE> (a PHP warning)
            # moves the whole head there
        elif tag in _TIME or tag in _ABBR:
            _stamp(node, attrs, firsts)
    out: dict[str, list[tuple[Any, str]]] = defaultdict(list)
    _jsonld(scripts, out)
    _meta(metas, out)
    _microdata(tree, items, firsts, out)
    for key, field, source in (("link:canonical", "canonical_url", "link-canonical"),
                               ("link:amphtml", "amphtml_url", "link-amphtml")):
        if key in firsts and (href := (firsts[key].attrs.get("href") or "").strip()):
            out[field].insert(0, (href, source))
    root = tree.root
    if root is not None and (lang := (root.attrs.get("lang") or "").strip()):
        out["language"].insert(0, (lang, "html-lang"))
    if "title" in firsts and (title := firsts["title"].text(deep=True).strip()):
        out["html_title"].append((title, "title"))
    return out
