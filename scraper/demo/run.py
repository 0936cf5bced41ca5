"""``newsarchive demo``: the whole pipeline on the bundled demo site, with no internet.

The demo site (``scraper.demo``, tagDiv markup like the seed site) is rendered into a
temporary directory, served on 127.0.0.1, crawled with an ordinary site file that only
names the preset and the start URL, and archived into a Datasette configuration directory.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from ..crawler.run import crawl
from ..store.browsing import copy_datasette_config
from .site import render_demo_site
from .siteserver import serve_site

__all__ = ["run_demo"]

SITE_FILE = """name = "harbourton-herald"
extends = "wordpress-tagdiv"
start_urls = ["{base}/"]

[politeness]
delay = 0          # our own server on 127.0.0.1: no need to wait between requests
concurrency = 4
"""


def run_demo(out_dir: Path, archive_template: Path | None,
             log: Callable[[str], None] = print) -> Path:
    """Crawl the demo site into ``out_dir/news.db``; returns the database path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if archive_template is not None:
        copy_datasette_config(out_dir, archive_template, replace=True)
    db_path = out_dir / "news.db"
    with tempfile.TemporaryDirectory(prefix="newsarchive-demo-") as tmp:
        site_dir = render_demo_site(Path(tmp) / "site")
        with serve_site(site_dir) as server:
            log(f"Serving the demo site at {server.base_url}/")
            config = Path(tmp) / "config"
            (config / "sites").mkdir(parents=True)
            (config / "sites" / "harbourton-herald.toml").write_text(
                SITE_FILE.format(base=server.base_url), encoding="utf-8")
            report = crawl(config, db_path)
    site = report.sites["harbourton-herald"]
    failed = f" ({site.failed} failed: see the fetches table)" if site.failed else ""
    log(f"Crawled {site.fetched} URLs{failed}: {site.articles} article pages, "
        f"{report.counts['articles_new']} new articles archived in {db_path}")
    return db_path
