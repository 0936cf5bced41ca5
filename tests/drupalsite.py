"""A small Drupal 10 news site rendered to files, for tests of presets and drafted site files.

Its markup is what Drupal's node templates and Views blocks print (``article.node--type-
article``, ``.field--name-*``, ``.block-views``) with the fields a newsroom adds itself
(``field_byline``, ``field_rubrik``, ``field_standfirst``, ``field_schlagworte``), which
no preset knows: a site file for it needs selectors of its own, written by hand
(``HAND_WRITTEN``) or drafted by ``newsarchive sites new``. ``robots.txt`` forbids
``/private/``, and the home page links there, so a test can see the draft obey it.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

ORIGIN = "https://valley-courier.example"
HAND_WRITTEN = """name = "valley-courier"
extends = "drupal"
start_urls = ["{start}"]

[selectors]
title = "h1.page-title"
authors = ".field--name-field-byline a"
published = ".node__meta time"
section = ".field--name-field-rubrik a"
tags = ".field--name-field-schlagworte a"
lead = ".field--name-field-standfirst"
body = "article.node .field--name-body"
"""
_SECTIONS = ("Politics", "Business", "Sport")
_WORDS = ["council", "budget", "river", "bridge", "school", "vote", "harvest", "market",
          "league", "final", "mayor", "district", "road", "water", "museum", "court",
          "farmers", "station", "festival", "report"]


def _story(number: int) -> dict:
    words = [_WORDS[(number * 7 + i) % len(_WORDS)] for i in range(6)]
    title = f"{words[0].title()} {words[1]} plan {number} divides the {words[2]} board"
    return {
        "slug": f"{words[0]}-{words[1]}-plan-{number}",
        "title": title,
        "author": ("Mara Lindqvist", "Tom Okafor", "Ines Duarte")[number % 3],
        "author_slug": ("mara-lindqvist", "tom-okafor", "ines-duarte")[number % 3],
        "section": _SECTIONS[number % 3],
        "published": f"2026-03-{10 + number:02d}T0{number % 9}:15:00+01:00",
        "lead": f"The {words[3]} committee met for {number + 2} hours on the {words[4]} plan.",
        "tags": [words[4].title(), words[5].title()],
        "paragraphs": [
            f"Paragraph {p} of story {number}: the {words[p % 6]} question came back to the "
            f"chamber on Tuesday, and members of the {words[(p + 1) % 6]} group asked for "
            f"more time before a vote on the {words[(p + 2) % 6]} plan was taken."
            for p in range(1, 6)],
    }


STORIES = [_story(n) for n in range(1, 9)]


def _views_block(block_id: str, heading: str, stories: list[dict]) -> str:
    rows = "".join(
        f'<div class="views-row"><div class="views-field views-field-title"><span '
        f'class="field-content"><a href="/news/{s["slug"]}" hreflang="en">'
        f'{html.escape(s["title"])}</a></span></div></div>' for s in stories)
    return (f'<div class="views-element-container block block-views block-views-block{block_id}"'
            f' id="block-{block_id}"><h2>{html.escape(heading)}</h2><div><div class="view '
            f'view-{block_id}"><div class="view-content">{rows}</div></div></div></div>')


def _head(title: str, extra: str = "") -> str:
    return (f'<!DOCTYPE html><html lang="en" dir="ltr"><head><meta charset="utf-8">'
            f'<meta name="Generator" content="Drupal 10 (https://www.drupal.org)">'
            f"<title>{html.escape(title)} | Valley Courier</title>{extra}</head>")


def _menu() -> str:
    items = "".join(f'<li class="menu-item"><a href="/rubrik/{s.lower()}">{s}</a></li>'
                    for s in _SECTIONS)
    return (f'<header role="banner"><nav role="navigation" aria-label="Main navigation">'
            f'<ul class="menu">{items}</ul></nav></header>')


def _article(story: dict, number: int) -> str:
    schema = {"@context": "https://schema.org", "@graph": [{
        "@type": "NewsArticle", "headline": story["title"], "datePublished": story["published"],
        "author": {"@type": "Person", "name": story["author"]},
        "articleSection": story["section"], "keywords": ", ".join(story["tags"]),
        "description": story["lead"]}]}
    extra = (f'<meta property="og:title" content="{html.escape(story["title"])}">'
             f'<meta property="og:type" content="article">'
             f'<meta property="og:description" content="{html.escape(story["lead"])}">'
             f'<meta property="article:published_time" content="{story["published"]}">'
             f'<link rel="canonical" href="{ORIGIN}/news/{story["slug"]}">'
             f'<script type="application/ld+json">{json.dumps(schema)}</script>')
    others = [s for s in STORIES if s is not story]
    tags = "".join(f'<div class="field__item"><a href="/schlagwort/{t.lower()}">{t}</a></div>'
                   for t in story["tags"])
    body = "".join(f"<p>{html.escape(p)}</p>" for p in story["paragraphs"])
    return f"""{_head(story["title"], extra)}<body class="path-node page-node-type-article">
{_menu()}<main role="main"><div class="region region-content">
<article data-history-node-id="{100 + number}" class="node node--type-article node--view-mode-full">
<h1 class="page-title"><span class="field field--name-title">{html.escape(story["title"])}\
</span></h1>
<div class="node__meta"><span class="field field--name-field-byline">By <a \
href="/autoren/{story["author_slug"]}">{story["author"]}</a></span> <time class="datetime" \
datetime="{story["published"]}">{story["published"][:10]}</time></div>
<div class="field field--name-field-rubrik"><a href="/rubrik/{story["section"].lower()}">\
{story["section"]}</a></div>
<div class="field field--name-field-standfirst">{html.escape(story["lead"])}</div>
<div class="clearfix text-formatted field field--name-body field__item">{body}</div>
<div class="field field--name-field-schlagworte field__items">{tags}</div>
</article>
{_views_block("most-read", "Most read", others[:4])}
{_views_block("related", "Related", others[4:5])}
</div></main><footer role="contentinfo"><p>Valley Courier, 1 Main Street</p></footer>
</body></html>
"""


def render_drupal_site(root: Path) -> Path:
    """Write the site under ``root`` (served by ``scraper.demo.serve_site``)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "SITE.json").write_text(json.dumps({"origin": ORIGIN}))
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n")
    links = "".join(f'<li><a href="/news/{s["slug"]}">{html.escape(s["title"])}</a></li>'
                    for s in STORIES)
    (root / "index.html").write_text(
        f'{_head("Home")}<body class="path-frontpage">{_menu()}<main><h1>Valley Courier</h1>'
        f'<ul><li><a href="/private/staff-only-notes-2026">Staff only notes from the desk</a>'
        f"</li>{links}</ul></main></body></html>")
    for number, story in enumerate(STORIES, 1):
        folder = root / "news" / story["slug"]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.html").write_text(_article(story, number))
    private = root / "private" / "staff-only-notes-2026"
    private.mkdir(parents=True, exist_ok=True)
    (private / "index.html").write_text(_article(_story(99), 99))
    return root
