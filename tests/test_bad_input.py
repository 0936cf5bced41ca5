"""Bad input gets a clear recorded outcome and loses nothing already stored."""

from __future__ import annotations

import json
from html import escape

from click.testing import CliRunner
from conftest import write_local_site, write_site
from sqlite_utils.utils import sqlite3

from scraper import crawl
from scraper.cli import EXIT_CONFIG, EXIT_SITE_FAILED, main

HTML = "text/html; charset=utf-8"


def tagdiv_article(title: str, paragraphs: list[str], section: str = "World") -> bytes:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!doctype html><html lang="en"><head><title>{escape(title)} - Test Daily</title>
<meta property="og:type" content="article"></head>
<body class="single single-post"><article class="post">
<ul class="td-category"><li class="entry-category">
<a href="/category/world/">{section}</a></li></ul>
<h1 class="entry-title">{escape(title)}</h1>
<div class="td-post-header">
<div class="td-post-author-name"><a href="/author/a/">Ann Writer</a></div>
<span class="td-post-date"><time datetime="2024-03-01T10:00:00+00:00">March 1</time></span></div>
<div class="td-post-content">{body}</div></article></body></html>""".encode()


NO_SELECTOR_MATCH = b"""<!doctype html><html lang="en"><head><title>Redesigned story</title>
<script type="application/ld+json">{"@type": "NewsArticle",
"headline": "A story after the redesign",
"datePublished": "2024-03-02T08:00:00+01:00", "author": {"@type": "Person", "name": "Bo Reporter"}}
</script></head><body class="single single-post"><main><article>
<h2 class="headline">A story after the redesign</h2>
<div class="story-body"><p>The site moved its body into a new container this week, and the old
selectors no longer match anything on the page at all, which is exactly what happens.</p>
<p>The generic extractor still finds this paragraph and the one above it, so nothing is lost
while the site file is being fixed by its owner.</p></div></article></main></body></html>"""

MALFORMED = (b"<html><body>" + b"<div>" * 3000 + b"<p>unclosed <b>bold \x00 nul" +
             b"<table><tr><td>cell" + b"</span>" * 50)

PARAS = ["A first paragraph long enough to be a real paragraph of a real news story here.",
         "A second paragraph, also long enough to count, about what happened next in town."]


def _site_routes() -> dict:
    links = "".join(f'<a href="/{slug}/">{slug.replace("-", " ")}</a>' for slug in (
        "good-story-one", "broken-page-here", "missing-story-page", "server-error-page",
        "no-selector-match-page"))
    return {
        "/": (200, HTML, f"<html><body><nav>{links}</nav></body></html>".encode()),
        "/good-story-one/": (200, HTML, tagdiv_article("Good story one", PARAS)),
        "/broken-page-here/": (200, HTML, MALFORMED),
        "/server-error-page/": (500, HTML, b"<h1>Internal Server Error</h1>"),
        "/no-selector-match-page/": (200, HTML, NO_SELECTOR_MATCH),
    }


def _write(config_dir, base: str) -> None:
    write_local_site(config_dir, "testdaily", base)


def _outcomes(db_path) -> dict[str, tuple]:
    db = sqlite3.connect(db_path)
    rows = db.execute("select url, outcome, status, error from fetches").fetchall()
    return {url.split("/", 3)[3].strip("/"): (outcome, status, error)
            for url, outcome, status, error in rows}


def test_each_bad_page_gets_a_recorded_outcome_and_the_crawl_goes_on(
        route_server, config_dir, tmp_path):
    route_server.routes.update(_site_routes())
    _write(config_dir, route_server.base_url)
    report = crawl(config_dir, tmp_path / "news.db")
    outcomes = _outcomes(tmp_path / "news.db")
    assert outcomes["good-story-one"][0] == "ok"
    assert outcomes["broken-page-here"][:2] == ("not_article", 200)
    assert outcomes["missing-story-page"][:2] == ("http_error", 404)
    assert outcomes["server-error-page"][:2] == ("http_error", 500)
    assert route_server.requests.count("/server-error-page/") == 3  # retried, then given up
    assert outcomes["no-selector-match-page"][0] == "ok"
    assert report.counts["articles_new"] == 2

    db = sqlite3.connect(tmp_path / "news.db")
    text, extraction = db.execute(
        "select text, extraction from articles where title = 'A story after the redesign'"
    ).fetchone()
    assert text.startswith("The site moved its body") and text.count("\n\n") == 1
    warnings = json.loads(extraction)["warnings"]
    assert any("selector title=" in w for w in warnings)
    assert any("selector body=" in w for w in warnings)


def test_a_503_storm_leaves_stored_articles_intact(route_server, config_dir, tmp_path):
    route_server.routes.update(_site_routes())
    _write(config_dir, route_server.base_url)
    crawl(config_dir, tmp_path / "news.db")
    db = sqlite3.connect(tmp_path / "news.db")
    before = db.execute("select id, title, text, content_hash from articles order by id").fetchall()

    storm = (503, HTML, b"<h1>Service Unavailable</h1>")
    route_server.routes.update({path: storm for path in route_server.routes})
    result = CliRunner().invoke(main, ["crawl", "--config", str(config_dir),
                                       "--db", str(tmp_path / "news.db")])
    assert result.exit_code == EXIT_SITE_FAILED, result.output
    assert "FAILED" in result.output
    after = db.execute("select id, title, text, content_hash from articles order by id").fetchall()
    assert after == before and len(after) == 2
    status = db.execute("select status from crawls order by id desc").fetchone()[0]
    assert status == "failed"


def test_a_bad_site_file_is_refused_and_the_other_sites_still_run(
        route_server, config_dir, tmp_path):
    route_server.routes.update(_site_routes())
    _write(config_dir, route_server.base_url)
    write_site(config_dir, "typo", """
        name = "typo"
        extends = "wordpress-tagdiv"
        start_urls = ["https://typo.example/"]
        [selectors]
        titel = "h1"
    """)
    result = CliRunner().invoke(main, ["crawl", "--config", str(config_dir),
                                       "--db", str(tmp_path / "news.db")])
    assert result.exit_code == EXIT_CONFIG
    assert "typo.toml:5: unknown key 'selectors.titel' (did you mean 'title'?)" in result.output
    assert "testdaily: " in result.output
    db = sqlite3.connect(tmp_path / "news.db")
    assert db.execute("select count(*) from articles").fetchone()[0] == 2
