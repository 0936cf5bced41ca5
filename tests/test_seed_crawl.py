"""The foundation's acceptance test: the seed site crawled into a real SQLite archive."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import SEED_ARTICLE, write_site
from sqlite_utils.utils import sqlite3

from scraper import crawl
from scraper.demo import serve_site

UTM = "?utm_source=twitter&utm_medium=social&utm_campaign=share"


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture(scope="module")
def seed_crawl(tmp_path_factory, seed_dir: Path):
    tmp = tmp_path_factory.mktemp("seed")
    config = tmp / "config"
    with serve_site(seed_dir) as server:
        write_site(config, "seedsite", f"""
            name = "seedsite"
            extends = "wordpress-tagdiv"
            start_urls = ["{server.base_url}/", "{server.base_url}{SEED_ARTICLE}{UTM}"]

            [politeness]
            delay = 0
            concurrency = 4
        """)
        report = crawl(config, tmp / "news.db")
        requested = [path for _, path, _ in server.requests]
    db = sqlite3.connect(tmp / "news.db")
    db.row_factory = sqlite3.Row
    yield report, db, requested
    db.close()


def _article(db: sqlite3.Connection, path: str) -> sqlite3.Row:
    rows = [r for r in db.execute("select * from articles") if urlsplit(r["url"]).path == path]
    assert len(rows) == 1, f"expected one article row for {path}, found {len(rows)}"
    return rows[0]


def test_seed_article_metadata_is_exactly_as_expected(seed_crawl, seed_expected):
    _, db, _ = seed_crawl
    expected = seed_expected["articles"][SEED_ARTICLE]
    row = _article(db, SEED_ARTICLE)
    assert row["title"] == expected["title"]
    assert row["section"] == expected["category"]
    assert json.loads(row["authors"]) == expected["authors"]
    assert row["published"] == expected["published"]
    assert row["modified"] == expected["modified"]
    assert json.loads(row["tags"]) == expected["tags"]
    assert row["language"] == expected["language"]
    assert urlsplit(row["canonical_url"]).path == urlsplit(expected["canonical_url"]).path


def test_seed_article_body_is_the_23_paragraphs_and_nothing_else(seed_crawl, seed_expected):
    _, db, _ = seed_crawl
    expected = seed_expected["articles"][SEED_ARTICLE]
    row = _article(db, SEED_ARTICLE)
    assert row["text"].split("\n\n") == expected["body_paragraphs"]
    assert row["text"] == expected["body_text"]


def test_seed_article_widgets_have_every_item_with_title_url_and_teaser(seed_crawl, seed_expected):
    _, db, _ = seed_crawl
    expected = seed_expected["articles"][SEED_ARTICLE]
    article_id = _article(db, SEED_ARTICLE)["id"]
    kinds = {"latest_news": "latest", "must_read": "must_read", "related": "related",
             "recommended": "recommended"}
    for key, kind in kinds.items():
        rows = db.execute(
            "select * from links where article_id = ? and kind = ? order by position",
            [article_id, kind],
        ).fetchall()
        items = expected["widgets"][key]["items"]
        assert [r["position"] for r in rows] == list(range(1, len(items) + 1))
        assert [r["title"] for r in rows] == [i["title"] for i in items]
        assert [urlsplit(r["url"]).path for r in rows] == [i["path"] for i in items]
        assert [r["teaser"] for r in rows] == [i.get("teaser") for i in items]
        assert rows[0]["heading"] == expected["widgets"][key]["title"]
    inline = db.execute("select * from links where article_id = ? and kind = 'inline_related'",
                        [article_id]).fetchall()
    assert [urlsplit(r["url"]).path for r in inline] == [
        i["path"] for i in expected["inline_related_links"]]


def test_amp_print_and_utm_urls_are_aliases_not_duplicates(seed_crawl, seed_expected):
    _, db, requested = seed_crawl
    expected = seed_expected["articles"][SEED_ARTICLE]
    article_id = _article(db, SEED_ARTICLE)["id"]
    aliases = {_path(r["url"]) for r in db.execute(
        "select url from article_urls where article_id = ?", [article_id])}
    for url in expected["duplicate_urls"]:
        assert _path(url) in aliases
    titles = [r[0] for r in db.execute("select title from articles")]
    assert titles.count(expected["title"]) == 1
    # robots.txt disallows /*/print/: the alias is recorded without fetching it.
    assert not any(p.endswith("/print/") for p in requested)


def test_every_other_article_of_the_site_is_stored(seed_crawl, seed_expected):
    _, db, _ = seed_crawl
    others = seed_expected["other_articles"]
    for path, expected in others.items():
        row = _article(db, path)
        assert row["title"] == expected["title"]
        assert row["section"] == expected["category"]
        assert json.loads(row["authors"]) == [expected["author"]]
        assert row["published"] == expected["published"]
        assert row["text"].split("\n\n") == expected["body_paragraphs"]
    assert db.execute("select count(*) from articles").fetchone()[0] == len(others) + 1


def test_listing_and_missing_pages_are_recorded_not_archived(seed_crawl):
    report, db, _ = seed_crawl
    outcomes = {_path(r["url"]): (r["outcome"], r["status"]) for r in db.execute(
        "select url, outcome, status from fetches")}
    assert outcomes["/"] == ("not_article", 200)
    assert outcomes["/category/iran-terrorism/page/2/"] == ("not_article", 200)
    assert outcomes["/about-us/"] == ("http_error", 404)
    assert outcomes["/sitemap_index.xml"][0] == "ok"
    crawl_row = db.execute("select * from crawls").fetchone()
    assert crawl_row["status"] == report.status == "ok"
    assert crawl_row["articles_new"] == 13


def test_widget_links_point_to_archived_articles(seed_crawl):
    _, db, _ = seed_crawl
    unresolved = db.execute(
        "select count(*) from links where target_article_id is null").fetchone()[0]
    resolved = db.execute(
        "select count(*) from links l join articles a on a.id = l.target_article_id "
        "where a.title = l.title").fetchone()[0]
    assert unresolved == 0
    assert resolved > 100


def test_second_crawl_of_the_unchanged_site_fetches_no_article_again(seed_dir, tmp_path):
    config = tmp_path / "config"
    with serve_site(seed_dir) as server:
        write_site(config, "seedsite", f"""
            name = "seedsite"
            extends = "wordpress-tagdiv"
            start_urls = ["{server.base_url}/"]
            [politeness]
            delay = 0
            concurrency = 4
        """)
        first = crawl(config, tmp_path / "news.db")
        before = len(server.requests)
        second = crawl(config, tmp_path / "news.db")
        again = server.requests[before:]
    assert first.counts["articles_new"] == 13
    assert second.counts["articles_new"] == second.counts["articles_updated"] == 0
    # Only robots.txt, the start page, sitemaps and the feed, all answered 304 or tiny.
    assert all(status in (200, 304) for _, _, status in again)
    assert [path for _, path, status in again if status == 200] == ["/robots.txt"]
    db = sqlite3.connect(tmp_path / "news.db")
    assert db.execute("select count(*) from articles").fetchone()[0] == 13
    assert db.execute("select count(*) from crawls where status = 'ok'").fetchone()[0] == 2
