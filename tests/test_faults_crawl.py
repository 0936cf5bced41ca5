"""The fault matrix, crawl level: every fault a site can throw ends as ONE recorded outcome.

A fixture site served by tests/faultserver.py links to one URL per fault. After a crawl,
``fetches`` holds exactly one row per URL with the documented outcome, the server's request
log reconciles with those rows, and nothing stored before the faults changed. Deadlines,
backoff and caps are shrunk in ``crawl.toml`` so the whole file runs in seconds.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import write_site
from faultserver import FaultServer
from sqlite_utils.utils import sqlite3

from scraper import Archive, ArchiveError, crawl, crawl_sites, load_site
from scraper.config import site_from_dict
from scraper.crawler.parsepage import parse_page
from scraper.crawler.run import fetch_settings
from scraper.urls import canonical_url
from scraper.vocab import OUTCOMES

HTML = "text/html; charset=utf-8"
FAST_CRAWL = """[fetch]
total_timeout = 1.0
connect_timeout = 0.5
max_body_bytes = 1000000
max_decoded_bytes = 2000000
max_attempts = 2
backoff_base = 0.01
backoff_max = 0.05
max_retry_after = 3.0
host_failure_limit = {limit}
"""


def article(title: str, words: str = "", next_page: str | None = None) -> bytes:
    """A tagDiv single post (the wordpress-tagdiv preset's selectors match it)."""
    paragraphs = "".join(f"<p>{title} paragraph {n}: the council met again on Tuesday to "
                         f"discuss the riverside plan. {words}</p>" for n in range(4))
    link = f'<link rel="next" href="{next_page}">' if next_page else ""
    return (f"<!doctype html><html lang='en'><head><title>{title}</title>{link}</head>"
            f"<body class='single single-post'><article class='post'>"
            f"<h1 class='entry-title'>{title}</h1><div class='td-post-header'><span "
            f"class='td-post-date'><time datetime='2024-03-01T10:00:00+00:00'>March 1</time>"
            f"</span></div><div class='td-post-content'>{paragraphs}"
            f"</div></article></body></html>").encode()


def noise(seed: int) -> str:
    """6,000 random words: text that compresses badly and is unlike any other article's."""
    rng = random.Random(seed)
    return " ".join(f"w{rng.randrange(100_000)}" for _ in range(6000))


def listing(paths: list[str]) -> bytes:
    links = "".join(f'<a href="{path}">{n}</a>' for n, path in enumerate(paths))
    return f"<!doctype html><html><body><nav>{links}</nav></body></html>".encode()


def configure(config_dir: Path, server: FaultServer, extra: str = "", limit: int = 100,
              concurrency: int = 4) -> None:
    (config_dir / "crawl.toml").write_text(FAST_CRAWL.format(limit=limit), "utf-8")
    write_site(config_dir, "faulty", f"""
        name = "faulty"
        extends = "wordpress-tagdiv"
        start_urls = ["{server.base_url}/"]
        use_robots_sitemaps = false
        {extra}
        [politeness]
        delay = 0
        concurrency = {concurrency}
        [recrawl]
        recheck_days = 100000
    """)


def rows(db_path: Path, crawl_id: int | None = None) -> dict[str, dict]:
    """The fetches of one crawl (default: the last), by path and query."""
    db = sqlite3.connect(db_path)
    db.row_factory = sqlite3.Row
    crawl_id = crawl_id or db.execute("select max(id) from crawls").fetchone()[0]
    found = db.execute("select * from fetches where crawl_id = ?", [crawl_id]).fetchall()
    return {row["url"].split("/", 3)[3]: dict(row) for row in found}


def assert_one_outcome_per_url(db_path: Path) -> None:
    with sqlite3.connect(db_path) as db:
        assert db.execute("select crawl_id, url, count(*) from fetches group by crawl_id, url "
                          "having count(*) > 1").fetchall() == []


def reconcile(server: FaultServer, db_path: Path) -> tuple[set[str], set[str]]:
    """URLs the server answered (not with a redirect) that no fetch row names, and fetch
    rows that made a request the server never saw: both must be empty."""
    with sqlite3.connect(db_path) as db:
        found = db.execute("select url, final_url, attempts from fetches").fetchall()
    recorded = {u for url, final, _ in found for u in (url, final)}
    requested = {final for _, final, attempts in found if attempts}
    served = {server.url(r.path) for r in server.log
              if r.path != "/robots.txt" and not 300 <= (r.status or 0) < 400}
    return served - recorded, {u for u in requested if u not in served and
                               not any(u == server.url(r.path) for r in server.log)}


# One fixture path per fault, with the outcome the crawl must record for it.
MATRIX = {
    "good-1/": "ok",
    "reset": "network_error",
    "hang": "timeout",
    "drip?interval=0.3": "timeout",
    "huge?length=1&size=5000000": "too_large",
    "huge?length=0&size=5000000": "too_large",
    "gzip-bomb?size=20000000": "too_large",
    "empty": "empty",
    "empty-gzip": "empty",
    "corrupt-gzip": "decode_error",
    "loop?at=a": "redirect_loop",
    "chain?hops=25": "redirect_loop",
    "to-file": "blocked_scheme",
    "redirect?to=http%3A%2F%2F169.254.169.254%2Flatest%2Fmeta-data%2F": "blocked_address",
    "status/503": "http_error",
    "status/404": "http_error",
    "fails-then-ok": "not_article",
    "soft-404": "soft_404",
    "malformed?kind=unclosed": "not_article",
    "malformed?kind=nul": "not_article",
    "mislabeled": "not_article",
    "meta-charset": "not_article",
    "calendar/": "not_article",
    "calendar/?date=2024-07": "trap",
    "events/2999/06/": "trap",
}


@pytest.fixture()
def bystander() -> Iterator[FaultServer]:
    """Another service on 127.0.0.1 (another port): a redirect must never reach it."""
    with FaultServer() as server:
        yield server


def test_every_fault_gets_one_documented_outcome_and_the_log_reconciles(
        config_dir, tmp_path, bystander):
    with FaultServer() as server:
        other_port = f"redirect?to=http%3A%2F%2F{bystander.host.replace(':', '%3A')}%2Fok"
        paths = [p for p in MATRIX if not p.startswith(("calendar/?", "events/"))]
        server.pages.update({
            "/": (200, HTML, listing([f"/{p}" for p in [*paths, other_port,
                                                        "malformed?kind=nested"]])),
            "/good-1/": (200, HTML, article("Good one")),
            "/fails-then-ok": (200, HTML, b"<html><body><p>fine</p></body></html>"),
        })
        configure(config_dir, server)
        report = crawl(config_dir, tmp_path / "news.db")
        found = rows(tmp_path / "news.db")
        missing, unseen = reconcile(server, tmp_path / "news.db")

    def key(path: str) -> str:  # fetches name the URL by its key (scraper/urls.py)
        return canonical_url(f"http://h/{path}").split("/", 3)[3]

    outcomes = {path: found[key(path)]["outcome"] for path in MATRIX}
    assert outcomes == MATRIX
    assert found[key(other_port)]["outcome"] == "blocked_address" and bystander.log == []
    nested = found["malformed?kind=nested"]
    assert nested["outcome"] == "parse_error" and "nested more than" in nested["error"]
    assert found["reset"]["attempts"] == 2 and found["status/503"]["attempts"] == 2
    assert found["hang"]["attempts"] == 1  # a deadline is not retried in the same run
    assert found["events/2999/06/"]["error"] == "calendar" and found["events/2999/06/"][
        "attempts"] == 0
    assert {row["outcome"] for row in found.values()} <= set(OUTCOMES)
    assert_one_outcome_per_url(tmp_path / "news.db")
    assert missing == set() and unseen == set()
    assert report.sites["faulty"].outcomes["trap"] == 2


def test_retry_after_holds_back_the_whole_host(config_dir, tmp_path):
    with FaultServer() as server:
        path = "/retry-after?fails=1&seconds=1"
        server.pages["/"] = (200, HTML, listing([path, *(f"/ok?n={n}" for n in range(6))]))
        configure(config_dir, server, concurrency=1)
        crawl(config_dir, tmp_path / "news.db")
        first_429 = next(r for r in server.log if r.status == 429)
        after = [r.time for r in server.log if r.time > first_429.time]
    assert rows(tmp_path / "news.db")[path.lstrip("/")]["outcome"] == "not_article"
    assert after and min(after) - first_429.time >= 0.95  # no request to the host before it


def test_a_failing_host_is_paused_and_its_urls_kept_for_the_next_run(config_dir, tmp_path):
    broken = [f"/status/503?n={n}" for n in range(8)]
    with FaultServer() as server:
        server.pages["/"] = (200, HTML, listing(broken))
        configure(config_dir, server, limit=3, concurrency=1)
        report = crawl(config_dir, tmp_path / "news.db")
        requests = [r for r in server.log if r.path.startswith("/status/")]
    found = rows(tmp_path / "news.db")
    paused = [p for p, row in found.items() if row["outcome"] == "host_paused"]
    assert len(requests) == 3 * 2  # three URLs, two attempts each, then nothing
    assert len(paused) == 5 and all(found[p]["attempts"] == 0 for p in paused)
    assert "paused" in found[paused[0]]["error"]
    assert report.sites["faulty"].outcomes["host_paused"] == 5
    with sqlite3.connect(tmp_path / "news.db") as db:
        states = {state for (state,) in db.execute(
            "select state from frontier where url like '%/status/503%'")}
    assert states == {"failed"}  # retried by the next run, not dropped


def test_private_addresses_need_the_site_files_permission(config_dir, tmp_path):
    with FaultServer() as server:
        alias = f"localhost:{server.host.rsplit(':', 1)[1]}"
        server.pages["/"] = (200, HTML, listing([f"http://{alias}/ok"]))
        configure(config_dir, server, extra=f'hosts = ["{alias}"]')
        crawl(config_dir, tmp_path / "refused.db")
        refused = rows(tmp_path / "refused.db")["ok"]
        configure(config_dir, server, extra=f'hosts = ["{alias}"]\n'
                                            f'allow_private_hosts = ["{alias}"]')
        crawl(config_dir, tmp_path / "allowed.db")
    assert refused["outcome"] == "blocked_address" and "127.0.0.1" in refused["error"]
    assert rows(tmp_path / "allowed.db")["ok"]["outcome"] == "not_article"


def test_a_404_page_served_with_200_is_a_soft_404(config_dir, tmp_path):
    theme_404 = b"<html><head><title>Oops</title></head><body><p>We lost that one.</p></body>"
    with FaultServer() as server:
        server.pages.update({
            "/": (200, HTML, listing(["/gone-for-real/", "/gone-quietly/"])),
            "/gone-for-real/": (404, HTML, theme_404),
            "/gone-quietly/": (200, HTML, theme_404),
        })
        configure(config_dir, server, concurrency=1)
        crawl(config_dir, tmp_path / "news.db")
    found = rows(tmp_path / "news.db")
    assert found["gone-for-real/"]["outcome"] == "http_error"
    assert found["gone-quietly/"]["outcome"] == "soft_404"
    assert "404 page" in found["gone-quietly/"]["error"]


def test_every_page_of_a_multi_page_article_has_its_own_fetch_row(config_dir, tmp_path):
    with FaultServer() as server:
        server.pages.update({
            "/": (200, HTML, listing(["/long-story/"])),
            "/long-story/": (200, HTML, article("Long story", next_page="/long-story/2/")),
            "/long-story/2/": (200, HTML, article("Long story", "second", "/long-story/3/")),
            "/long-story/3/": (200, HTML, article("Long story", "third")),
        })
        configure(config_dir, server)
        crawl(config_dir, tmp_path / "news.db")
    found = rows(tmp_path / "news.db")
    assert found["long-story/"]["outcome"] == "ok"
    assert found["long-story/2/"]["outcome"] == found["long-story/3/"]["outcome"] == (
        "continuation")
    assert_one_outcome_per_url(tmp_path / "news.db")


def test_a_fault_storm_on_stored_articles_changes_nothing_stored(config_dir, tmp_path):
    db_path = tmp_path / "news.db"
    with FaultServer(faults=("503", "reset", "hang", "empty", "corrupt-gzip")) as server:
        stories = [f"/story-{n}/" for n in range(6)]
        server.pages["/"] = (200, HTML, listing(stories))
        server.pages.update({path: (200, HTML, article(f"Story {path[7]}")) for path in stories})
        configure(config_dir, server)
        crawl(config_dir, db_path)
        db = sqlite3.connect(db_path)
        stored = "select id, url, title, text, content_hash, version from articles order by id"
        before = db.execute(stored).fetchall()
        server.fault_rate = 1.0  # every page, the known stories included, now fails
        crawl(config_dir, db_path)
        assert len(before) == 6 and db.execute(stored).fetchall() == before
        failed = rows(db_path)
        assert {failed[p.lstrip("/")]["outcome"] for p in stories} <= {
            "http_error", "network_error", "timeout", "empty", "decode_error"}
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_a_full_disk_rolls_back_the_batch_and_stops_with_an_archive_error(
        config_dir, tmp_path):
    db_path = tmp_path / "news.db"
    with FaultServer() as server:
        first = [f"/first-{n}/" for n in range(5)]
        server.pages["/"] = (200, HTML, listing(first))
        server.pages.update({p: (200, HTML, article(f"First {p[7]}")) for p in first})
        configure(config_dir, server)
        crawl(config_dir, db_path)
        bulky = [f"/bulky-{n}/" for n in range(30)]
        server.pages["/"] = (200, HTML, listing(first + bulky))
        server.pages.update({p: (200, HTML, article(f"Bulky {p[7:9]}", noise(n)))
                             for n, p in enumerate(bulky)})
        site = load_site(config_dir / "sites" / "faulty.toml")
        archive = Archive(db_path)
        pages = archive.db.execute("pragma page_count").fetchone()[0]
        archive.db.execute(f"pragma max_page_count = {pages + 40}")
        with pytest.raises(ArchiveError, match="cannot write .* rolled back"):
            asyncio.run(crawl_sites([site], archive, fetch_settings(config_dir)))
        archive.close()
        with sqlite3.connect(db_path) as db:
            assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
            titles = {t for (t,) in db.execute("select title from articles")}
            assert {f"First {n}" for n in range(5)} <= titles
            assert db.execute("select count(*) from articles a where not exists "
                              "(select 1 from pages p where p.id = a.page_id)").fetchone()[0] == 0
        report = crawl(config_dir, db_path)  # space again: the next run carries on
    assert report.status == "ok"
    with sqlite3.connect(db_path) as db:
        assert db.execute("select count(*), count(distinct url) from articles").fetchone() == (
            35, 35)


@pytest.mark.parametrize(("title", "soft"), [
    ("Page not found - Daily", True), ("404", True), ("Error 404 | Daily", True),
    ("Oops! That page can\u2019t be found.", True), ("Not Found", True),
    ("404 Media investigation finds leaks", False), ("Missing hiker not found after storm", False),
])
def test_not_found_titles_are_told_from_headlines(title: str, soft: bool) -> None:
    site = site_from_dict({"name": "daily", "start_urls": ["http://daily.example/"]})
    page = parse_page(f"<html><head><title>{title}</title></head><body><p>Text.</p></body>"
                      "</html>".encode(), "text/html", "http://daily.example/a-b-c/", site)
    assert (page.soft_404 is not None) is soft
