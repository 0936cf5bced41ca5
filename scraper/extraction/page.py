"""Parse step: one HTML page -> one Article.

The site adapter (the site file's selectors and widgets) is tried first, field by field;
any field it does not give, or whose selector matches nothing, falls back to the generic
extractor (page metadata, then heuristics). ``Article.sources`` records which one gave
each field, and a selector that matched nothing leaves a warning, which is how a crawl
notices that a site changed its layout.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..article import Article
from ..urls import absolute_url
from .authors import clean_authors
from .blocks import DENSE_SCRIPT, ENDS_SENTENCE, Block, walk
from .body import main_text, remove_nodes
from .bylines import byline, credit_line
from .dates import normalise_date
from .detect import page_adapter
from .fallback import fallback_body
from .language import detect_language, normalise_language
from .metadata import jsonld_article_body, page_metadata
from .pagedates import page_dates
from .pruning import BOILERPLATE_TAGS
from .reconcile import primary_sections, reconcile
from .titles import (
    clean_title,
    fallback_title,
    headline,
    names_site,
    node_text,
    shown_title,
    site_label,
    titled_heading,
)
from .widgets import configured_widgets, detect_widgets

if TYPE_CHECKING:  # an extraction-only process never loads the site-file layer (see _decode)
    from ..config import SiteConfig

__all__ = ["extract", "extract_text", "extract_tree"]

_MIN_ARTICLE_CHARS = 400  # generic pages with no article markup need this much body text
# JSON-LD articleBody replaces the DOM text only when the DOM text is this much shorter:
# the DOM keeps paragraph breaks the JSON often lacks (scrapinghub: 0-0.8 give the same F1,
# so the value guards pages the benchmark lacks: paywalled teasers, script-built bodies).
_JSONLD_PREFERRED = 0.6
_MARKUP = re.compile(r"</?[a-z][a-z0-9]*[\s>/]|&(?:lt|gt|hellip|nbsp|amp);", re.I)
_SKIP = frozenset(BOILERPLATE_TAGS)
_INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")  # soft hyphen, zero-width space, joiners
_MAX_BIO = 600  # characters: a bio after the story is a few lines (the dev sets': 76-237)
_MIN_LEAD_STEM = 30  # shorter common starts ("The president said") are not a copy
_DATE_ATTRS = ("datetime", "content", "data-datetime", "data-date")
# Fields every article page of a site has; a selector for one of them that matches nothing
# is worth a warning (tags, lead or modified are often absent on perfectly fine pages).
_EXPECTED_ON_EVERY_ARTICLE = frozenset({"title", "section", "authors", "published", "body"})


def _select(tree: LexborHTMLParser, selector: str | tuple[str, ...] | None,
            many: bool = False) -> Any:
    """Text of the first match (or of every match when ``many``); None when nothing matches.
    A tuple of selectors is tried in order."""
    if isinstance(selector, tuple):
        return next((found for s in selector if (found := _select(tree, s, many))), None)
    if not selector:
        return None
    nodes = tree.css(selector)
    if not nodes:
        return None
    if many:
        texts = [t for n in nodes if (t := node_text(n))]
        return list(dict.fromkeys(texts)) or None
    for node in nodes[:1]:
        for attr in _DATE_ATTRS if _is_date_selector(selector) else ():
            if node.attributes.get(attr):
                return node.attributes[attr].strip()
        return node_text(node) or None
    return None


def _alternatives(selector: str | tuple[str, ...] | None) -> tuple[str, ...]:
    return selector if isinstance(selector, tuple) else (selector,) if selector else ()


def _is_date_selector(selector: str) -> bool:
    return bool(re.search(r"time|date", selector, re.I))


def _first(candidates: list[tuple[Any, str]]) -> tuple[Any, str] | tuple[None, None]:
    for value, source in candidates:
        if value:
            return value, source
    return None, None


def extract(html: str | bytes, url: str | None = None, site: SiteConfig | None = None,
            content_type: str | None = None, fetched: str | None = None) -> Article:
    """Extract one page. ``html`` may be bytes (decoded by BOM, header, <meta>, detection);
    ``fetched`` (ISO) picks the site's layout version (detect.page_adapter).

    Never raises for what a page contains: a page that cannot be extracted comes back as
    an empty Article (not an article) whose warnings say why, the way the crawl records
    a ``parse_error`` outcome with its reason.
    """
    try:
        if isinstance(html, bytes):
            html = _decode(html, content_type)
        return extract_tree(LexborHTMLParser(html), url, site, fetched)
    except Exception as error:  # noqa: BLE001 - bad input is an outcome, not a crash
        article = Article(url=url)
        article.warnings.append(f"extraction failed: {type(error).__name__}: {error}")
        return article


def extract_tree(tree: LexborHTMLParser, url: str | None = None,
                 site: SiteConfig | None = None, fetched: str | None = None) -> Article:
    """Extract from an already parsed page (the crawler parses once for links and article).

    The tree is modified (dropped elements are removed): read links from it first.
    """
    meta = page_metadata(tree)
    site, adapter = page_adapter(tree, site, meta, url, fetched)
    selectors = site.selectors if site else {}
    first = site.metadata_first if site else ()
    article = Article(url=url, adapter=adapter)
    sources = article.sources

    def choose(field: str, selected: Any, fallback: list[tuple[Any, str]]) -> Any:
        if field in selectors:
            if selected and field not in first:
                sources[field] = "selector"
                return selected
            if not selected and field in _EXPECTED_ON_EVERY_ARTICLE:
                article.selector_misses.append(field)
                article.warnings.append(f"selector {field}={selectors[field]!r} matched nothing")
        value, source = _first(fallback)
        if value:
            sources[field] = source
        elif selected:  # metadata_first, and the page has no metadata for it
            value, sources[field] = selected, "selector"
        return value

    site_name, _ = _first(meta.get("site_name", []))
    article.section = choose("section", _select(tree, selectors.get("section")),
                             primary_sections(tree, meta.get("section", [])))
    h1_node = tree.css_first("h1")
    if not meta.get("title") and meta.get("html_title"):
        h1_node = titled_heading(tree, h1_node, meta["html_title"][0][0])
    h1 = node_text(h1_node) if h1_node is not None else None
    decorated = meta.get("title", []) + ([(h1, "h1")] if h1 else []) + meta.get("html_title", [])
    if not decorated and (named := fallback_title(tree)):
        decorated = [(named, "heading")]
    article.title = choose("title", _select(tree, selectors.get("title")), [
        (clean_title(v, site_name, article.section, h1, site_label(url)), s)
        for v, s in decorated])
    h1_node = headline(tree, h1_node, article.title)
    if h1_node is not None and article.title and "title" not in selectors:
        article.title = shown_title(article.title, h1_node)
    # an organisation the metadata names as the author comes after a person the page shows
    authors = choose("authors", _select(tree, selectors.get("authors"), many=True),
                     meta.get("authors", []) + meta.get("page_authors", []))
    not_authors = (site_name, _first(meta.get("publisher", []))[0], _host_name(url))
    article.authors = clean_authors(authors or [], not_authors)
    if not article.authors and "authors" not in selectors:
        source = sources.pop("authors", None)
        article.authors = clean_authors(byline(tree, h1_node), not_authors)
        organisations, organisations_source = _first(meta.get("org_authors", []))
        if article.authors:
            sources["authors"] = "byline"
        elif credited := credit_line(tree, article.title):
            article.authors, sources["authors"] = credited, "byline"
        elif organisations and (named := clean_authors(organisations)):
            article.authors, sources["authors"] = named, organisations_source
        elif authors and source and (site_authors := clean_authors(authors)):
            # no byline either: the site's own name is the author, as its metadata says
            article.authors, sources["authors"] = site_authors, source
    dates = page_dates(tree, meta, url, _first(meta.get("html_title", []))[0],
                       _first(meta.get("language", []))[0], article.title, h1_node)
    for field in ("published", "modified"):
        value, source, warnings = dates[field]
        selected = _select(tree, selectors.get(field))
        if selected:
            value, warning = normalise_date(selected)
            warnings = [warning] if warning else []
        value = choose(field, value if selected else None, [(value, source or "")])
        article.warnings += [f"{field}: {w}" for w in warnings]
        setattr(article, field, value)
    tags = choose("tags", _select(tree, selectors.get("tags"), many=True), meta.get("tags", []))
    article.tags = list(dict.fromkeys(t for t in tags or [] if t))
    article.lead = choose("lead", _select(tree, selectors.get("lead")), meta.get("lead", []))
    declared = meta.get("language", []) + ([(site.language, "site")] if site and site.language
                                           else [])
    article.language = choose("language", None, [(normalise_language(v), s) for v, s in declared])
    for field in ("canonical_url", "amphtml_url", "image"):
        value, source = _first(meta.get(field, []))
        if value and url:
            value = absolute_url(value, url)
        if value:
            setattr(article, field, value)
            sources[field] = source

    body = next((node for css in _alternatives(selectors.get("body"))
                 if (node := tree.css_first(css)) is not None), None)
    if selectors.get("body") and body is None:
        article.selector_misses.append("body")
        article.warnings.append(f"selector body={selectors['body']!r} matched nothing")

    base = url or ""
    if site and site.widgets:
        article.links = configured_widgets(tree, site.widgets, base, site.detect_widgets)
        sources["links"] = "selector"
    else:
        article.links = detect_widgets(tree, url, h1_node)
        sources["links"] = "heuristic"

    if body is not None:
        drops = [n for selector in (site.drop if site else ()) for n in body.css(selector)
                 if n.mem_id != body.mem_id]  # Lexbor's node.css() matches the node too
        remove_nodes(body, drops + body.css(", ".join(BOILERPLATE_TAGS)))
        blocks, body_source = walk(body, _SKIP), "selector"
    else:
        blocks, body_source = generic_text(tree, _first(meta.get("text", []))[0], h1_node)
    if not blocks and (complete := _complete_jsonld_body(_first(meta.get("text", []))[0])):
        blocks, body_source = complete, "json-ld"
    blocks, article.lead = _standfirst(blocks, article.lead)
    blocks = _without_author_bio(_without_headline(blocks, article.title), article.authors)
    if article.lead and _says_nothing(article.lead, article.title, url, site_name):
        article.lead = None
    if article.lead is None:
        sources.pop("lead", None)  # dropped above: no source gave the field
    article.text = "\n\n".join(block.text for block in blocks)
    article.blocks = [block.kind for block in blocks]
    if blocks:
        sources["text"] = body_source
    if not article.language and (language := detect_language(article.text)):
        article.language, sources["language"] = language, "detected"

    reconcile(article, tree, meta, site.force_language if site else None)
    article.is_article = _is_article(tree, article, meta, site, url)
    _nfc(article)
    return article


def _nfc(article: Article) -> None:
    """Unicode NFC for every text field: pages write "é" both as one code point and as "e"
    plus a combining accent (and Bengali vowel signs in either order), and text that is
    searched, deduplicated and compared must be written one way. Soft hyphens and
    zero-width spaces, invisible hints for line breaking, go: they split words
    ("Rei\u00adfe") for every search."""
    for field in ("title", "section", "lead", "text"):
        value = getattr(article, field)
        if value:
            setattr(article, field, clean_text(value))
    for field in ("authors", "tags"):
        values = getattr(article, field)
        if any(not unicodedata.is_normalized("NFC", v) for v in values):
            setattr(article, field, list(dict.fromkeys(
                unicodedata.normalize("NFC", v) for v in values)))


def extract_text(html: str | bytes, content_type: str | None = None) -> str:
    """Only the article text, as ``extract(html).text`` gives it without a site file, but
    without metadata or link widgets: for re-indexing stored pages, and what bench/
    compares with trafilatura (which extracts text only). Reading no metadata, it cannot
    tell a standfirst printed as the first paragraph from the page's description, so such
    a block stays in the text."""
    if isinstance(html, bytes):
        html = _decode(html, content_type)
    tree = LexborHTMLParser(html)
    return clean_text("\n\n".join(b.text for b in generic_text(tree, jsonld_article_body(tree))[0]))


def clean_text(text: str) -> str:
    """``text`` in NFC, without soft hyphens and zero-width spaces (see ``_nfc``)."""
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def generic_text(tree: LexborHTMLParser, jsonld_body: str | None,
                 h1: LexborNode | None = None) -> tuple[list[Block], str]:
    """The generic body: the DOM's main text, or JSON-LD ``articleBody`` when that is complete
    and the DOM shows much less of it (a teaser above a paywall or a script-built page), or,
    when the DOM gave next to nothing, the fallback chain's body (``fallback.py``)."""
    blocks, source = main_text(tree, h1)
    complete = _complete_jsonld_body(jsonld_body)
    if complete and sum(len(b.text) for b in blocks) < _JSONLD_PREFERRED * sum(
            len(b.text) for b in complete):
        return complete, "json-ld"
    return fallback_body(tree, blocks) or (blocks, source)  # (next to) nothing: fallback.py


def _decode(html: bytes, content_type: str | None) -> str:
    """Bytes as the crawler decodes them. Imported on first use, as ``SiteConfig`` is only
    named for type checkers: a process that extracts ``str`` pages (re-indexing, the bench)
    loads neither charset detection nor the site-file layer, ~5 MiB of its RSS."""
    from ..fetch.decode import decode_body

    return decode_body(html, content_type)[0]


def _host_name(url: str | None) -> str | None:
    """The site's name as its host spells it ("interscenar.io" -> "interscenario"), for
    telling the site from its authors."""
    host = urlsplit(url or "").hostname or ""
    host = host.removeprefix("www.")
    return host.replace(".", "") if host else None


def _standfirst(blocks: list[Block], lead: str | None) -> tuple[list[Block], str | None]:
    """The body and the lead, each without what the other repeats.

    A lead equal to the body's first block, printed in an element of its own, is the
    standfirst above the article (a Drupal summary field, on every page of a multi-page
    story): it stays the lead and leaves the body. A lead that is the start of the body's
    own first paragraph is a copy of it, often cut mid-word ("...antagonistic
    relationshi"), or the description a CMS made of it: the body keeps the paragraph and
    the lead goes.
    """
    if not lead:
        return blocks, None
    lead = " ".join(html.unescape(lead).split())
    if not blocks or not lead:
        return blocks, lead or None
    first = blocks[0].text
    stem = lead.rstrip(" .…")
    if first == lead and blocks[0].parent != _main_parent(blocks):
        return blocks[1:], lead
    if first == lead or (len(stem) >= _MIN_LEAD_STEM and first.startswith(stem)):
        return blocks, None
    return blocks, lead


def _without_headline(blocks: list[Block], title: str | None) -> list[Block]:
    """``blocks`` without a first heading that is the headline again: a page with no
    ``<h1>`` prints its headline as a lower heading at the top of the body (guancha.cn's
    ``<h3>``), which the body's walk, skipping only the headline element it knows, keeps."""
    if len(blocks) > 1 and title and blocks[0].kind == "heading" and \
            blocks[0].text.casefold() == title.casefold():
        return blocks[1:]
    return blocks


def _without_author_bio(blocks: list[Block], authors: list[str]) -> list[Block]:
    """``blocks`` without the author's biography printed after the story: a last paragraph
    that opens with an author's full name ("Eric Song is IGN's deal curator ...", "Dominika
    Rafalska, doktor nauk humanistycznych, ..."). A story does not end on its writer's name;
    its bio box, inside the body's element and unmarked, does (5 pages of the dev sets, 4
    of them bios, one an office's contact line; no truth text among them)."""
    names = [name for name in authors if " " in name]
    while len(blocks) > 1 and len(blocks[-1].text) < _MAX_BIO and \
            blocks[-1].text.startswith(tuple(names)):
        blocks = blocks[:-1]
    return blocks


def _says_nothing(lead: str, title: str | None, url: str | None, site_name: str | None) -> bool:
    """Whether a lead is no summary of the story: the headline again, the site's name
    ("Raptastisch", "www.sonnenenergie.de", see ``names_site``) or one word of the site's
    navigation ("Home"), as a CMS fills its description field when the editor did not."""
    if title and lead.casefold() == title.casefold():
        return True
    one_word = " " not in lead and not DENSE_SCRIPT.search(lead) and not ENDS_SENTENCE.search(lead)
    return one_word or names_site(lead, url, site_name)


def _main_parent(blocks: list[Block]) -> int:
    """The element whose children hold most of the body's text."""
    weights: dict[int, int] = {}
    for block in blocks:
        weights[block.parent] = weights.get(block.parent, 0) + len(block.text)
    return max(weights, key=weights.__getitem__)


def _complete_jsonld_body(text: str | None) -> list[Block] | None:
    """JSON-LD ``articleBody`` as paragraphs, or None when it is a teaser or raw markup.

    Publishers often cut it at ~500 characters with an ellipsis (4 of the 15 scrapinghub
    pages that carry one) or put HTML in it (5 of 15); only plain, complete text is used.
    """
    if not text or len(text) < _MIN_ARTICLE_CHARS or _MARKUP.search(text):
        return None
    if text.rstrip().endswith(("…", "...", "&hellip;")):
        return None
    return [Block(" ".join(p.split()), "paragraph") for p in text.split("\n") if p.strip()]


def _is_article(tree: LexborHTMLParser, article: Article, meta: dict[str, list[tuple[Any, str]]],
                site: SiteConfig | None, url: str | None) -> bool:
    """Article pages are archived; listing, home and error pages are only followed."""
    if site and site.is_article:
        return tree.css_first(site.is_article) is not None
    if site and site.article_urls and url:
        return site.is_article_url(url)
    if meta.get("is_article"):
        return bool(article.text)
    # The page's prose gathered by the fallback chain (source "paragraphs") is no proof: on
    # a section front or an error page it is teasers and notices (seed site's category page).
    return (article.sources.get("text") != "paragraphs"
            and len(article.text) >= _MIN_ARTICLE_CHARS and article.text.count("\n\n") >= 2)
