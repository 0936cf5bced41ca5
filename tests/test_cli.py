"""The `newsarchive` command, through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from conftest import SEED_ARTICLE, write_site
from sqlite_utils.utils import sqlite3

from scraper.cli import EXIT_CONFIG, main

FIELDS = {"url", "canonical_url", "title", "section", "authors", "published", "modified",
          "language", "tags", "lead", "text", "links"}


def test_extract_prints_the_article_as_one_json_object(seed_dir: Path, seed_expected, tmp_path):
    config = tmp_path / "config"
    write_site(config, "seedsite", """
        name = "seedsite"
        extends = "wordpress-tagdiv"
        start_urls = ["https://www.iran-news-desk.example/"]
    """)
    page = seed_dir / SEED_ARTICLE.strip("/") / "index.html"
    result = CliRunner().invoke(main, ["extract", str(page), "--site", "seedsite",
                                       "--config", str(config)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= FIELDS
    expected = seed_expected["articles"][SEED_ARTICLE]
    assert data["title"] == expected["title"]
    assert data["text"].split("\n\n") == expected["body_paragraphs"]
    assert set(data["links"][0]) >= {"kind", "position", "title", "url", "teaser"}


def test_extract_fetches_a_url_from_a_local_server(seed_server):
    result = CliRunner().invoke(main, ["extract", f"{seed_server.base_url}{SEED_ARTICLE}"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["title"].startswith("Western Policymakers")
    assert data["sources"]["links"] == "heuristic"  # no site file: the generic fallback
    assert {"latest", "must_read", "related", "recommended"} <= {
        link["kind"] for link in data["links"]}


def test_extract_of_a_missing_file_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["extract", str(tmp_path / "nope.html")])
    assert result.exit_code == 1
    assert "cannot read" in result.output


def test_sites_lists_and_check_validates(tmp_path):
    config = tmp_path / "config"
    write_site(config, "good", 'name = "good"\nextends = "generic"\n'
               'start_urls = ["https://a.example/"]\n')
    runner = CliRunner()
    listed = runner.invoke(main, ["sites", "--config", str(config)])
    assert listed.exit_code == 0 and listed.output.startswith("good\tgeneric\t")
    assert runner.invoke(main, ["sites", "--check", "--config", str(config)]).exit_code == 0
    write_site(config, "broken", 'name = "broken"\nextends = "generic"\nstart_urls = 3\n')
    checked = runner.invoke(main, ["sites", "--check", "--config", str(config)])
    assert checked.exit_code == EXIT_CONFIG
    assert "broken.toml:3: 'start_urls' must be a list" in checked.output


def test_the_repository_site_files_are_valid():
    result = CliRunner().invoke(main, ["sites", "--check", "--config",
                                       str(Path(__file__).resolve().parents[1] / "config")])
    assert result.exit_code == 0, result.output


def test_demo_crawls_the_bundled_site_into_a_browsable_archive(tmp_path):
    out = tmp_path / "demo"
    result = CliRunner().invoke(main, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"datasette {out}/" in result.output
    assert (out / "metadata.yml").exists()
    db = sqlite3.connect(out / "news.db")
    assert db.execute("select count(*) from articles").fetchone()[0] == 14
    assert db.execute("select count(distinct kind) from links").fetchone()[0] >= 4
