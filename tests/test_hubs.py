"""Hub pages are re-checked every run (crawler/hubs.py): on a site without sitemap or feed,
an article that appears on a section page only is found by the next nightly crawl."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from conftest import write_site
from sqlite_utils.utils import sqlite3

from scraper import crawl
from scraper.demo import add_section_articles, render_section_site, section_data, serve_site


def _site_file(config_dir: Path, base: str, extra: str = "") -> None:
    write_site(config_dir, "courier", f"""
        name = "courier"
        start_urls = ["{base}/"]
        [politeness]
        delay = 0
        concurrency = 4
        [limits]
        max_depth = 6
        {extra}
    """)


@contextmanager
def _served(tmp_path: Path, config_dir: Path, per_section: int, extra: str = ""):
    """The section site served, its site file written and crawled once: (data, site
    directory, server, archive path)."""
    data = section_data(per_section)
    site = render_section_site(tmp_path / "site", data)
    db_path = tmp_path / "news.db"
    with serve_site(site) as server:
        _site_file(config_dir, server.base_url, extra)
        crawl(config_dir, db_path)
        yield data, site, server, db_path


def _paths(db_path: Path) -> set[str]:
    with sqlite3.connect(db_path) as db:
        return {"/" + u.split("/", 3)[3] for (u,) in db.execute("select url from articles")}


def test_an_article_on_a_section_page_only_is_found_by_the_next_crawl(tmp_path, config_dir):
    with _served(tmp_path, config_dir, 30) as (data, site, server, db_path):
        assert len(_paths(db_path)) == 120
        mark = len(server.requests)

        new = add_section_articles(data, "news", 3)
        render_section_site(site, data)
        crawl(config_dir, db_path)
        again = server.requests[mark:]

    assert _paths(db_path) >= set(new)
    # robots.txt, the home page (304), the four sections (news 200, the others 304) and the
    # three new articles: nothing else. The news section's second page changed too (its
    # items moved down), but the first one still lists 17 known articles: nothing new below.
    by_path = {path: status for _, path, status in again}
    assert by_path["/"] == 304 and by_path["/news/"] == 200
    assert {by_path[f"/{name}/"] for name in ("sport", "culture", "business")} == {304}
    assert sorted(p for p in by_path if p not in ("/robots.txt", "/")) == sorted(
        ["/news/", "/sport/", "/culture/", "/business/", *new])


def test_a_page_full_of_new_articles_is_followed_to_the_next_listing_page(tmp_path,
                                                                         config_dir):
    with _served(tmp_path, config_dir, 30) as (data, site, server, db_path):
        mark = len(server.requests)
        new = add_section_articles(data, "sport", 26)  # a page of 20 and six more
        render_section_site(site, data)
        report = crawl(config_dir, db_path)
        listings = [p for _, p, _ in server.requests[mark:] if p.startswith("/sport/page/")]
    assert _paths(db_path) >= set(new)
    assert listings == ["/sport/page/2/"]  # page 2 still had 6 new of 20: page 3 was not read
    assert report.sites["courier"].skipped["older_pages"] >= 1


def test_without_hub_re_checks_the_article_is_missed(tmp_path, config_dir):
    with _served(tmp_path, config_dir, 5, "[recrawl]\nhub_depth = 0") as (data, site, _,
                                                                         db_path):
        new = add_section_articles(data, "news", 1)
        render_section_site(site, data)
        crawl(config_dir, db_path)
    assert not _paths(db_path) & set(new)


def test_hub_re_checks_stay_within_the_page_budget_and_max_hubs(tmp_path, config_dir):
    with _served(tmp_path, config_dir, 5) as (_, _, server, db_path):
        _site_file(config_dir, server.base_url, "[recrawl]\nmax_hubs = 2")
        mark = len(server.requests)
        crawl(config_dir, db_path)
        capped = [path for _, path, _ in server.requests[mark:] if path != "/robots.txt"]
        _site_file(config_dir, server.base_url, "max_pages = 3")
        mark = len(server.requests)
        report = crawl(config_dir, db_path)
        budget = [path for _, path, _ in server.requests[mark:] if path != "/robots.txt"]
    sections = {"/news/", "/sport/", "/culture/", "/business/"}
    for run in (capped, budget):  # the start page and two hubs, in whatever order
        assert len(run) == 3 and "/" in run and set(run) - {"/"} <= sections
    assert report.sites["courier"].fetched == 3 and report.sites["courier"].skipped[
        "max_pages"] == 2
