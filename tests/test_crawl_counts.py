"""The per-site and per-run counts say what happened: requests made, articles new or changed."""

from __future__ import annotations

from click.testing import CliRunner
from conftest import write_local_site
from sqlite_utils.utils import sqlite3
from test_bad_input import HTML, PARAS, tagdiv_article

from scraper import crawl
from scraper.cli import main


def test_a_url_robots_txt_forbids_is_recorded_but_not_counted_as_fetched(
        route_server, config_dir, tmp_path):
    home = (b'<html><body><a href="/open-story-about-town/">open</a>'
            b'<a href="/private/closed-story-about-town/">closed</a></body></html>')
    route_server.routes.update({
        "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /private/\n"),
        "/": (200, HTML, home),
        "/open-story-about-town/": (200, HTML, tagdiv_article("Open story", PARAS)),
        "/private/closed-story-about-town/": (200, HTML, tagdiv_article("Closed", PARAS)),
    })
    write_local_site(config_dir, "daily", route_server.base_url)
    report = crawl(config_dir, tmp_path / "news.db")

    requested = [path for path in route_server.requests if path != "/robots.txt"]
    assert "/private/closed-story-about-town/" not in requested
    assert report.sites["daily"].fetched == report.counts["fetched"] == len(requested)
    assert report.sites["daily"].outcomes["robots_disallowed"] == 1
    with sqlite3.connect(tmp_path / "news.db") as db:
        assert db.execute("select outcome, attempts from fetches where url like "
                          "'%/private/%'").fetchall() == [("robots_disallowed", 0)]


def test_an_article_found_twice_in_its_first_crawl_is_new_once_and_never_unchanged(
        route_server, config_dir, tmp_path):
    base = route_server.base_url
    home = (b'<html><body><a href="/one-story-in-town/">one</a>'
            b'<a href="/one-story-in-town/?from=home">one again</a></body></html>')
    # Its canonical is set aside (a query other than a page number), so the text says it
    # is the same article: the second copy is merged into the first.
    page = tagdiv_article("One story", PARAS * 3).replace(
        b"</head>", f'<link rel="canonical" href="{base}/one-story-in-town/"></head>'.encode())
    route_server.routes.update({"/": (200, HTML, home), "/one-story-in-town/": (200, HTML, page)})
    write_local_site(config_dir, "daily", base)
    report = crawl(config_dir, tmp_path / "news.db")

    assert sum(path.startswith("/one-story-in-town/") for path in route_server.requests) == 2
    assert report.counts["articles_new"] == 1
    assert report.counts["articles_unchanged"] == report.counts["articles_updated"] == 0
    with sqlite3.connect(tmp_path / "news.db") as db:
        assert db.execute("select count(*) from articles").fetchone()[0] == 1


def test_the_demo_site_links_only_to_pages_it_has(tmp_path):
    out = tmp_path / "demo"
    result = CliRunner().invoke(main, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "failed" not in result.output
    with sqlite3.connect(out / "news.db") as db:
        outcomes = dict(db.execute("select outcome, count(*) from fetches group by 1"))
        fetched = db.execute("select fetched, failed from crawls").fetchone()
    assert "http_error" not in outcomes and fetched[1] == 0
    assert f"Crawled {fetched[0]} URLs:" in result.output
