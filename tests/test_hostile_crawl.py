"""A hostile site cannot make the crawl loop, starve, stall, ignore a stop or leak a
password (issue 15: sitemaps 3, signals 4, traps 5, regexes 7, credentials 13)."""

from __future__ import annotations

import base64
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import write_site
from faultserver import FaultServer
from hostileserver import REAL_STORIES, HostileServer
from sqlite_utils.utils import sqlite3
from test_faults_crawl import article

from scraper import SiteConfigError, crawl, load_site, urlpatterns
from scraper.cli import EXIT_CONFIG, EXIT_INTERRUPTED, main
from scraper.crawler import frontier

HTML = "text/html; charset=utf-8"


def hostile_site(config_dir: Path, site: HostileServer, extra: str = "",
                 start: str = "/real/", limits: str = "") -> None:
    write_site(config_dir, "hostile", f"""
        name = "hostile"
        extends = "wordpress-tagdiv"
        start_urls = ["{site.base_url}{start}"]
        use_robots_sitemaps = false
        {extra}
        [politeness]
        delay = 0
        concurrency = 1
        [limits]
        {limits}
    """)


def fetch_rows(db_path: Path) -> list[tuple[str, str, str, str | None]]:
    with sqlite3.connect(db_path) as db:
        return db.execute("select kind, url, outcome, error from fetches order by id").fetchall()


# --- 3: sitemaps are budgeted, nest only so deep and stay on the site ----------------------


def test_a_self_feeding_sitemap_index_is_bounded_and_its_articles_still_found(
        config_dir: Path, tmp_path: Path):
    with FaultServer() as elsewhere:
        offsite = elsewhere.url("/other-sitemap.xml")
        with HostileServer(offsite_sitemap=offsite) as site:
            # The other host is allowed by the guard: only the host rule may stop it.
            hostile_site(config_dir, site, f'sitemaps = ["{site.base_url}/sitemap.xml?n=0"]\n'
                         f'allow_private_hosts = ["{elsewhere.host}"]')
            report = crawl(config_dir, tmp_path / "news.db")
            sitemap_requests = site.requests("/sitemap.xml")
        assert elsewhere.log == []  # the off-host child was never requested
    # One index per level up to frontier.MAX_SITEMAP_DEPTH, three children each: 1 + 3 + 9.
    assert len(sitemap_requests) == sum(3 ** d for d in range(frontier.MAX_SITEMAP_DEPTH + 1))
    skipped = report.sites["hostile"].skipped
    assert skipped["sitemap_depth"] > 0 and skipped["offsite"] > 0
    urls = {url.split("/", 3)[3] for kind, url, outcome, _ in fetch_rows(tmp_path / "news.db")
            if outcome == "ok" and kind == "page"}
    assert "story-one/" in urls


def test_the_sitemap_budget_is_a_site_key_and_its_skips_are_counted(config_dir: Path,
                                                                    tmp_path: Path):
    with HostileServer() as site:
        hostile_site(config_dir, site, f'sitemaps = ["{site.base_url}/sitemap.xml?n=0"]',
                     limits="max_sitemaps = 5")
        report = crawl(config_dir, tmp_path / "news.db")
        fetched = site.requests("/sitemap.xml") + site.requests("/articles.xml")
    assert len(fetched) == 5
    assert report.sites["hostile"].skipped["max_sitemaps"] > 0
    assert load_site(config_dir / "sites" / "hostile.toml").max_sitemaps == 5


# --- 4: a stop during the first robots.txt fetch ends the crawl at once ---------------------


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_during_the_first_robots_fetch_stops_the_crawl_at_once(
        signum: int, config_dir: Path, tmp_path: Path):
    (config_dir / "crawl.toml").write_text("[fetch]\ntotal_timeout = 60.0\n", "utf-8")
    db_path = tmp_path / "news.db"
    with HostileServer(robots_hang=60) as site:
        hostile_site(config_dir, site)
        process = subprocess.Popen(
            [sys.executable, "-m", "scraper", "crawl", "--config", str(config_dir), "--db",
             str(db_path), "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            assert site.robots_asked.wait(30), process.stderr.read().decode()
            signalled = time.monotonic()
            process.send_signal(signum)
            code = process.wait(30)
        finally:
            process.kill()
        assert time.monotonic() - signalled < 5  # not the robots.txt deadline of 60 s
    assert code == EXIT_INTERRUPTED, process.stderr.read().decode()
    with sqlite3.connect(db_path) as db:
        assert db.execute("select status from crawls").fetchall() == [("interrupted",)]


def test_out_of_range_politeness_and_limits_are_all_refused_before_any_request(
        config_dir: Path, tmp_path: Path):
    with HostileServer() as site:
        hostile_site(config_dir, site, limits="max_pages = -5\nmax_depth = -1")
        path = config_dir / "sites" / "hostile.toml"
        path.write_text(path.read_text().replace("delay = 0", "delay = -1").replace(
            "concurrency = 1", "concurrency = 0"))
        checked = CliRunner().invoke(main, ["sites", "--check", "--config", str(config_dir)])
        crawled = CliRunner().invoke(main, ["crawl", "--config", str(config_dir),
                                            "--db", str(tmp_path / "news.db")])
        assert site.log == []
    assert checked.exit_code == crawled.exit_code == EXIT_CONFIG
    for key in ("politeness.delay", "politeness.concurrency", "limits.max_pages",
                "limits.max_depth"):
        assert f"'{key}' must be at least" in checked.output
    assert checked.output.count("hostile.toml:") == 4


# --- 5: trap URLs do not use up the room real links need ----------------------------------


def test_a_trap_page_does_not_starve_the_real_links_of_the_next_start_url(
        config_dir: Path, tmp_path: Path):
    with HostileServer(trap_links=2000) as site:
        write_site(config_dir, "hostile", f"""
            name = "hostile"
            extends = "wordpress-tagdiv"
            start_urls = ["{site.base_url}/trap/", "{site.base_url}/real/"]
            [politeness]
            delay = 0
            concurrency = 1
            [limits]
            max_pages = 50
        """)
        report = crawl(config_dir, tmp_path / "news.db")
    rows = fetch_rows(tmp_path / "news.db")
    fetched = {url.split("/", 3)[3] for _, url, outcome, _ in rows if outcome == "ok"}
    assert {p.lstrip("/") for p in REAL_STORIES} <= fetched  # 0 of 5 before the fix
    skipped = report.sites["hostile"].skipped
    assert skipped["query_explosion"] > 1000  # the room is bigger than what traps leave
    assert sum(1 for row in rows if row[2] == "trap") <= frontier.ROOM_PER_PAGE * 50


# --- 7: a catastrophic regex is refused, and matching is time-bounded ----------------------


def test_a_nested_quantifier_pattern_is_refused_with_file_and_line(tmp_path: Path):
    path = write_site(tmp_path, "slow", """
        name = "slow"
        extends = "generic"
        start_urls = ["https://a.example/"]
        deny = ["(a+)+$"]
    """)
    with pytest.raises(SiteConfigError, match=r"slow.toml:4: regular expression '\(a\+\)\+\$'"
                                              r" in 'deny' repeats a group"):
        load_site(path)


def test_a_backtracking_pattern_the_check_misses_cannot_stall_the_crawl(
        route_server, config_dir: Path, tmp_path: Path):
    # Overlapping alternatives: not a nested repeat, still exponential under `re` (days
    # for this link); under the time bound it costs one bound, then counts as a match.
    slow = "/" + "a" * 60 + "!"
    route_server.routes.update({
        "/": (200, HTML, f'<a href="{slow}">x</a><a href="/story-two/">y</a>'.encode()),
        "/story-two/": (200, HTML, article("Story two")),
    })
    write_site(config_dir, "slow", f"""
        name = "slow"
        extends = "wordpress-tagdiv"
        start_urls = ["{route_server.base_url}/"]
        deny = ["(a|aa)+$"]
        [politeness]
        delay = 0
    """)
    report = crawl(config_dir, tmp_path / "news.db")
    assert report.sites["slow"].notes()["slow_patterns"] == ["deny '(a|aa)+$'"]
    assert report.sites["slow"].articles == 1 and slow not in route_server.requests


def test_a_slow_pattern_is_set_apart_and_the_others_still_match():
    patterns = urlpatterns.UrlPatterns(("(a|aa)+$", "/tag/", "(?i)/AUTHOR/"))
    assert patterns.search("https://a.example/" + "a" * 60 + "!", on_timeout=True)
    assert patterns.slow == ["(a|aa)+$"]
    assert patterns.search("https://a.example/tag/x", on_timeout=False)
    assert patterns.search("https://a.example/author/x", on_timeout=False)
    assert not patterns.search("https://a.example/story/", on_timeout=True)


# --- 13: credentials in a start URL are used, never stored or logged ----------------------


def test_credentials_in_a_start_url_are_sent_but_never_stored_or_logged(
        route_server, config_dir: Path, tmp_path: Path):
    seen_auth: list[str | None] = []
    route_server.routes["/"] = (200, HTML, b'<a href="/story-two/">story</a>')
    route_server.routes["/story-two/"] = (200, HTML, article("Story two"))
    host = route_server.base_url.removeprefix("http://")
    write_site(config_dir, "paywalled", f"""
        name = "paywalled"
        extends = "wordpress-tagdiv"
        start_urls = ["http://reader:s3cret@{host}/"]
        [politeness]
        delay = 0
    """)
    original = route_server.httpd.RequestHandlerClass.do_GET

    def recording(handler) -> None:
        seen_auth.append(handler.headers.get("Authorization"))
        original(handler)

    route_server.httpd.RequestHandlerClass.do_GET = recording
    db_path = tmp_path / "news.db"
    result = CliRunner().invoke(main, ["crawl", "--config", str(config_dir), "--db",
                                       str(db_path), "--log-format", "json"])
    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.output
    events = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert {e.get("outcome") for e in events if e["event"] == "fetch"} >= {"ok"}
    expected = "Basic " + base64.b64encode(b"reader:s3cret").decode()
    assert seen_auth and set(seen_auth) == {expected}  # robots.txt and pages: the same host
    with sqlite3.connect(db_path) as db:
        tables = [t for (t,) in db.execute("select name from sqlite_master where type = "
                                           "'table' and name not like '%fts%'")]
        for table in tables:
            for row in db.execute(f"select * from [{table}]"):
                assert not any("s3cret" in str(value) for value in row), table
        start_urls = json.loads(db.execute("select start_urls from sites").fetchone()[0])
    assert start_urls == [f"http://{host}/"]
