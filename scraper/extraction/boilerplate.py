"""Page furniture and content markers in the markup, kept as data (the way trafilatura keeps
its xpaths): tags, and the class and id words of furniture, content, overlays and
standfirsts. What a block's own words say it is (end matter, a label, a caption, a call to
action) is ``blockwords.py``.

The class vocabularies were calibrated on the seed site (a tagDiv WordPress theme) and the
181-page scrapinghub benchmark. Each comment says what a pattern is for. A class pattern is
only applied *inside* the chosen body container and never to a node holding most of it, so
an over-broad class name ("modal-enabled" on a New York Post article box) cannot take the
article with it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from selectolax.lexbor import LexborNode

__all__ = [
    "CLOSE_WORDS", "CONTENT", "FURNITURE", "FURNITURE_TAGS", "JUNK_TAGS", "NEUTRAL",
    "PAGE_CONTENT", "STANDFIRST_CSS", "is_inline_text", "is_overlay", "is_standfirst",
    "marker_kind", "node_marker",
]

# Never text: removed from the whole page before the body is looked for.
JUNK_TAGS = [
    "script", "style", "noscript", "template", "iframe", "svg", "canvas", "button", "input",
    "select", "textarea", "object", "embed", "audio", "video", "dialog",
]
# Text, but never article text: removed inside the body container. <form> stays (ASP.NET
# pages wrap everything in one), <header> stays (some CMSs put the lede in it), <figure> is
# dropped because the benchmark's truth leaves captions and credits out (scrapinghub:
# precision 0.959 against 0.956 keeping them). <address> is the contact of the page or its
# author, as HTML defines it (half A of both sets: 2 eval pages print one in the body, a
# "Last Modified:" stamp and a video's data notice; no truth text).
FURNITURE_TAGS = ("nav", "aside", "footer", "figure", "figcaption", "menu", "time", "address")

class _Words:
    """A vocabulary of class/id words, matched between separators (start, end, space,
    "-", "_"): "ad" matches "ad-slot" and "top_ad" but not "head" or "download". An entry
    written with "-" or "_" ("read-more", "post_content") matches only as written.

    Matching splits the marker once and looks words up in a set; an entry of several words
    is searched for only when its first word is there (a big regex alternation tried at
    every position of every class string was most of the body's time).
    """

    def __init__(self, words: str) -> None:
        entries = words.split()
        self.single = frozenset(e for e in entries if not _SEPARATOR.search(e))
        self.compound: dict[str, tuple[str, ...]] = {}
        for entry in entries:
            if _SEPARATOR.search(entry):
                head = _SEPARATOR.split(entry)[0]
                self.compound[head] = (*self.compound.get(head, ()), entry)

    def found(self, marker: str, words: set[str]) -> bool:
        """Whether lower-cased ``marker``, split into ``words``, holds an entry."""
        if not self.single.isdisjoint(words):
            return True
        for head in words.intersection(self.compound):
            for entry in self.compound[head]:
                start = marker.find(entry)
                while start >= 0:
                    end = start + len(entry)
                    if (start == 0 or marker[start - 1] in _BOUNDS) and (
                            end == len(marker) or marker[end] in _BOUNDS):
                        return True
                    start = marker.find(entry, start + 1)
        return False


_SEPARATOR = re.compile(r"[_-]")
_SPLIT = re.compile(r"[\s_-]+")
_BOUNDS = frozenset(" \t\n\r\f\v_-")

# Class/id words of non-body blocks inside a body container: share bars, ads, newsletter
# and cookie boxes, related/latest lists, bylines and dates, comment threads, captions;
# call-to-action boxes ("cta": National Review's "nrplus-cta", WPBakery's "vc_cta3"; and
# "news-letter" spelt apart), found on half A of the dev sets, 2026-12-02: 2 eval pages'
# boilerplate snippets and 1 scrapinghub page's membership offer, no truth text lost.
# A paywall prompt is furniture; a container whose own class says "paywall" but holds the
# story is not (body._kept weighs that). A QR-code box ("qrcode": WeChat's
# "js_profile_qrcode", the account's profile and a code to scan above every article; GNE's
# pages, an unseen set; no dev page changes) is furniture too.
_FURNITURE = _Words("""
    share sharing sharebar social sociable related comment comments replies respond newsletter
    signup
    news-letter news_letter cta vc_cta3
    subscribe subscription cookie consent gdpr ad ads advert advertisement advertising adslot
    dfp sponsor sponsored promo outbrain taboola recirc recirculation more-stories
    more-articles read-more readmore also-read trending most-popular latest sidebar footer
    breadcrumb breadcrumbs menu navbar navigation pagination pager next-prev prev-next tag-list
    tags byline bylines author-box author-bio user-bio about-author author-info post-meta
    entry-meta postmetadata entry-utility
    article-meta dateline timestamp caption credit credits wp-caption toolbar paywall popup
    jp-relatedposts sharedaddy addtoany sr-only screen-reader-text visually-hidden
    visuallyhidden offscreen qrcode qr-code""")
# Words that mark furniture only as a whole class or id: "hidden-xs" or "print-edition"
# style compounds are responsive or layout helpers on real content. "author" on its own
# is the byline or the author's box under the story (Starbox's "vcard author abh_about_tab",
# "Evan V. Symon is the Senior Editor for ..."), while "author-xyz" may name a post's writer.
_FURNITURE_TOKENS = frozenset(
    ["hidden", "hide", "print", "tools", "meta", "nav", "tag", "modal", "overlay", "banner",
     "rating", "author", "bio"])
# ... and as the last word of a class token: a biography box's BEM names ("m-a-box-bio",
# "author--bio", "infoCard-bio"), where inside a token it may be a slug ("...-sidamo-bio-
# kaffeebohnen": organic coffee) or another word.
_FURNITURE_ENDINGS = ("-bio", "_bio")
# A word that marks furniture as the first part of a compound only: "widget-area" is a
# sidebar, "elementor-widget-container" is Elementor's wrapper around every text block.
_FURNITURE_PREFIX = "widget"  # as a class of its own too: WordPress's "widget widget_text"

# Class/id of the containers CMSs use for the article body, the most specific first:
# WordPress (entry-content, post-content), tagDiv (td-post-content), Drupal (field-body),
# Arc/Chorus/Gannett-style (article-body, article__body, story-body, c-entry-content).
_CONTENT = _Words("""
    entry-content post-content post_content postcontent post-body post-text post-entry
    postentry td-post-content article-body article__body articlebody article-content
    article__content articlecontent article-text articletext story-body story-content
    storycontent story-text body-text bodytext c-entry-content field-body field-name-body
    rich-text richtext article-main main-text content-body body-copy text-content
    article-entry entry-body news-body news-content news-text article_body story_body
    blog-content single-content the-content""")
# Wider page-content wrappers (a whole class or id), trusted only after the specific
# markers and <article>.
_PAGE_CONTENT_TOKENS = frozenset(
    ["content", "main", "main-content", "maincontent", "content-main", "page-content", "story",
     "article", "primary", "main-column"])

# Class/id words of consent banners and pop-up layers: no page wraps its article in one, so
# these are trusted at any height above a paragraph (cookie notices of WordPress plugins,
# "sp-dsgvo-popup-overlay", Popup Maker's "popmake"; the paragraphs of a German consent
# dialogue outweigh many articles). Not "overlay" or "modal": article wrappers use both
# ("article-overlay", "body_overlay", "modal-enabled").
_OVERLAY = _Words("cookie cookies consent gdpr dsgvo cmp popup popmake")

# Class/id words of a standfirst: the summary paragraph a CMS prints in a field of its own
# above the body container (Drupal's "field-lead", "article__intro", WordPress's
# "article-excerpt", "standfirst", German "teaser-text" or "lead"). Read by
# ``is_standfirst`` for elements beside a marked body only; elsewhere "teaser" and
# "summary" also name boxes of other stories.
_STANDFIRST_WORDS = "lead intro standfirst excerpt summary teaser deck dek"
_STANDFIRST = _Words(_STANDFIRST_WORDS)
# The elements that may be one, found by Lexbor in one query (``is_standfirst`` then reads
# the words between separators): a Python loop over every element of a page header cost
# 2 % of extract()'s instructions. By lower-case class only (case-blind and by id too: the
# same F1 on both dev sets, twice the instructions of this query).
STANDFIRST_CSS = ", ".join(f"[class*={word}]" for word in _STANDFIRST_WORDS.split())


@lru_cache(maxsize=8192)
def is_standfirst(marker: str) -> bool:
    """Whether a "class id" string names a standfirst (see ``_STANDFIRST``)."""
    lowered = marker.lower()
    return _STANDFIRST.found(lowered, set(_SPLIT.split(lowered)))


# What a class/id string says about its element; see ``marker_kind``.
CONTENT, PAGE_CONTENT, FURNITURE, NEUTRAL = 0, 2, 8, 9


# What a dialogue's own close control reads ("×", "[X]", "Schließen [X]"), lowercased.
CLOSE_WORDS = frozenset({"close", "schließen", "fermer", "cerrar", "chiudi", "fechar",
                         "sluiten", "×", "✕", "[x]"})


@lru_cache(maxsize=8192)
def is_overlay(marker: str) -> bool:
    """Whether a "class id" string names a consent banner or a pop-up layer (cached, as
    ``marker_kind`` is: the body's walk asks it for every element with a class or id)."""
    lowered = marker.lower()
    return _OVERLAY.found(lowered, set(_SPLIT.split(lowered)))


# Class/id words of furniture that a story may also set inline, in its own first sentence
# ("<p><span class="dateline">CAIRO —</span> Gunmen opened fire ..."): there they are the
# sentence's words (readability's wapo-1; eval half B, checked in aggregate: +1 snippet, on
# 1 page; nothing else changes on either dev set).
_INLINE_TEXT = _Words("dateline")


@lru_cache(maxsize=2048)
def is_inline_text(marker: str) -> bool:
    """Whether a "class id" string names furniture that is text when set inside a paragraph
    (see ``_INLINE_TEXT``)."""
    lowered = marker.lower()
    return _INLINE_TEXT.found(lowered, set(_SPLIT.split(lowered)))


def node_marker(node: LexborNode) -> str:
    """An element's "class id" string, what ``marker_kind`` and ``is_overlay`` read."""
    attrs = node.attributes  # one dict: cheaper than two Lexbor look-ups, one often a miss
    return f"{attrs.get('class') or ''} {attrs.get('id') or ''}"


@lru_cache(maxsize=8192)
def marker_kind(marker: str) -> int:
    """CONTENT, PAGE_CONTENT, FURNITURE or NEUTRAL for a "class id" string.

    Cached: a page repeats a few dozen class strings hundreds of times, and pages of one
    site share them, so a string is read once.
    """
    lowered = marker.lower()
    words = set(_SPLIT.split(lowered))
    if _CONTENT.found(lowered, words):
        return CONTENT
    tokens = lowered.split()
    if _FURNITURE.found(lowered, words) or not _FURNITURE_TOKENS.isdisjoint(tokens) or any(
            t.endswith(_FURNITURE_ENDINGS) for t in tokens) or (
            _FURNITURE_PREFIX in words and any(_SPLIT.split(t, 1)[0] == _FURNITURE_PREFIX
                                               for t in tokens)):
        return FURNITURE
    if not _PAGE_CONTENT_TOKENS.isdisjoint(tokens):
        return PAGE_CONTENT
    return NEUTRAL

