"""The `newsarchive` command, through click's CliRunner."""

from __future__ import annotations

import json
import re
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


def test_without_site_files_crawl_and_sites_are_a_configuration_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for args in (["crawl"], ["sites"], ["sites", "--check"],
                 ["extract", "page.html", "--site", "nope"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == EXIT_CONFIG, (args, result.output)
        assert result.output.startswith("error: no site files: looked for "
                                        "config/sites/*.toml"), result.output
        assert str(tmp_path / "config" / "sites") in result.output
        assert "Traceback" not in result.output and "Errno" not in result.output
    assert not (tmp_path / "archive").exists()  # nothing was created


def test_a_misspelt_site_name_gets_a_suggestion_and_the_list(tmp_path):
    config = tmp_path / "config"
    for name in ("seed-desk", "harbour"):
        write_site(config, name, f'name = "{name}"\nextends = "generic"\n'
                   'start_urls = ["https://a.example/"]\n')
    runner = CliRunner()
    for args in (["crawl", "--db", str(tmp_path / "a.db")], ["extract", "x.html"]):
        result = runner.invoke(main, [*args, "--config", str(config), "--site", "seed-dsk"])
        assert result.exit_code == EXIT_CONFIG
        assert result.output.startswith("error: no valid site file for seed-dsk")
        assert "(did you mean seed-desk?); known sites: harbour, seed-desk" in result.output


def test_every_error_message_starts_the_same_way(tmp_path):
    runner = CliRunner()
    for args in (["export", "--db", str(tmp_path / "missing.db")], ["export", "--format", "x"],
                 ["no-such-command"], ["crawl", "--max-pages", "many"]):
        result = runner.invoke(main, args)
        assert result.exit_code != 0, args
        errors = [line for line in result.output.splitlines() if "rror" in line]
        assert errors and all(line.startswith("error: ") for line in errors), result.output


def test_crawl_progress_on_a_terminal_shows_each_site_with_queue_articles_errors_and_rate(
        tmp_path, config_dir):
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios

    from conftest import write_local_site

    from scraper.demo import render_demo_site, serve_site

    with serve_site(render_demo_site(tmp_path / "site")) as site:
        write_local_site(config_dir, "herald", site.base_url, politeness="concurrency = 4")
        leader, follower = pty.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 140, 0, 0))
        process = subprocess.Popen(
            [sys.executable, "-m", "scraper", "crawl", "--config", str(config_dir), "--db",
             str(tmp_path / "a" / "news.db")], stdout=subprocess.PIPE, stderr=follower)
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the crawl closed its end
                break
            if not chunk:
                break
            shown += chunk
        summary = process.communicate(timeout=60)[0].decode()
        os.close(leader)
    assert process.returncode == 0, shown.decode(errors="replace")
    last = shown.decode().replace("\r", "\n").split("\n")
    line = [x for x in last if x.startswith("herald: fetched")][-1]
    assert "crawl 1 ok: 14 new" in summary
    fetched, failed = re.search(r"herald: (\d+) fetched.*failed (?:http_error )?(\d+)",
                                summary).groups()
    assert line.startswith(f"herald: fetched {fetched} | queued 0 | articles 14 | errors "
                           f"{failed} | "), line
    assert re.search(r" \| [\d.]+ pages/s \| 00:\d\d", line), line  # rate, elapsed
    # Off a terminal (CliRunner's stderr is a pipe): no progress lines, only the summary.
    with serve_site(render_demo_site(tmp_path / "site2")) as site:
        write_local_site(config_dir, "herald", site.base_url)
        result = CliRunner().invoke(main, ["crawl", "--config", str(config_dir), "--db",
                                           str(tmp_path / "b" / "news.db")])
    assert "fetched " not in result.output.split("herald:")[0] and "queued" not in result.output


def test_export_writes_to_standard_output_with_any_case_filters_and_a_bom(tmp_path):
    from scraper.demo import run_demo

    db = run_demo(tmp_path / "demo", None, log=lambda _: None)
    runner = CliRunner()
    result = runner.invoke(main, ["export", "--db", str(db), "--section", "transport"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 3 and {line["section"] for line in lines} == {"Transport"}
    assert "exported 3 articles to standard output (jsonl)" in result.stderr
    by_author = runner.invoke(main, ["export", "--db", str(db), "--author", "DANIEL OKAFOR",
                                     "--tag", "ferry"])
    assert by_author.exit_code == 0
    assert {json.loads(line)["authors"][0] for line in by_author.stdout.splitlines()} == \
        {"Daniel Okafor"}
    out = tmp_path / "excel.csv"
    assert runner.invoke(main, ["export", "--db", str(db), "-o", str(out), "--bom"]
                         ).exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfid,site,")
    assert "’" in out.read_bytes()[3:].decode("utf-8")
    unknown = runner.invoke(main, ["export", "--db", str(db), "-o", str(tmp_path / "n.jsonl"),
                                   "--section", "iran terrorism", "--site", "harbourton"])
    assert unknown.exit_code == 1 and not (tmp_path / "n.jsonl").exists()
    assert "error: no site named 'harbourton' in the archive (did you mean " \
           "'harbourton-herald'?)" in unknown.output
    assert "error: no section named 'iran terrorism' in the archive; sections: City Hall, " \
           "Culture, Sport, Transport" in unknown.output
