"""Nightly crawls a cron job can trust: incremental, resumable, one at a time."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import write_site
from sqlite_utils.utils import sqlite3

from scraper import crawl
from scraper.cli import EXIT_INTERRUPTED, EXIT_RUNNING, datasette_command, main
from scraper.demo import (
    SiteServer,
    add_articles,
    edit_articles,
    render_demo_site,
    serve_site,
    synthetic_data,
)


def _site_file(config_dir: Path, server: SiteServer, delay: float = 0, concurrency: int = 4):
    write_site(config_dir, "herald", f"""
        name = "herald"
        extends = "wordpress-tagdiv"
        start_urls = ["{server.base_url}/"]
        [politeness]
        delay = {delay}
        concurrency = {concurrency}
    """)


def _articles(db_path: Path) -> set[str]:
    with sqlite3.connect(db_path) as db:
        return {row[0].split("/", 3)[3] for row in db.execute("select url from articles")}


def _count(db_path: Path, sql: str) -> int:
    try:
        with sqlite3.connect(db_path, timeout=5) as db:
            return db.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:  # the crawl has not created the schema yet
        return 0


def _start_crawl(config_dir: Path, db_path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "scraper", "crawl", "--config", str(config_dir), "--db",
         str(db_path), "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for(process: subprocess.Popen, db_path: Path, sql: str, at_least: int) -> None:
    deadline = time.monotonic() + 60
    while _count(db_path, sql) < at_least:
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"crawl ended before {sql} reached {at_least}: "
                        f"{process.stderr.read().decode()}")
        time.sleep(0.02)


def test_second_crawl_costs_nothing_and_third_stores_exactly_the_changes(tmp_path, config_dir):
    data = synthetic_data(300)
    site_dir = render_demo_site(tmp_path / "site", data)
    db_path = tmp_path / "news.db"
    with serve_site(site_dir) as server:
        _site_file(config_dir, server)
        first = crawl(config_dir, db_path)
        assert first.status == "ok"
        assert _articles(db_path) == {f"{a['slug']}/" for a in data["articles"]}

        before = len(server.requests)
        second = crawl(config_dir, db_path)
        again = server.requests[before:]
        # Every request but robots.txt is conditional and answered 304: nothing parsed.
        assert [path for _, path, status in again if status != 304] == ["/robots.txt"]
        assert second.counts["articles_new"] == second.counts["articles_updated"] == 0
        assert len(again) / before < 0.05

        new = add_articles(data, 5)
        edited = [data["articles"][10]["slug"], data["articles"][200]["slug"]]
        edit_articles(data, edited, datetime.fromisoformat("2026-11-20T10:00:00+00:00"))
        render_demo_site(site_dir, data)
        third = crawl(config_dir, db_path)

    assert third.counts["articles_new"] == 5
    assert third.counts["articles_updated"] == 2
    assert _articles(db_path) >= {f"{slug}/" for slug in new}
    with sqlite3.connect(db_path) as db:
        versions = db.execute(
            "select a.url, v.text, a.text, v.changed from article_versions v "
            "join articles a on a.id = v.article_id").fetchall()
        assert sorted(url.split("/")[3] for url, *_ in versions) == sorted(edited)
        for _, old_text, new_text, changed in versions:
            assert new_text == "Correction: " + old_text and changed == '["text"]'
        assert db.execute("select count(*) from articles").fetchone()[0] == 305
        discovery = json.loads(db.execute("select discovery from articles where url like ?",
                                          [f"%{new[-1]}/"]).fetchone()[0])
    # The sitemap and the feed both list the new article: whichever was read first, the
    # stored hint names both sources and keeps the date they gave.
    sources = {discovery["source"]} | {also["source"] for also in discovery.get("also", [])}
    assert sources == {"sitemap", "feed"} and discovery["lastmod"]


@pytest.mark.parametrize("kill_after", [1, 40, 90])
def test_a_crawl_killed_at_any_moment_resumes_to_the_same_archive(tmp_path, config_dir,
                                                                   kill_after):
    data = synthetic_data(120)
    site_dir = render_demo_site(tmp_path / "site", data)
    db_path = tmp_path / "news.db"
    with serve_site(site_dir) as server:
        _site_file(config_dir, server, delay=0.005, concurrency=2)
        process = _start_crawl(config_dir, db_path)
        _wait_for(process, db_path, "select count(*) from articles", kill_after)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
        with sqlite3.connect(db_path) as db:
            assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
            # A batch is all or nothing: no article without its raw page and its links.
            assert db.execute(
                "select count(*) from articles a where a.page_id is null or not exists "
                "(select 1 from links l where l.article_id = a.id)").fetchone()[0] == 0
        fetched_before = {p for _, p, s in server.requests if s == 200}
        resumed_from = len(server.requests)
        report = crawl(config_dir, db_path)
        refetched = {p for _, p, s in server.requests[resumed_from:] if s == 200}
    assert report.status == "ok"
    assert _articles(db_path) == {f"{a['slug']}/" for a in data["articles"]}
    with sqlite3.connect(db_path) as db:
        assert db.execute("select count(*), count(distinct url) from articles"
                          ).fetchone() == (120, 120)
        committed = {row[0].split("/", 3)[3] for row in db.execute(
            "select url from fetches where crawl_id = 1 and outcome = 'ok'")}
    # Nothing fetched and committed before the kill was fetched again.
    article_paths = {f"/{p}" for p in committed if p.count("-") >= 2}
    assert article_paths <= fetched_before
    assert not article_paths & refetched


def test_a_second_crawl_exits_at_once_and_datasette_reads_during_a_crawl(tmp_path, config_dir):
    site_dir = render_demo_site(tmp_path / "site", synthetic_data(150))
    db_path = tmp_path / "news.db"
    with serve_site(site_dir) as server:
        _site_file(config_dir, server, delay=0.02, concurrency=1)
        process = _start_crawl(config_dir, db_path)
        try:
            _wait_for(process, db_path, "select count(*) from articles", 1)
            started = time.monotonic()
            second = CliRunner().invoke(main, ["crawl", "--config", str(config_dir),
                                               "--db", str(db_path)])
            assert second.exit_code == EXIT_RUNNING
            assert "another crawl" in second.output and time.monotonic() - started < 5

            datasette = subprocess.Popen([*datasette_command(db_path, 0), "--host", "127.0.0.1",
                                          "--port", "0"], stdout=subprocess.DEVNULL,
                                         stderr=subprocess.PIPE, text=True)
            try:
                port = _datasette_port(datasette)
                counts = []
                while process.poll() is None and len(counts) < 30:
                    url = f"http://127.0.0.1:{port}/news.json?sql=select+count(*)+from+articles"
                    with urllib.request.urlopen(url, timeout=10) as response:
                        assert response.status == 200
                        counts.append(response.read())
                assert counts
            finally:
                datasette.terminate()
                datasette.wait(10)
        finally:
            process.wait(120)
    assert process.returncode == 0, process.stderr.read().decode()


def _datasette_port(process: subprocess.Popen) -> int:
    """Datasette prints 'Uvicorn running on http://127.0.0.1:PORT' once it listens."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if "running on" in line:
            return int(line.rsplit(":", 1)[1].split()[0].strip("/"))
        if not line and process.poll() is not None:
            break
    pytest.fail("datasette did not start")


def test_sigterm_stops_the_crawl_within_seconds_and_the_next_run_completes(tmp_path,
                                                                           config_dir):
    data = synthetic_data(80)
    site_dir = render_demo_site(tmp_path / "site", data)
    db_path = tmp_path / "news.db"
    with serve_site(site_dir) as server:
        _site_file(config_dir, server, delay=0.05, concurrency=1)
        process = _start_crawl(config_dir, db_path)
        _wait_for(process, db_path, "select count(*) from articles", 1)
        signalled = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(15) == EXIT_INTERRUPTED
        assert time.monotonic() - signalled < 8
        with sqlite3.connect(db_path) as db:
            assert db.execute("select status from crawls").fetchone()[0] == "interrupted"
        report = crawl(config_dir, db_path)
    assert report.status == "ok"
    assert _articles(db_path) == {f"{a['slug']}/" for a in data["articles"]}
