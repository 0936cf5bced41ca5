"""Every page of a multi-page article is stored, and reparse rebuilds the whole text from
them (real server, real archive, no network for the reparse)."""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import write_local_site
from sqlite_utils.utils import sqlite3
from test_bad_input import HTML, tagdiv_article

from scraper import crawl, export_articles, reparse
from scraper.store.schema import MIGRATIONS
from scraper.warc.ingest import ingest_warc


def _page(n: int, word: str, next_href: str | None) -> bytes:
    html = tagdiv_article("Long story in parts", [f"Part {word} " * 12,
                                                 f"Aside on page {n} " * 8]).decode()
    if next_href:
        html = html.replace("</head>", f'<link rel="next" href="{next_href}"></head>')
    return html.encode()


def _crawl_story(route_server, config_dir, tmp_path):
    route_server.routes.update({
        "/": (200, HTML, b'<html><body><a href="/long-story-in-parts/">x</a></body></html>'),
        "/long-story-in-parts/": (200, HTML, _page(1, "one", "/long-story-in-parts/2/")),
        "/long-story-in-parts/2/": (200, HTML, _page(2, "two", "/long-story-in-parts/3/")),
        "/long-story-in-parts/3/": (200, HTML, _page(3, "three", None)),
    })
    write_local_site(config_dir, "daily", route_server.base_url)
    db_path = tmp_path / "news.db"
    crawl(config_dir, db_path)
    # The site file changes: the asides are no longer part of the text.
    write_local_site(config_dir, "daily", route_server.base_url,
                     '[selectors]\ndrop = ["p:nth-child(2)"]')
    return db_path


def _text(db_path) -> str:
    with sqlite3.connect(db_path) as db:
        return db.execute("select text from articles").fetchone()[0]


def test_reparse_rebuilds_a_multi_page_article_from_all_its_stored_pages(
        route_server, config_dir, tmp_path):
    db_path = _crawl_story(route_server, config_dir, tmp_path)
    assert _text(db_path).count("Aside on page") == 3 * 8
    with sqlite3.connect(db_path) as db:
        assert db.execute("select part, url from pages where part_of is not null order by part"
                          ).fetchall() == [(2, f"{route_server.base_url}/long-story-in-parts/2/"),
                                           (3, f"{route_server.base_url}/long-story-in-parts/3/")]
    requests = len(route_server.requests)
    report = reparse(db_path, config_dir)

    assert len(route_server.requests) == requests  # no network
    assert report.sites["daily"] == Counter({"updated": 1})
    assert [p.split()[1] for p in _text(db_path).split("\n\n")] == ["one", "two", "three"]
    with sqlite3.connect(db_path) as db:
        assert db.execute("select count(*) from article_versions").fetchone()[0] == 1


def test_a_multi_page_article_of_an_older_archive_is_kept_as_it_was(
        route_server, config_dir, tmp_path):
    db_path = _crawl_story(route_server, config_dir, tmp_path)
    with sqlite3.connect(db_path) as db:  # what an archive from before m012 holds
        db.execute("delete from pages where part_of is not null")
        assert db.execute(f"select count(*) from {MIGRATIONS.migrations_table} where name = "
                          "'m012_article_page_parts'").fetchone()[0] == 1
    before = _text(db_path)
    report = reparse(db_path, config_dir)
    assert report.sites["daily"] == Counter({"multi_page_kept": 1})
    assert _text(db_path) == before


def test_a_warc_export_holds_every_page_of_a_multi_page_article(
        route_server, config_dir, tmp_path):
    archiveiterator = pytest.importorskip("warcio.archiveiterator",
                                          reason="warcio (the warc extra) missing")
    db_path = _crawl_story(route_server, config_dir, tmp_path)
    out = tmp_path / "story.warc.gz"
    assert export_articles(db_path, str(out), "warc") == 1
    with out.open("rb") as fh:
        records = [(r.rec_headers.get_header("WARC-Target-URI"),
                    r.rec_headers.get_header("WARC-Newsarchive-Part"),
                    r.content_stream().read())
                   for r in archiveiterator.ArchiveIterator(fh) if r.rec_type == "response"]
    base = f"{route_server.base_url}/long-story-in-parts/"
    assert [(url, part) for url, part, _ in records] == [
        (base, None), (f"{base}2/", "2"), (f"{base}3/", "3")]
    assert [body for _, _, body in records] == [route_server.routes[u.removeprefix(
        route_server.base_url)][2] for u, _, _ in records]

    report = ingest_warc([str(out)], tmp_path / "back.db", config_dir=config_dir, workers=0)
    assert report.counts["articles_new"] == 1
    assert report.skipped["continuation"] == 2  # the later pages are not articles of their own
