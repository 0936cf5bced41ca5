"""A news site without sitemap or feed, in the manner of a Drupal site: articles are found only
on the section pages that list them, newest first, 20 to a page (``/news/page/2/``).

The tagDiv demo (``site``) announces every article in sitemaps and a feed; this one does not,
so that tests and ``bench/incremental.py`` can check that a nightly crawl re-checks the section
pages (crawler/hubs.py) and finds articles that appear there only. The home page links to
the sections and never changes when an article is published. Served by ``serve_site``, every
page has an ETag and a Last-Modified, as Drupal behind a cache sends them. Deterministic:
the same data renders the same bytes.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from .site import write_site_files

__all__ = ["SECTION_NAMES", "add_section_articles", "render_section_site", "section_data"]

SECTION_NAMES = ("news", "sport", "culture", "business")
PER_PAGE = 20
_WORDS = ("council", "harbour", "ferry", "budget", "library", "tram", "festival", "stadium",
          "museum", "school", "market", "bridge", "river", "station", "theatre", "hospital",
          "park", "garden", "college", "transport")


def section_data(per_section: int) -> dict[str, list[dict[str, Any]]]:
    """``per_section`` articles in each section, oldest first."""
    data: dict[str, list[dict[str, Any]]] = {name: [] for name in SECTION_NAMES}
    for name in SECTION_NAMES:
        add_section_articles(data, name, per_section)
    return data


def add_section_articles(data: dict[str, list[dict[str, Any]]], section: str,
                         count: int) -> list[str]:
    """Publish ``count`` new articles in ``section``; returns their paths."""
    articles = data[section]
    new = []
    for _ in range(count):
        number = sum(len(items) for items in data.values()) + 1
        words = [_WORDS[(number * k + len(section)) % len(_WORDS)] for k in (1, 3, 7)]
        slug = f"{'-'.join(words)}-report-{number}"
        day = 1 + number % 28
        articles.append({
            "path": f"/{section}/{slug}/", "title": f"{' '.join(words).title()} report {number}",
            "published": f"2025-{1 + number % 12:02d}-{day:02d}T09:00:00+00:00",
            "paragraphs": [f"Paragraph {p} of report {number} in {section}: the "
                           f"{words[p % 3]} committee met on day {day} and heard from "
                           f"residents about the {words[(p + 1) % 3]} plans once more."
                           for p in range(1, 6)]})
        new.append(articles[-1]["path"])
    return new


def _page(title: str, body: str, head: str = "") -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>'
            f"{escape(title)} | The Riverside Courier</title>{head}</head><body>"
            f'<header><a href="/">The Riverside Courier</a><nav>'
            + "".join(f'<a href="/{name}/">{name.title()}</a>' for name in SECTION_NAMES)
            + f"</nav></header><main>{body}</main></body></html>")


def _article(item: dict[str, Any], section: str) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": item["title"],
            "datePublished": item["published"], "articleSection": section.title()}
    head = (f'<meta property="og:type" content="article"><script type="application/ld+json">'
            f"{json.dumps(data)}</script>")
    text = "".join(f"<p>{escape(p)}</p>" for p in item["paragraphs"])
    return _page(item["title"], f'<article><h1>{escape(item["title"])}</h1>'
                                f'<div class="field-body">{text}</div></article>', head)


def _listing(section: str, items: list[dict[str, Any]], page: int, pages: int) -> str:
    links = "".join(f'<li><a href="{i["path"]}">{escape(i["title"])}</a></li>' for i in items)
    pager = f'<a rel="next" href="/{section}/page/{page + 1}/">Next</a>' if page < pages else ""
    return _page(f"{section.title()} page {page}", f"<h1>{section.title()}</h1>"
                                                   f"<ul>{links}</ul>{pager}")


def render_section_site(dest: Path, data: dict[str, list[dict[str, Any]]]) -> Path:
    """Write the site under ``dest``; files whose content is unchanged are not rewritten, so
    their validators stay the same across re-renders."""
    files = {"robots.txt": "User-agent: *\nDisallow: /user/\n",
             "index.html": _page("Home", "<h1>The Riverside Courier</h1><p>Local news from "
                                         "the river towns, by section.</p>")}
    for section, articles in data.items():
        newest_first = articles[::-1]
        pages = max(1, -(-len(newest_first) // PER_PAGE))
        for page in range(1, pages + 1):
            items = newest_first[(page - 1) * PER_PAGE:page * PER_PAGE]
            name = f"{section}/index.html" if page == 1 else f"{section}/page/{page}/index.html"
            files[name] = _listing(section, items, page, pages)
        for item in articles:
            files[f"{item['path'].strip('/')}/index.html"] = _article(item, section)
    return write_site_files(dest, files)
