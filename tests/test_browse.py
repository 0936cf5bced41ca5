"""The analyst's Datasette: facets, ranked search, canned queries, chart and article page.

A real Datasette serves a crawled demo archive from a configuration directory holding the
project's archive/ (metadata.yml, templates/, plugins/). Before it starts, the fixture makes
the archive look lived-in the way crawls would: one article changed (a version), two
articles marked as duplicates (the dedup columns), and one hostile article whose crawled
title, text and links carry markup that must never reach the page as HTML.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlite_utils
import yaml
from selectolax.lexbor import LexborHTMLParser

from scraper import Archive, extract, load_site
from scraper.cli import ARCHIVE_TEMPLATE, datasette_command
from scraper.demo import SITE_FILE, run_demo
from scraper.store.archive import PageOutcome
from scraper.store.pages import PageReader

FERRY = "Ferry Strike Called Off After Overnight Talks"
CORRECTION = "Correction: an earlier version of this article misnamed the operator."
HOSTILE_TITLE = "<script>alert('title')</script> Hostile headline"
# A site whose articles are all older than the demo site's last 90 days, with the words
# that broke every search path: a hyphen, an apostrophe, dotted initials.
OLD_SITE = "old-gazette"
QAEDA = "Al-Qaeda Cell Disrupted, U.S. Officials Say"
OLD_ARTICLES = [
    {"title": QAEDA, "section": "Iran Terrorism", "authors": ["Reza Kamali"],
     "tags": ["Al Qaeda"], "published": "2025-06-02T11:32:18+02:00",
     "text": "U.S. officials said on Tuesday that an Al-Qaeda cell had been disrupted.\n\n"
             "What the officials said\n\nIran's foreign ministry denied any link.",
     "blocks": ["paragraph", "heading", "paragraph"],
     "discovery": {"source": "sitemap", "found_in": "https://old.example/sitemap.xml",
                   "title": "Al-Qaeda cell disrupted ’ update"}},
    {"title": "Harbour Board Publishes Its Annual Report", "section": "Business",
     "authors": ["Ana Ruiz"], "tags": ["Harbour"], "published": "2025-05-20T09:00:00+00:00",
     "text": "The harbour board published its annual report on Monday.", "blocks": ["paragraph"]},
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_browse_archive(out: Path) -> Path:
    """The demo archive as ``datasette DIR/`` serves it, with a version, duplicates and a
    hostile article; returns the database path."""
    db_path = run_demo(out, ARCHIVE_TEMPLATE, log=lambda _: None)
    site_file = out / "harbourton-herald.toml"
    site_file.write_text(SITE_FILE.format(base="http://127.0.0.1"), encoding="utf-8")
    site = load_site(site_file)
    site_file.unlink()
    with Archive(db_path) as archive:
        db = archive.db
        ferry = next(db["articles"].rows_where("title = ?", [FERRY]))
        page = next(db.query("select * from pages where id = ?", [ferry["page_id"]]))
        body = PageReader(db.conn).body(page["body"], page["compression"],
                                        page["dictionary_id"])
        article = extract(body, page["final_url"], site)
        article.text += "\n\n" + CORRECTION
        crawl_id = archive.start_crawl([site.name])
        archive.write_batch(crawl_id, [PageOutcome(
            site=site.name, url=page["url"], final_url=page["final_url"], kind="page",
            status=200, outcome="ok", headers=json.loads(page["headers"]), body=body,
            article=article)])
        archive.finish_crawl(crawl_id, "ok", {}, {})
        strike = next(db["articles"].rows_where("title like 'Ferry Crews%'"))
        db["articles"].update(ferry["id"], {"cluster_id": 1})
        db["articles"].update(strike["id"], {"cluster_id": 1, "duplicate_of": ferry["id"]})
        hostile = db["articles"].insert({
            "site": site.name, "url": "http://127.0.0.1/hostile/", "title": HOSTILE_TITLE,
            "section": "<b>Section</b>", "authors": json.dumps(["<i>Eve</i>"]),
            "published": "2026-03-01T10:00:00+00:00", "tags": json.dumps(["<img src=x>"]),
            "text": "First <b>paragraph</b>.\n\n<script>alert('text')</script>",
            "first_seen": "2026-03-01T10:00:00+00:00", "version": 1}).last_pk
        db["links"].insert({"article_id": hostile, "kind": "related", "position": 1,
                            "title": "<em>bad link</em>", "url": "javascript:alert(1)"})
        db["sites"].insert({"name": OLD_SITE, "extends": "generic"})
        for n, old in enumerate(OLD_ARTICLES):
            db["articles"].insert({
                **old, "site": OLD_SITE, "url": f"https://old.example/{n}/",
                **{k: json.dumps(old[k]) for k in ("authors", "tags", "blocks", "discovery")
                   if k in old},
                "word_count": len(old["text"].split()), "first_seen": "2025-06-03T00:00:00+00:00",
                "version": 1})
    return db_path


@contextmanager
def running_datasette(db_path: Path, directory: bool = False) -> Iterator[str]:
    """Datasette as ``newsarchive serve`` starts it, or (``directory``) as ``datasette DIR/``,
    on a free port of 127.0.0.1 for the block: its base URL."""
    port = _free_port()
    command = ([sys.executable, "-m", "datasette", str(db_path.parent), "--port", str(port)]
               if directory else datasette_command(db_path, port))
    process = subprocess.Popen([*command, "--host", "127.0.0.1"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/-/versions.json", timeout=2).read()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"datasette did not start: {process.stderr.read().decode()}")
            time.sleep(0.2)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="module")
def browse_archive(tmp_path_factory) -> Path:
    return build_browse_archive(tmp_path_factory.mktemp("browse-archive"))


@pytest.fixture(scope="module")
def server(browse_archive):
    with running_datasette(browse_archive) as base:
        yield base


def get_json(base: str, path: str, **params) -> object:
    query = urllib.parse.urlencode({"_shape": "array", **params})
    with urllib.request.urlopen(f"{base}{path}?{query}", timeout=10) as response:
        return json.loads(response.read())


def get_html(base: str, path: str, **params) -> LexborHTMLParser:
    query = urllib.parse.urlencode(params)
    with urllib.request.urlopen(f"{base}{path}?{query}", timeout=10) as response:
        return LexborHTMLParser(response.read().decode("utf-8"))


def article_id(db_path: Path, title: str) -> int:
    return next(sqlite_utils.Database(db_path)["articles"].rows_where("title = ?", [title]))["id"]


def test_metadata_describes_every_table_and_column(browse_archive):
    metadata = yaml.safe_load((ARCHIVE_TEMPLATE / "metadata.yml").read_text("utf-8"))
    tables = metadata["databases"]["news"]["tables"]
    db = sqlite_utils.Database(browse_archive)
    for name in db.table_names():
        assert name in tables, f"table {name} is not in metadata.yml"
        if tables[name].get("hidden") and "_fts" in name:
            continue
        assert tables[name].get("description"), f"table {name} has no description"
        undescribed = set(db[name].columns_dict) - set(tables[name].get("columns", {}))
        assert not undescribed, f"{name}: columns without a description: {undescribed}"


def test_internal_tables_are_hidden_and_foreign_keys_show_titles(server):
    tables = {t["name"]: t for t in get_json(server, "/news.json", _shape="objects")["tables"]}
    hidden = {name for name, table in tables.items() if table["hidden"]}
    assert {"pages", "_sqlite_migrations", "articles_fts", "articles_fts_data"} <= hidden
    assert not hidden & {"articles", "links", "article_urls", "article_versions", "crawls"}
    links = get_json(server, "/news/links.json", _shape="objects", _labels="on", _size=1)
    assert isinstance(links["rows"][0]["article_id"], dict)
    assert links["rows"][0]["article_id"]["label"]  # the article's title, not only its id


def test_articles_are_newest_first_with_site_section_author_tag_and_day_facets(server):
    data = get_json(server, "/news/articles.json", _shape="objects", _size=100)
    published = [row["published"] for row in data["rows"]]
    assert published == sorted(published, reverse=True)
    facets = data["facet_results"]
    assert {"site", "section", "authors", "tags", "published", "language"} <= set(facets)
    authors = {f["value"]: f["count"] for f in facets["authors"]["results"]}
    assert authors["Daniel Okafor"] >= 2 and not any(a.startswith("[") for a in authors)
    days = [f["value"] for f in facets["published"]["results"]]
    assert days and all(len(day) == 10 and day[4] == "-" for day in days)
    filtered = get_json(server, "/news/articles.json", authors__arraycontains="Daniel Okafor")
    assert {json.loads(row["authors"]) == ["Daniel Okafor"] for row in filtered} == {True}


def test_search_ranks_title_matches_above_text_matches(server, browse_archive):
    rows = get_json(server, "/news/search.json", q="ferry")
    in_title = ["ferry" in row["title"].lower() for row in rows]
    assert in_title[:2] == [True, True] and not any(in_title[2:]), rows
    assert len(rows) > 2, "expected articles that mention ferry only in their text"
    relevance = [row["relevance"] for row in rows]
    assert relevance == sorted(relevance, reverse=True) and relevance[0] == 100
    assert all(0 <= r <= 100 for r in relevance)
    assert "[ferry" in rows[0]["snippet"].lower()


def test_search_all_searches_the_archive_from_one_box(server):
    pytest.importorskip("datasette_search_all", reason="datasette-search-all not installed")
    index = get_html(server, "/")
    assert index.css_first("form[action='/-/search'] input[name=q]") is not None
    page = get_html(server, "/-/search", q="ferry")
    assert page.css_first("li[data-searchable-url='/news/articles']") is not None


QUERY_PARAMS = {"article_links": {"article_id": "1"}, "search": {"q": "harbour"},
                "new_since": {"since": "2000-01-01"}, "link_graph": {"site": "harbourton-herald"}}


def test_every_canned_query_answers_with_rows(server, browse_archive):
    metadata = get_json(server, "/-/metadata.json", _shape="objects")
    queries = metadata["databases"]["news"]["queries"]
    assert {"articles_per_day", "new_since", "changed_articles", "most_linked", "link_graph",
            "crawl_health", "latest_articles_per_site", "search", "copies_of_article"
            } <= set(queries)
    params = {**QUERY_PARAMS,
              "copies_of_article": {"article_id": str(article_id(browse_archive, FERRY))}}
    for name in queries:
        rows = get_json(server, f"/news/{name}.json", **params.get(name, {}))
        assert rows, f"canned query {name} returned no rows"


def test_canned_queries_answer_what_they_promise(server, browse_archive):
    db = sqlite_utils.Database(browse_archive)
    per_day = get_json(server, "/news/articles_per_day.json", days="3650")
    assert sum(row["articles"] for row in per_day) == db["articles"].count
    assert {tuple(sorted(row)) for row in per_day} == {("articles", "day", "site")}
    assert get_json(server, "/news/new_since.json", since="2999-01-01") == []
    old = sum(1 for row in db["articles"].rows if row["site"] == OLD_SITE)
    assert len(get_json(server, "/news/new_since.json", since="2000-01-01")) == \
        db["articles"].count
    assert len(get_json(server, "/news/new_since.json", since="2026-01-01")) == \
        db["articles"].count - old
    changed = get_json(server, "/news/changed_articles.json")
    assert [row["title"] for row in changed] == [FERRY] and changed[0]["version"] == 2
    graph = get_json(server, "/news/link_graph.json", site="harbourton-herald")
    edges = db.execute("select count(distinct article_id || ':' || kind || ':' || "
                       "target_article_id) from links where target_article_id is not null"
                       ).fetchone()[0]
    assert len(graph) == edges and all(row["target_title"] for row in graph)
    health = get_json(server, "/news/crawl_health.json")
    assert {"ok", "not_article"} <= {row["outcome"] for row in health}


def test_articles_per_day_is_drawn_as_a_chart(server):
    rows = get_json(server, "/news/articles_per_day.json")
    page = get_html(server, "/news/articles_per_day")
    svg = page.css_first("svg.per-day-chart")
    assert svg is not None
    assert len(svg.css("rect.bar")) == len(rows)  # one bar segment per (day, site) row
    assert "harbourton-herald" in svg.text()


def test_article_page_reads_like_an_article(server, browse_archive):
    db = sqlite_utils.Database(browse_archive)
    ferry = next(db["articles"].rows_where("title = ?", [FERRY]))
    page = get_html(server, f"/news/articles/{ferry['id']}")
    article = page.css_first("article.news-article")
    assert article.css_first("h1.headline").text() == FERRY
    assert " ".join(article.css_first(".byline").text().split()) == "By Daniel Okafor"
    assert article.css_first(".kicker .section").text() == "Transport"
    paragraphs = [p.text() for p in article.css(".article-text p")]
    assert paragraphs == ferry["text"].split("\n\n") and paragraphs[-1] == CORRECTION
    assert [t.text() for t in article.css(".tags .tag")] == json.loads(ferry["tags"])
    assert article.css_first(".dates time").attributes["datetime"] == ferry["published"]

    headings = [h.text() for h in page.css(".link-widgets h3")]
    assert headings[:2] == ["Latest news", "You might also like"]
    latest = page.css(".widget-latest li a.archived")
    targets = db.execute("select target_article_id from links where article_id = ? and "
                         "kind = 'latest' order by position", [ferry["id"]]).fetchall()
    assert [a.attributes["href"] for a in latest] == [f"/news/articles/{t}" for (t,) in targets]

    versions = page.css(".versions li")
    assert len(versions) == 1 and FERRY in versions[0].text() and "text" in versions[0].text()
    aliases = {li.css_first("code").text() for li in page.css(".aliases li")}
    assert ferry["url"] in aliases
    duplicates = page.css_first(".duplicates")
    assert "Ferry Crews Announce" in duplicates.text()
    strike = article_id(browse_archive, "Ferry Crews Announce Three-Day Strike Over Rota Changes")
    strike_page = get_html(server, f"/news/articles/{strike}")
    assert strike_page.css_first(".duplicates a").attributes["href"] == \
        f"/news/articles/{ferry['id']}"


def test_article_page_never_renders_crawled_markup(server, browse_archive):
    hostile = article_id(browse_archive, HOSTILE_TITLE)
    with urllib.request.urlopen(f"{server}/news/articles/{hostile}", timeout=10) as response:
        html = response.read().decode("utf-8")
    assert "<script>alert(" not in html and "<img src=x>" not in html
    assert "<b>paragraph</b>" not in html and "javascript:alert" not in html
    page = LexborHTMLParser(html)
    assert page.css_first("h1.headline").text() == HOSTILE_TITLE
    assert [p.text() for p in page.css(".article-text p")] == [
        "First <b>paragraph</b>.", "<script>alert('text')</script>"]
    bad = page.css_first(".link-widgets li")
    assert bad.css_first("a") is None and "<em>bad link</em>" in bad.text()
