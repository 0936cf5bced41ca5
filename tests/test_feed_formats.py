"""Feeds and sitemaps in the forms real sites serve (real server, real archive): RSS guids
that are not URLs, Atom links as text, Atom entries with only an id, Atom 0.3 dates, and
plain-text sitemaps."""

from __future__ import annotations

import json

from conftest import write_local_site
from sqlite_utils.utils import sqlite3
from test_bad_input import HTML, PARAS, tagdiv_article

from scraper import crawl
from scraper.crawler.discover import parse_feed, parse_sitemap

RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>Guid is an id</title><guid isPermaLink="false">abc</guid>
<link>{base}/rss-story-with-an-id-guid/</link></item>
<item><title>Guid only, an id</title><guid isPermaLink="false">only-an-id-42</guid></item>
<item><title>Permalink guid</title><guid>{base}/rss-story-by-permalink-guid/</guid></item>
</channel></rss>"""

ATOM_03 = """<?xml version="1.0"?><feed version="0.3" xmlns="http://purl.org/atom/ns#">
<entry><title>Text link</title>
<link rel="enclosure" type="image/jpeg">{base}/picture.jpg</link>
<link rel="alternate" type="text/html">{base}/atom-story-with-a-text-link/</link>
<issued>2024-03-02T09:00:00Z</issued><modified>2024-03-03T10:00:00Z</modified></entry>
<entry><title>Only an id</title><id>{base}/atom-story-with-only-an-id/</id>
<issued>2024-03-04T08:00:00Z</issued></entry>
<entry><title>An urn id</title><id>urn:uuid:8f1c</id></entry>
</feed>"""

TEXT_SITEMAP = "{base}/story-from-a-text-sitemap/\n\n  {base}/another-text-sitemap-story/  \n"


def test_feed_entries_in_every_form_are_found_and_guids_are_not_urls(route_server, config_dir,
                                                                     tmp_path):
    base = route_server.base_url
    stories = ["rss-story-with-an-id-guid", "rss-story-by-permalink-guid",
               "atom-story-with-a-text-link", "atom-story-with-only-an-id",
               "story-from-a-text-sitemap", "another-text-sitemap-story"]
    route_server.routes.update({
        "/robots.txt": (200, "text/plain", f"Sitemap: {base}/sitemap.txt\n".encode()),
        "/": (200, HTML, b"<html><body>home</body></html>"),
        "/feeds/rss.xml": (200, "application/rss+xml", RSS.format(base=base).encode()),
        "/feeds/atom.xml": (200, "application/atom+xml", ATOM_03.format(base=base).encode()),
        "/sitemap.txt": (200, "text/plain", TEXT_SITEMAP.format(base=base).encode()),
        **{f"/{slug}/": (200, HTML, tagdiv_article(slug.replace("-", " "), PARAS))
           for slug in stories},
    })
    write_local_site(config_dir, "daily", base,
                     f'feeds = ["{base}/feeds/rss.xml", "{base}/feeds/atom.xml"]')
    crawl(config_dir, tmp_path / "news.db")

    requested = set(route_server.requests)
    assert "/feeds/abc" not in requested and "/feeds/only-an-id-42" not in requested
    assert not any("urn:" in path for path in requested)
    with sqlite3.connect(tmp_path / "news.db") as db:
        found = {url.split("/")[3]: json.loads(hint or "{}") for url, hint in db.execute(
            "select url, discovery from articles")}
    assert set(found) == set(stories)
    # Atom 0.3: modified is the date of the last change, issued the first publication.
    assert found["atom-story-with-a-text-link"]["lastmod"] == "2024-03-03T10:00:00Z"
    assert found["atom-story-with-only-an-id"]["lastmod"] == "2024-03-04T08:00:00Z"
    assert found["story-from-a-text-sitemap"]["found_in"].endswith("/sitemap.txt")


def test_an_html_page_served_as_a_sitemap_yields_no_urls():
    page = b"<html><body>https://a.example/not-a-sitemap-line/</body></html>"
    assert parse_sitemap(page, "https://a.example/sitemap.txt") == ([], [])
    lines = b"\xef\xbb\xbfhttps://a.example/one/\nnot a url\nhttps://a.example/t wo/\n"
    assert [h.url for h in parse_sitemap(lines, "https://a.example/s.txt")[0]] == [
        "https://a.example/one/"]


def test_an_atom_entry_prefers_its_alternate_link_wherever_it_stands():
    feed = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry>
    <link rel="related" href="https://a.example/related/"/><link rel="self" href="https://a.example/self"/>
    <link href="https://a.example/the-entry/"/><id>https://a.example/?p=1</id></entry>
    <entry><link rel="enclosure" href="https://a.example/a.mp3"/><id>tag:a.example,2024:2</id>
    </entry></feed>"""
    assert [h.url for h in parse_feed(feed, "https://a.example/feed")] == [
        "https://a.example/the-entry/"]
