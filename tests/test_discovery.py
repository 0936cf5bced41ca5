"""Discovery: gzipped news sitemaps, announced feeds, multi-page articles, crawler traps."""

from __future__ import annotations

import gzip
import json
from collections import Counter

from conftest import write_local_site
from sqlite_utils.utils import sqlite3
from test_bad_input import HTML, PARAS, tagdiv_article

from scraper import crawl
from scraper.crawler.frontier import trap_reason

NEWS_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>{base}/wire-story-from-sitemap/</loc><news:news>
<news:publication_date>2024-03-01T10:00:00+00:00</news:publication_date>
<news:title>Wire story from sitemap</news:title><news:keywords>port, strike</news:keywords>
</news:news></url></urlset>"""

FEED = """<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Test Daily</title><item><title>Story from the feed</title>
<link>{base}/story-from-the-feed/</link><dc:creator>Ann Writer</dc:creator>
<pubDate>Fri, 01 Mar 2024 11:00:00 +0000</pubDate></item></channel></rss>"""


def _page(title: str, paragraphs: list[str], next_href: str | None = None) -> bytes:
    html = tagdiv_article(title, paragraphs).decode()
    if next_href:
        html = html.replace("</head>", f'<link rel="next" href="{next_href}"></head>')
    return html.encode()


def _site(base: str) -> dict:
    home = (f'<html><head><link rel="alternate" type="application/rss+xml" href="{base}/rss.xml">'
            '</head><body><a href="/long-story-in-parts/">long</a>'
            '<a href="/2099/01/">calendar</a><a href="/events/?date=2024-01-01">events</a>'
            '<a href="/a/b/a/b/a/b/">loop</a><a href="/news/page/500/">deep</a></body></html>')
    return {
        "/robots.txt": (200, "text/plain", f"User-agent: *\nSitemap: {base}/news.xml.gz\n"
                        .encode()),
        "/": (200, HTML, home.encode()),
        "/news.xml.gz": (200, "application/x-gzip",
                         gzip.compress(NEWS_SITEMAP.format(base=base).encode())),
        "/rss.xml": (200, "application/rss+xml", FEED.format(base=base).encode()),
        "/wire-story-from-sitemap/": (200, HTML, _page("Wire story from sitemap", PARAS)),
        "/story-from-the-feed/": (200, HTML, _page("Story from the feed", PARAS)),
        "/long-story-in-parts/": (200, HTML, _page("Long story in parts", ["Part one " * 12],
                                                   "/long-story-in-parts/2/")),
        "/long-story-in-parts/2/": (200, HTML, _page("Long story in parts", ["Part two " * 12],
                                                     "/long-story-in-parts/3/")),
        "/long-story-in-parts/3/": (200, HTML, _page("Long story in parts", ["Part three " * 12])),
    }


def test_sitemaps_feeds_and_multi_page_articles_are_discovered(route_server, config_dir,
                                                                tmp_path):
    route_server.routes.update(_site(route_server.base_url))
    write_local_site(config_dir, "daily", route_server.base_url)
    report = crawl(config_dir, tmp_path / "news.db")
    db = sqlite3.connect(tmp_path / "news.db")
    rows = {title: (text, discovery) for title, text, discovery in db.execute(
        "select title, text, discovery from articles")}
    assert set(rows) == {"Wire story from sitemap", "Story from the feed", "Long story in parts"}

    sitemap_hint = json.loads(rows["Wire story from sitemap"][1])
    assert sitemap_hint["title"] == "Wire story from sitemap"
    assert sitemap_hint["keywords"] == "port, strike"
    assert sitemap_hint["found_in"].endswith("/news.xml.gz")
    feed_hint = json.loads(rows["Story from the feed"][1])
    assert feed_hint["source"] == "feed" and feed_hint["authors"] == ["Ann Writer"]

    text = rows["Long story in parts"][0]
    assert [p.split()[1] for p in text.split("\n\n")] == ["one", "two", "three"]
    aliases = {u.split("/", 3)[3] for (u,) in db.execute(
        "select url from article_urls where article_id = (select id from articles "
        "where title = 'Long story in parts')")}
    assert {"long-story-in-parts/2/", "long-story-in-parts/3/"} <= aliases

    skipped = report.sites["daily"].skipped
    assert skipped["calendar"] == 2
    assert skipped["repeated_segments"] == 1
    assert skipped["deep_pagination"] == 1
    assert "/2099/01/" not in route_server.requests


def test_trap_rules_name_their_reason():
    variants = Counter()
    assert trap_reason("https://a.example/x/" + "y" * 2000, 50, variants) == "url_too_long"
    assert trap_reason("https://a.example/a/b/a/b/a/", 50, variants) == "repeated_segments"
    assert trap_reason("https://a.example/news/page/51/", 50, variants) == "deep_pagination"
    assert trap_reason("https://a.example/news/page/50/", 50, variants) is None
    assert trap_reason("https://a.example/1850/01/", 50, variants) == "calendar"
    assert trap_reason("https://a.example/2024/03/some-story/", 50, variants) is None
    reasons = [trap_reason(f"https://a.example/list?sort={i}", 50, variants) for i in range(25)]
    assert reasons.count("query_explosion") == 5
