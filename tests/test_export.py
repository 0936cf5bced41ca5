"""Corpus exports (JSON Lines, CSV, Parquet, WARC, filters, incremental, dedup) and reparse.

Everything runs on the demo site crawled by ``run_demo``: a real archive with raw pages,
links between archived articles and URL aliases. Tests that change the archive work on a
copy of it.
"""

from __future__ import annotations

import csv
import gzip
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner
from sqlite_utils.utils import sqlite3

from scraper import ExportError, ExportFilters, export_articles, extract, load_site, reparse
from scraper.cli import main
from scraper.demo import SITE_FILE, run_demo

JSON_COLUMNS = ("authors", "tags", "extraction", "discovery", "blocks")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    return run_demo(tmp_path_factory.mktemp("export-archive"), None, log=lambda _: None)


@pytest.fixture()
def db(demo_db: Path, tmp_path: Path) -> Path:
    """A copy of the demo archive this test may change."""
    copy = tmp_path / "news.db"
    with sqlite3.connect(demo_db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    return copy


@pytest.fixture()
def config(tmp_path: Path) -> Path:
    """The demo site's site file, as the crawl used it (the host does not matter offline)."""
    (tmp_path / "config" / "sites").mkdir(parents=True)
    (tmp_path / "config" / "sites" / "harbourton-herald.toml").write_text(
        SITE_FILE.format(base="http://127.0.0.1"), encoding="utf-8")
    return tmp_path / "config"


def rows(db_path: Path, sql: str, params: list | None = None) -> list[dict]:
    return list(sqlite_utils.Database(db_path).query(sql, params or []))


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_jsonl_round_trips_every_article_field_with_links_nested(demo_db, tmp_path):
    out = tmp_path / "corpus.jsonl"
    assert export_articles(demo_db, str(out), "jsonl") == 14
    exported = read_jsonl(out)
    stored = rows(demo_db, "select * from articles order by id")
    assert len(exported) == len(stored)
    for line, row in zip(exported, stored, strict=True):
        for column, value in row.items():
            expected = json.loads(value) if column in JSON_COLUMNS and value else value
            assert line[column] == expected, (row["id"], column)
        links = rows(demo_db, "select kind, position, title, url, teaser, heading, target_url, "
                     "target_article_id from links where article_id = ? order by id", [row["id"]])
        assert line["links"] == links
        urls = rows(demo_db, "select url, source, first_seen from article_urls "
                    "where article_id = ?", [row["id"]])
        assert sorted(line["urls"], key=str) == sorted(urls, key=str)
    assert not list(tmp_path.glob("*.part"))


def test_csv_has_every_article_column_as_stored(demo_db, tmp_path):
    out = tmp_path / "corpus.csv"
    export_articles(demo_db, str(out), "csv")
    with out.open(encoding="utf-8", newline="") as fh:
        exported = list(csv.DictReader(fh))
    stored = rows(demo_db, "select * from articles order by id")
    assert [r["title"] for r in exported] == [r["title"] for r in stored]
    assert exported[0]["text"] == stored[0]["text"]  # paragraphs survive CSV quoting
    assert list(exported[0]) == list(stored[0])


def test_parquet_opens_with_pyarrow_with_lists_and_nested_links(demo_db, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow (the parquet extra) missing")
    out = tmp_path / "corpus.parquet"
    export_articles(demo_db, str(out), "parquet")
    table = pq.read_table(out)
    assert table.num_rows == 14
    assert str(table.schema.field("authors").type) == "list<element: string>"
    assert str(table.schema.field("word_count").type) == "int64"
    records = table.to_pylist()
    stored = rows(demo_db, "select * from articles order by id")
    assert [r["text"] for r in records] == [r["text"] for r in stored]
    assert [r["authors"] for r in records] == [json.loads(r["authors"]) for r in stored]
    first_links = rows(demo_db, "select * from links where article_id = ? order by id",
                       [stored[0]["id"]])
    assert [link["url"] for link in records[0]["links"]] == [link["url"] for link in first_links]


def _with_local_times(db: Path) -> dict:
    """One article published at 09:30 in Berlin (+01:00), one with a date only."""
    archive = sqlite_utils.Database(db)
    first, second = [r["id"] for r in archive.query("select id from articles order by id")][:2]
    archive["articles"].update(first, {"published": "2026-01-12T09:30:00+01:00",
                                       "modified": "2026-01-13T14:02:00-05:00"})
    archive["articles"].update(second, {"published": "2026-01-19", "modified": None})
    return {"first": first, "second": second}


def test_parquet_has_tz_aware_timestamps_the_page_offset_and_nested_json(db, tmp_path):
    pa = pytest.importorskip("pyarrow", reason="pyarrow (the parquet extra) missing")
    pq = pytest.importorskip("pyarrow.parquet")

    ids = _with_local_times(db)
    out = tmp_path / "corpus.parquet"
    export_articles(db, str(out), "parquet")
    schema = pq.read_schema(out)
    for name in ("published", "modified", "first_seen", "last_seen"):
        assert schema.field(name).type == pa.timestamp("us", tz="UTC"), name
    assert schema.field("published_offset").type == pa.int32()
    assert pa.types.is_struct(schema.field("extraction").type)
    assert pa.types.is_struct(schema.field("discovery").type)
    assert str(schema.field("blocks").type) == "list<element: string>"
    records = {r["id"]: r for r in pq.read_table(out).to_pylist()}
    first, second = records[ids["first"]], records[ids["second"]]
    assert first["published"] == datetime(2026, 1, 12, 8, 30, tzinfo=UTC)
    assert first["published_offset"] == 60 and first["modified_offset"] == -300
    assert second["published"] == datetime(2026, 1, 19, tzinfo=UTC)
    assert second["published_offset"] is None and second["modified"] is None
    assert first["extraction"]["sources"]  # a map: field -> where it came from
    assert dict(first["extraction"]["sources"])["title"] == "selector"
    assert "heading" in {kind for r in records.values() for kind in r["blocks"]}
    assert isinstance(first["urls"][0]["first_seen"], datetime)


def test_pandas_and_duckdb_read_the_parquet_without_casts(db, tmp_path):
    pd = pytest.importorskip("pandas", reason="pandas not installed")
    duckdb = pytest.importorskip("duckdb", reason="duckdb not installed")
    ids = _with_local_times(db)
    out = tmp_path / "corpus.parquet"
    export_articles(db, str(out), "parquet")
    frame = pd.read_parquet(out)
    assert str(frame["published"].dtype).startswith("datetime64") and \
        str(frame["published"].dt.tz) == "UTC"
    row = frame.set_index("id").loc[ids["first"]]
    local = row["published"] + pd.Timedelta(minutes=int(row["published_offset"]))
    assert local.strftime("%H:%M") == "09:30"
    stored = rows(db, "select authors from articles where id = ?", [ids["first"]])[0]
    assert list(row["authors"]) == json.loads(stored["authors"])  # a list, not JSON text
    con = duckdb.connect()
    types = dict(con.execute(f"select column_name, column_type from (describe select * from "
                             f"read_parquet('{out}'))").fetchall())
    assert types["published"] == "TIMESTAMP WITH TIME ZONE"
    assert types["authors"] == "VARCHAR[]"
    assert types["extraction"].startswith("STRUCT(sources MAP(VARCHAR, VARCHAR)")
    per_month = con.execute(f"select count(*) from read_parquet('{out}') where "
                            "published >= timestamptz '2026-03-01 00:00:00+00'").fetchone()[0]
    march = rows(db, "select count(*) as n from articles where published >= '2026-03-01'")
    assert per_month == march[0]["n"]
    titles = con.execute(f"select extraction.sources['title'] from read_parquet('{out}') "
                         "limit 1").fetchone()[0]
    assert titles in ("selector", ["selector"])


def test_warc_replays_to_the_stored_extraction(demo_db, tmp_path, config):
    warcio = pytest.importorskip("warcio.archiveiterator", reason="warcio (the warc extra) missing")
    out = tmp_path / "corpus.warc.gz"
    assert export_articles(demo_db, str(out), "warc") == 14
    with gzip.open(out) as fh:  # per-record gzip: an ordinary gzip stream as a whole
        assert fh.read(8) == b"WARC/1.0"  # the version every replay tool reads
    site = load_site(config / "sites" / "harbourton-herald.toml")
    stored = {r["id"]: r for r in rows(demo_db, "select * from articles")}
    replayed = {}
    with out.open("rb") as fh:
        for record in warcio.ArchiveIterator(fh):
            if record.rec_type == "warcinfo":
                assert b"newsarchive" in record.content_stream().read()
                continue
            assert record.rec_type == "response"
            assert record.http_headers.get_statuscode() == "200"
            body = record.content_stream().read()
            assert int(record.http_headers.get_header("Content-Length")) == len(body)
            uri = record.rec_headers.get_header("WARC-Target-URI")
            article = extract(body, uri, site, record.http_headers.get_header("Content-Type"))
            replayed[int(record.rec_headers.get_header("WARC-Newsarchive-Article-Id"))] = article
    assert set(replayed) == set(stored)
    for article_id, article in replayed.items():
        assert article.text == stored[article_id]["text"]
        assert article.title == stored[article_id]["title"]


def test_filters_select_by_site_section_language_dates_and_text(demo_db, tmp_path):
    def exported(**filters) -> set[str]:
        out = tmp_path / "f.jsonl"
        export_articles(demo_db, str(out), "jsonl", ExportFilters(**filters))
        return {line["title"] for line in read_jsonl(out)}

    def titles(where: str, params: list) -> set[str]:
        return {r["title"] for r in rows(demo_db, f"select title from articles where {where}",
                                         params)}

    assert exported(sections=("City Hall",)) == titles("section = ?", ["City Hall"])
    assert len(exported(sections=("City Hall",))) == 5
    assert exported(sites=("harbourton-herald",)) == titles("1", [])
    assert exported(sections=("city hall",)) == exported(sections=("City Hall",))  # any case
    assert exported(authors=("daniel okafor",)) == titles(
        "authors like '%Daniel Okafor%'", [])
    assert exported(tags=("Ferry",), sections=("Transport",)) <= titles(
        "section = 'Transport'", [])
    assert exported(languages=("en",)) == titles("1", [])  # en matches en-US
    assert exported(languages=("fr",)) == set()
    march = exported(date_from=date(2026, 3, 1), date_to=date(2026, 3, 9))
    assert march == titles("published >= '2026-03-01' and published < '2026-03-10'", [])
    assert 0 < len(march) < 14
    ferry = exported(query="ferry")
    assert "Ferry Strike Called Off After Overnight Talks" in ferry and len(ferry) == 4
    assert exported(query="ferry", sections=("Transport",)) < ferry
    # What a person types: punctuation, apostrophes, a dangling operator.
    assert exported(query="Night-Time") == titles("text like '%night-time%' or "
                                                  "title like '%night-time%'", [])
    assert exported(query="ferry AND") <= ferry
    assert exported(query="ferry OR tram", advanced=True) > ferry


def test_a_filter_naming_nothing_in_the_archive_is_refused_with_the_known_names(demo_db,
                                                                                tmp_path):
    out = tmp_path / "none.jsonl"
    with pytest.raises(ExportError, match=r"no site named 'elsewhere'.*harbourton-herald"):
        export_articles(demo_db, str(out), "jsonl", ExportFilters(sites=("elsewhere",)))
    with pytest.raises(ExportError, match=r"no section named 'Trasnport' in the archive "
                                          r"\(did you mean 'Transport'\?\); sections: City"):
        export_articles(demo_db, str(out), "jsonl", ExportFilters(sections=("Trasnport",)))
    with pytest.raises(ExportError, match="no author named 'Nobody'"):
        export_articles(demo_db, str(out), "jsonl", ExportFilters(authors=("Nobody",)))
    with pytest.raises(ExportError, match="no tag named"):
        export_articles(demo_db, str(out), "jsonl", ExportFilters(tags=("no such tag",)))
    assert not out.exists()


def test_since_last_export_emits_only_new_and_changed_articles(db, tmp_path, config):
    out = str(tmp_path / "nightly.jsonl")
    nightly = ExportFilters(since_last_export=True, name="nightly")
    assert export_articles(db, out, "jsonl", nightly) == 14
    assert export_articles(db, out, "jsonl", nightly) == 0
    other_stream = ExportFilters(since_last_export=True, name="weekly")
    assert export_articles(db, out, "jsonl", other_stream) == 14

    site_file = config / "sites" / "harbourton-herald.toml"
    site_file.write_text(site_file.read_text() + '\n[selectors]\nbody = ".td-post-content p"\n')
    reparse(db, config)  # every text shrinks to its first paragraph: 14 new versions
    sqlite_utils.Database(db)["articles"].insert(
        {"site": "harbourton-herald", "url": "http://127.0.0.1/late-story/", "title": "Late"})
    assert export_articles(db, out, "jsonl", nightly) == 15
    assert export_articles(db, out, "jsonl", nightly) == 0
    state = rows(db, "select * from exports where name = 'nightly'")[0]
    assert state["articles"] == 0 and state["format"] == "jsonl"


def test_dedup_keeps_one_article_per_cluster(db, tmp_path):
    out = str(tmp_path / "dedup.jsonl")
    archive = sqlite_utils.Database(db)
    archive.execute("update articles set cluster_id = null, duplicate_of = null")
    ferries = [r["id"] for r in rows(db, "select id from articles where title like '%Ferry%' "
                                        "order by id")]
    a, b, c, d, e = [r["id"] for r in rows(db, "select id from articles where title not like "
                                            "'%Ferry%' order by id limit 5")]
    archive.execute(f"update articles set cluster_id = 7 where id in ({ferries[0]}, "
                    f"{ferries[1]})")
    archive.execute(f"update articles set duplicate_of = {a} where id in ({b}, {c})")  # copies
    archive.execute(f"update articles set cluster_id = 8 where id in ({c}, {d}, {e})")
    archive.conn.commit()
    assert export_articles(db, out, "jsonl", ExportFilters(dedup=True)) == 14 - 1 - 2 - 1
    kept = read_jsonl(Path(out))
    assert [line["id"] for line in kept if line["cluster_id"] == 7] == [ferries[0]]
    assert [line["id"] for line in kept if line["cluster_id"] == 8] == [d]  # c is a copy
    assert not {b, c} & {line["id"] for line in kept}


def test_a_failed_export_leaves_no_file_and_no_state(db, tmp_path):
    out = tmp_path / "broken.jsonl"
    with pytest.raises(ExportError, match="not a valid FTS5 query"):
        export_articles(db, str(out), "jsonl", ExportFilters(
            query='"unterminated', advanced=True, since_last_export=True))
    assert not out.exists() and not list(tmp_path.glob("*.part"))
    assert rows(db, "select * from exports") == []


def test_export_command_infers_the_format_and_reports_the_count(demo_db, tmp_path):
    runner = CliRunner()
    out = tmp_path / "transport.csv"
    result = runner.invoke(main, ["export", "--db", str(demo_db), "-o", str(out),
                                  "--section", "Transport"])
    assert result.exit_code == 0, result.output
    transport = rows(demo_db, "select count(*) as n from articles where section = 'Transport'")
    assert f"exported {transport[0]['n']} articles" in result.output
    assert out.read_text("utf-8").startswith("id,site,url,")
    result = runner.invoke(main, ["export", "--db", str(demo_db), "-o", "-", "--from",
                                  "2026-03-11", "--to", "2026-03-11"])
    assert json.loads(result.stdout.splitlines()[0])["published"].startswith("2026-03-11")
    result = runner.invoke(main, ["export", "--db", str(demo_db), "-o", "x.unknown"])
    assert result.exit_code == 2 and "--format" in result.output


def test_reparse_with_a_changed_site_file_keeps_old_versions_without_network(db, config):
    before = {r["id"]: r for r in rows(db, "select * from articles")}
    site_file = config / "sites" / "harbourton-herald.toml"
    site_file.write_text(site_file.read_text() + '\n[selectors]\nbody = ".td-post-content p"\n')
    report = reparse(db, config)  # the demo site is no longer served: any fetch would fail
    assert report.sites["harbourton-herald"]["updated"] == 14
    for row in rows(db, "select * from articles"):
        old = before[row["id"]]
        assert row["version"] == 2
        assert row["text"] == old["text"].split("\n\n")[0]
        version = rows(db, "select * from article_versions where article_id = ?", [row["id"]])
        assert [v["text"] for v in version] == [old["text"]]
        assert json.loads(version[0]["changed"]) == ["text"]
    fetches = rows(db, "select * from fetches where crawl_id = ?", [report.crawl_id])
    assert {(f["outcome"], f["attempts"], f["bytes"]) for f in fetches} == {("reparsed", 0, 0)}
    crawl = rows(db, "select * from crawls where id = ?", [report.crawl_id])[0]
    assert crawl["status"] == "ok" and crawl["articles_updated"] == 14


def test_reparse_with_the_same_adapter_changes_nothing(db, config):
    before = rows(db, "select id, title, text, version, links from articles join "
                  "(select article_id, group_concat(url) as links from links group by "
                  "article_id) on article_id = id order by id")
    report = reparse(db, config, ["harbourton-herald"])
    assert report.sites["harbourton-herald"] == {"unchanged": 14}
    after = rows(db, "select id, title, text, version, links from articles join "
                 "(select article_id, group_concat(url) as links from links group by "
                 "article_id) on article_id = id order by id")
    assert after == before
    assert rows(db, "select count(*) as n from article_versions")[0]["n"] == 0


def test_reparse_command_refuses_an_unknown_site(db, config):
    result = CliRunner().invoke(main, ["reparse", "--db", str(db), "--config", str(config),
                                       "--site", "nope"])
    assert result.exit_code == 3 and "no valid site file for nope" in result.output
    assert rows(db, "select count(*) as n from crawls")[0]["n"] == 1

