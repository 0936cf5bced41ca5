"""Batches are transactions: a kill -9 mid-crawl leaves a valid archive of whole batches."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from conftest import write_site

from scraper.crawl import crawl
from scraper.demo import load_demo_articles, render_demo_site
from scraper.siteserver import serve_site


def _count(db_path, sql: str) -> int:
    try:
        with sqlite3.connect(db_path, timeout=5) as db:
            return db.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:  # tables not created yet
        return 0


def test_kill_9_mid_crawl_leaves_every_committed_batch_and_the_next_run_completes(
        tmp_path, config_dir):
    site_dir = render_demo_site(tmp_path / "site")
    db_path = tmp_path / "news.db"
    with serve_site(site_dir) as server:
        write_site(config_dir, "herald", f"""
            name = "herald"
            extends = "wordpress-tagdiv"
            start_urls = ["{server.base_url}/"]
            [politeness]
            delay = 0.15
            concurrency = 1
        """)
        process = subprocess.Popen(
            [sys.executable, "-m", "scraper", "crawl", "--config", str(config_dir),
             "--db", str(db_path)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while _count(db_path, "select count(*) from articles") == 0:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"crawl ended before its first batch: {process.stderr.read()}")
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)

        db = sqlite3.connect(db_path)
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
        stored = db.execute("select count(*) from articles").fetchone()[0]
        assert 0 < stored < len(load_demo_articles())
        # A batch is all or nothing: no article without its fetch, page and links.
        orphans = db.execute(
            "select count(*) from articles a where not exists "
            "(select 1 from links l where l.article_id = a.id) or a.page_id is null"
        ).fetchone()[0]
        assert orphans == 0
        assert db.execute("select status from crawls").fetchone()[0] == "running"
        db.close()

        report = crawl(config_dir, db_path)
    assert report.status == "ok"
    db = sqlite3.connect(db_path)
    assert db.execute("select count(*) from articles").fetchone()[0] == len(load_demo_articles())
    assert db.execute("select count(distinct url) from articles").fetchone()[0] == len(
        load_demo_articles())


def test_a_site_file_with_only_the_three_fixed_keys_crawls_politely(tmp_path, seed_dir):
    config = tmp_path / "config"
    with serve_site(seed_dir) as server:
        write_site(config, "seed", f"""
            name = "seed"
            extends = "wordpress-tagdiv"
            start_urls = ["{server.base_url}/"]
        """)
        started = time.monotonic()
        report = crawl(config, tmp_path / "news.db", max_pages=2)
        elapsed = time.monotonic() - started
    site = report.sites["seed"]
    db = sqlite3.connect(tmp_path / "news.db")
    kinds = dict(db.execute("select kind, count(*) from fetches group by kind").fetchall())
    # Sitemaps (index + 3) and the feed the home page announces are not pages.
    assert kinds == {"page": 2, "sitemap": 4, "feed": 1}
    assert site.skipped["max_pages"] > 0
    assert report.counts["articles_new"] == 1
    # The preset's default politeness: one second between request starts on the host
    # (robots.txt, four sitemaps, the feed, two pages).
    assert elapsed >= 7.0
