"""The archive as a person sees it: the article, search and chart pages in headless Chromium.

Debian's chromium (``apt-get install chromium``) driven by playwright's Python package; the
browser build playwright would download is never used. Screenshots go to the test's tmp
directory. Every request the pages make must stay on the Datasette server: the archive
loads nothing from the network.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlite_utils
from test_browse import FERRY, build_browse_archive, start_datasette

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

sync_api = pytest.importorskip("playwright.sync_api",
                               reason="playwright not installed (pip install playwright)")
if not Path(CHROMIUM).exists():
    pytest.skip("chromium not found: apt-get install chromium (see .ci/run)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db_path = build_browse_archive(tmp_path_factory.mktemp("browser-archive"))
    process, base = start_datasette(db_path)
    yield base, db_path
    process.terminate()
    process.wait(10)


@pytest.fixture()
def page(server, tmp_path):
    base = server[0]
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=ARGS,
            viewport={"width": 1100, "height": 1400})
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.offsite = []
        page.on("request", lambda request: page.offsite.append(request.url)
                if urlsplit(request.url).netloc != urlsplit(base).netloc
                and not request.url.startswith("data:") else None)
        yield page
        context.close()


def test_article_page_renders_as_an_article_in_chromium(server, page, tmp_path):
    base, db_path = server
    ferry = next(sqlite_utils.Database(db_path)["articles"].rows_where("title = ?", [FERRY]))
    page.goto(f"{base}/news/articles/{ferry['id']}")
    headline = page.locator("article.news-article h1.headline")
    assert headline.inner_text() == FERRY
    assert headline.is_visible()
    font_size = headline.evaluate("h => parseFloat(getComputedStyle(h).fontSize)")
    body_size = page.locator(".article-text p").first.evaluate(
        "p => parseFloat(getComputedStyle(p).fontSize)")
    assert font_size > 1.5 * body_size  # a headline, not a table cell
    assert page.locator(".article-text p").count() == len(ferry["text"].split("\n\n"))
    assert page.locator("details.all-fields table").is_hidden()  # the raw row stays folded
    page.locator(".widget-latest a.archived").first.click()
    page.wait_for_url(f"{base}/news/articles/*")
    assert page.locator("article.news-article h1.headline").inner_text() != FERRY
    page.go_back()
    shot = tmp_path / "article.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert page.offsite == []


def test_search_page_finds_articles_in_chromium(server, page, tmp_path):
    base, _ = server
    pytest.importorskip("datasette_search_all", reason="datasette-search-all not installed")
    page.goto(f"{base}/")
    page.fill("input[name=q]", "ferry")
    page.keyboard.press("Enter")
    page.wait_for_url("**/-/search?q=ferry")
    # The plugin's script fills in each searchable table's best rows from the JSON API.
    page.locator("#search-all-results td", has_text="Ferry Strike").first.wait_for()
    page.screenshot(path=str(tmp_path / "search.png"), full_page=True)
    shown = page.locator("#search-all-results th").evaluate_all(
        "heads => heads.filter(h => h.offsetParent !== null).map(h => h.textContent.trim())")
    assert shown == ["id", "site", "title", "section", "published"]  # not whole texts
    page.locator("#search-all-results td a").first.click()
    assert page.locator("article.news-article h1.headline").inner_text().startswith("Ferry")
    page.goto(f"{base}/news/search?q=ferry")
    first = page.locator("table.rows-and-columns tbody tr").first
    assert "Ferry" in first.inner_text()
    page.screenshot(path=str(tmp_path / "ranked-search.png"), full_page=True)
    assert page.offsite == []


def test_articles_per_day_chart_draws_in_chromium(server, page, tmp_path):
    base, _ = server
    page.goto(f"{base}/news/articles_per_day")
    chart = page.locator("svg.per-day-chart")
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100
    assert page.locator("svg.per-day-chart rect.bar").count() > 0
    chart.screenshot(path=str(tmp_path / "chart.png"))
    assert page.offsite == []
