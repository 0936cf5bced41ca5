"""Search that forgives: what a person types works in every search path, FTS5 syntax stays
behind the advanced switch, and no query ever shows an SQL error.

The paths: ``fts_query`` itself, Datasette's table search (``?_search=``, and
``_searchmode=raw``), datasette-search-all (which calls the table search of each table),
the ranked ``search`` query (HTML and JSON) on a real Datasette, and ``export -q``.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pytest
from click.testing import CliRunner
from test_browse import FERRY, QAEDA, build_browse_archive, get_html, get_json, running_datasette

from scraper import QuerySyntaxError, fts_query
from scraper.cli import main

TYPED = ["Al-Qaeda", "Iran's", "U.S.", "ferry AND", "ferry OR", "NOT", '"unbalanced',
         "title:", "(", "-", "*", "ferry*", "NEAR(", "^", "’", ""]


def test_plain_queries_quote_each_word_and_keep_phrases_and_prefixes():
    assert fts_query("Al-Qaeda") == '"Al-Qaeda"'
    assert fts_query("Iran's U.S. ferry AND") == '"Iran\'s" "U.S." "ferry" "AND"'
    assert fts_query('"ferry strike" tram') == '"ferry strike" "tram"'
    assert fts_query("ferr*") == '"ferr"*'
    assert fts_query("") == fts_query("- *") == '""'  # matches nothing, fails nothing


def test_advanced_queries_are_fts5_syntax_and_refused_when_fts5_refuses_them():
    assert fts_query("ferry OR tram", advanced=True) == "ferry OR tram"
    assert fts_query("title:ferry NOT strike", advanced=True) == "title:ferry NOT strike"
    with pytest.raises(QuerySyntaxError, match="not a valid FTS5 query"):
        fts_query("ferry AND", advanced=True)
    with pytest.raises(QuerySyntaxError):
        fts_query("Al-Qaeda", advanced=True)  # FTS5 reads a column named Al


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return build_browse_archive(tmp_path_factory.mktemp("search-archive"))


@pytest.fixture(scope="module")
def server(archive):
    with running_datasette(archive) as base:
        yield base


def _status_and_body(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


@pytest.mark.parametrize("typed", TYPED)
def test_no_typed_query_breaks_the_table_search_or_the_ranked_search(server, typed):
    for path, params in (("/news/articles", {"_search": typed}),
                         ("/news/articles", {"_search": typed, "_searchmode": "raw"}),
                         ("/news/search", {"q": typed}),
                         ("/news/search", {"q": typed, "advanced": "1"})):
        for suffix in ("", ".json"):
            url = f"{server}{path}{suffix}?{urllib.parse.urlencode(params)}"
            status, body = _status_and_body(url)
            assert status == 200, (url, body[:300])
            assert "Invalid SQL" not in body and "syntax error" not in body.lower(), url
            assert "no such column" not in body, url


def test_punctuated_words_find_their_articles_in_the_table_search(server):
    for typed in ("Al-Qaeda", "Iran's", "U.S."):
        rows = get_json(server, "/news/articles.json", _search=typed)
        assert [row["title"] for row in rows] == [QAEDA], typed
    both = get_json(server, "/news/articles.json", _search="ferry AND")
    assert FERRY in {row["title"] for row in both}  # "AND" is a word here: it is in the text
    raw = get_json(server, "/news/articles.json", _search="ferry OR qaeda", _searchmode="raw")
    assert QAEDA in {row["title"] for row in raw} and FERRY in {row["title"] for row in raw}
    refused = get_json(server, "/news/articles.json", _search="Al-Qaeda", _searchmode="raw")
    assert [row["title"] for row in refused] == [QAEDA]  # raw mode, invalid: plain search
    everything = get_json(server, "/news/articles.json", _size="max")
    assert get_json(server, "/news/articles.json", _search=" ", _size="max") == everything


def test_ranked_search_links_results_and_hides_the_sql(server, archive):
    page = get_html(server, "/news/search", q="Al-Qaeda")
    assert page.css_first("title").text().startswith("Al-Qaeda - Search articles")
    assert "select" not in page.css_first("title").text().lower()
    assert page.css_first("textarea#sql-editor") is None and page.css_first("pre#sql-query") is None
    link = page.css_first("table.search-results td.col-title a")
    assert link.text() == QAEDA
    target = get_json(server, "/news/articles.json", title__exact=QAEDA)[0]["id"]
    assert link.attributes["href"] == f"/news/articles/{target}"
    assert page.css_first("td.col-relevance").text().strip() == "100 %"
    assert "[Al-Qaeda]" in page.css_first("td.col-snippet").text()
    advanced = get_html(server, "/news/search", q="ferry AND", advanced="1")
    assert "not valid FTS5 syntax" in advanced.css_first("p.search-note").text()
    assert advanced.css("table.search-results tbody tr")  # searched as words instead
    nothing = get_html(server, "/news/search", q="zzzznothing")
    assert nothing.css_first("p.zero-results").text().startswith("0 results")


def test_search_all_queries_each_table_with_the_same_translation(server):
    pytest.importorskip("datasette_search_all", reason="datasette-search-all not installed")
    page = get_html(server, "/-/search", q="Al-Qaeda")
    searchable = page.css_first("li[data-searchable-url='/news/articles']")
    assert searchable is not None
    # What the plugin's script fetches for each searchable table:
    rows = get_json(server, "/news/articles.json", _search="Al-Qaeda", _size="5",
                    _shape="objects")["rows"]
    assert [row["title"] for row in rows] == [QAEDA]


def test_export_query_takes_what_a_person_types(archive, tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["export", "--db", str(archive), "-q", "Al-Qaeda"])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["title"] for line in result.stdout.splitlines()] == [QAEDA]
    result = runner.invoke(main, ["export", "--db", str(archive), "-q", "ferry OR qaeda",
                                  "--advanced", "-o", str(tmp_path / "x.jsonl")])
    assert result.exit_code == 0 and "exported" in result.output
    result = runner.invoke(main, ["export", "--db", str(archive), "-q", "ferry AND",
                                  "--advanced", "-o", str(tmp_path / "y.jsonl")])
    assert result.exit_code == 1 and result.output.startswith("error: not a valid FTS5 query")
    assert not (tmp_path / "y.jsonl").exists()
