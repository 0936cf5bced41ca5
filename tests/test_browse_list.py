"""The archive as a list to scan, with values in its cells, links in its queries and a
chart that says what it shows; and any archive path browsable the same way.

A real Datasette serves the browse archive of test_browse (the demo crawl, a hostile
article, and an older site whose articles fall outside the chart's default window).
"""

from __future__ import annotations

import json
import shutil
import urllib.request

import pytest
import sqlite_utils
import yaml
from click.testing import CliRunner
from test_browse import (
    FERRY,
    OLD_SITE,
    QAEDA,
    article_id,
    build_browse_archive,
    get_html,
    get_json,
    running_datasette,
)

from scraper.cli import ARCHIVE_TEMPLATE, main
from scraper.demo import serve_site


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return build_browse_archive(tmp_path_factory.mktemp("list-archive"))


@pytest.fixture(scope="module")
def server(archive):
    with running_datasette(archive) as base:
        yield base


def test_the_article_list_is_slim_and_links_each_title_to_its_article(server, archive):
    page = get_html(server, "/news/articles")
    heads = [th.text().strip() for th in page.css("table.article-list thead th")]
    assert [h.split()[0] for h in heads] == ["title", "site", "section", "published",
                                            "authors", "words"]
    rows = page.css("table.article-list tbody tr")
    assert len(rows) == sqlite_utils.Database(archive)["articles"].count
    ferry = next(r for r in rows if r.css_first("td.col-title").text().strip() == FERRY)
    assert ferry.css_first("td.col-title a").attributes["href"] == \
        f"/news/articles/{article_id(archive, FERRY)}"
    assert ferry.css_first("td.col-site").text() == "harbourton-herald"
    assert ferry.css_first("td.col-authors").text() == "Daniel Okafor"  # a name, not JSON
    assert not page.css("td.col-text")  # the full text lives on the article page
    # Column descriptions fold away; every column stays one click away.
    assert page.css_first("details.about-columns dt") is not None
    full = page.css_first("a.full-table").attributes["href"]
    table = get_html(server, full.split("?")[0], **dict(
        p.split("=", 1) for p in full.split("?")[1].split("&")))
    columns = {th.attributes.get("data-column") for th in table.css("table.rows-and-columns th")}
    assert {"text", "extraction", "discovery", "blocks", "authors"} <= columns


def test_cells_show_values_not_json_and_json_objects_are_no_facets(server, archive):
    page = get_html(server, "/news/articles", _view="table", _size="max")
    authors = {td.text().strip() for td in page.css("td.col-authors")}
    assert "Daniel Okafor" in authors and not any(a.startswith("[") for a in authors)
    discovery = [td.text() for td in page.css("td.col-discovery") if "sitemap" in td.text()]
    assert discovery and "’" in discovery[0] and "\\u2019" not in discovery[0]
    suggested = page.css_first("p.suggested-facets")
    offered = {a.text() for a in suggested.css("a")} if suggested else set()
    assert not offered & {"extraction", "discovery", "text", "authors", "tags", "blocks"}


def test_canned_queries_link_article_ids_and_titles(server, archive):
    page = get_html(server, "/news/most_linked")
    first = page.css_first("table.rows-and-columns tbody tr")
    link = first.css_first("td.col-article_id a")
    assert link is not None and link.attributes["href"] == f"/news/articles/{link.text()}"
    title = first.css_first("td.col-title a")
    assert title.attributes["href"] == link.attributes["href"]
    graph = get_html(server, "/news/link_graph", site="harbourton-herald")
    assert graph.css_first("td.col-source_id a") and graph.css_first("td.col-target_title a")
    copies = get_html(server, "/news/copies_of_article",
                      article_id=str(article_id(archive, FERRY)))
    assert copies.css_first("td.col-copy_id a") is not None


def test_the_copies_view_lists_each_pair_once(server, archive):
    pairs = get_json(server, "/news/copies.json")
    assert len(pairs) == 1  # the two ferry articles the fixture made copies
    assert pairs[0]["article_id"] < pairs[0]["copy_id"]
    pair = (pairs[0]["article_id"], pairs[0]["copy_id"])
    assert article_id(archive, FERRY) in pair
    for one, other in (pair, pair[::-1]):
        copies = get_json(server, "/news/copies_of_article.json", article_id=str(one))
        assert [row["copy_id"] for row in copies] == [other]
    page = get_html(server, "/news/copies")
    assert page.css_first("td.col-copy_id a") is not None


def test_the_home_page_lists_articles_first_and_descriptions_have_no_backticks(server):
    home = get_html(server, "/")
    tables = [a.text() for a in home.css("p.tables a")]
    assert tables[0] == "articles"
    metadata = yaml.safe_load((ARCHIVE_TEMPLATE / "metadata.yml").read_text("utf-8"))

    def descriptions(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("description", "description_html") and isinstance(value, str):
                    yield value
                yield from descriptions(value)

    assert not [d for d in descriptions(metadata) if "`" in d]
    assert "`" not in get_html(server, "/news").css_first("section.content").text()


def test_the_database_page_lists_the_tables_in_reading_order(server):
    page = get_html(server, "/news")
    tables = [a.text() for a in page.css("div.db-table h3 a")]
    assert tables[:4] == ["articles", "links", "article_versions", "article_urls"]
    assert "frontier" in tables  # the rest still listed (copies is a view)
    assert tables.index("clusters") < tables.index("crawls") < tables.index("frontier")


def test_the_chart_takes_a_window_and_sites_and_says_what_it_leaves_out(server, archive):
    default = get_html(server, "/news/articles_per_day")
    caption = default.css_first("figure.chart figcaption").text()
    assert "the 90 days" in caption and "Outside this window: old-gazette: 2 of 2" in caption
    assert OLD_SITE not in default.css_first("svg.per-day-chart").text()
    link = default.css_first("figure.chart figcaption a").attributes["href"]
    assert link.startswith("/news/articles_per_day?site=old-gazette")
    old = get_html(server, "/news/articles_per_day", site=OLD_SITE)
    assert OLD_SITE in old.css_first("svg.per-day-chart").text()
    assert len(old.css("svg.per-day-chart rect.bar")) == 2
    assert "Outside this window" not in old.css_first("figcaption").text()
    both = get_json(server, "/news/articles_per_day.json", site=f"harbourton-herald,{OLD_SITE}",
                    days="400")
    assert {row["site"] for row in both} == {"harbourton-herald", OLD_SITE}
    week = get_json(server, "/news/articles_per_day.json", days="7", until="2026-03-11")
    assert week and all("2026-03-05" <= row["day"] <= "2026-03-11" for row in week)


def test_an_article_page_shows_its_subheadings_as_headings(server, archive):
    page = get_html(server, f"/news/articles/{article_id(archive, QAEDA)}")
    text = page.css_first(".article-text")
    assert [h.text() for h in text.css("h2.subheading")] == ["What the officials said"]
    assert [p.text() for p in text.css("p")] == [
        "U.S. officials said on Tuesday that an Al-Qaeda cell had been disrupted.",
        "Iran's foreign ministry denied any link."]
    db = sqlite_utils.Database(archive)
    crawled = next(r for r in db["articles"].rows if '"heading"' in (r["blocks"] or ""))
    demo = get_html(server, f"/news/articles/{crawled['id']}")
    heading = crawled["text"].split("\n\n")[json.loads(crawled["blocks"]).index("heading")]
    assert heading in [h.text() for h in demo.css(".article-text h2.subheading")]


def _article_page(base: str, article: int) -> str:
    with urllib.request.urlopen(f"{base}/news/articles/{article}", timeout=10) as response:
        return response.read().decode("utf-8")


def test_any_archive_path_is_served_with_the_archive_configuration(archive, tmp_path):
    other = tmp_path / "other" / "corpus.db"  # no metadata, templates or plugins beside it
    other.parent.mkdir()
    shutil.copy(archive, other)
    with running_datasette(other) as base:
        assert get_json(base, "/-/metadata.json", _shape="objects")["title"] == "newsarchive"
        html = _article_page(base, article_id(other, FERRY))
        assert 'class="news-article"' in html and f">{FERRY}</h1>" in html
        assert get_json(base, "/news/search.json", q="Al-Qaeda")[0]["title"] == QAEDA


def test_a_crawl_into_a_new_directory_makes_a_browsable_archive(tmp_path, config_dir):
    from conftest import write_local_site

    from scraper.demo import render_demo_site

    site_dir = render_demo_site(tmp_path / "site")
    with serve_site(site_dir) as site:
        write_local_site(config_dir, "herald", site.base_url, politeness="concurrency = 4")
        db = tmp_path / "new-dir" / "corpus.db"
        result = CliRunner().invoke(main, ["crawl", "--config", str(config_dir), "--db",
                                           str(db), "-q"])
    assert result.exit_code == 0, result.output
    for part in ("metadata.yml", "templates", "plugins"):
        assert (db.parent / part).exists(), part
    with running_datasette(db, directory=True) as base:  # datasette NEW-DIR/
        first = next(sqlite_utils.Database(db)["articles"].rows)
        assert 'class="news-article"' in _article_page(base, first["id"])
