"""Politeness by default: a three-key site file crawls with the preset's delays."""

from __future__ import annotations

import time

from conftest import write_site
from sqlite_utils.utils import sqlite3

from scraper import crawl
from scraper.demo import serve_site


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
