"""The archive as a person sees it: the article, search and chart pages in headless Chromium.

Debian's chromium (``apt-get install chromium``) driven by playwright's Python package; the
browser build playwright would download is never used. Screenshots go to the test's tmp
directory (or to $NEWSARCHIVE_SCREENSHOTS when set, to look at them), and each one is
checked for what it must show. Every request the pages make must stay on the Datasette
server: the archive loads nothing from the network.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlite_utils
from test_browse import FERRY, OLD_SITE, QAEDA, build_browse_archive, running_datasette

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
    with running_datasette(db_path) as base:
        yield base, db_path


@pytest.fixture()
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("NEWSARCHIVE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _shot(page, path: Path) -> Path:
    """A full-page screenshot, checked to be an image of something (not a blank page)."""
    page.screenshot(path=str(path), full_page=True)
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 10_000, path
    return path


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


def test_the_article_list_fits_the_screen_in_chromium(server, page, shots):
    base, db_path = server
    page.goto(f"{base}/news/articles")
    rows = page.locator("table.article-list tbody tr")
    first = rows.first.bounding_box()
    assert first["y"] < 700, first  # not pushed down by 25 column descriptions
    table = page.locator("table.article-list").bounding_box()
    assert table["width"] <= 1100  # no 3,800 px wide table
    heights = rows.evaluate_all("rows => rows.map(r => r.getBoundingClientRect().height)")
    assert len(heights) == sqlite_utils.Database(db_path)["articles"].count
    assert max(heights) < 90  # a line or two each, not the full text
    assert page.locator("details.about-columns dl").is_hidden()  # folded
    _shot(page, shots / "article-list.png")
    page.locator("table.article-list td.col-title a", has_text=FERRY).click()
    assert page.locator("article.news-article h1.headline").inner_text() == FERRY
    assert page.offsite == []


def test_every_column_as_a_table_keeps_rows_a_few_lines_high_in_chromium(server, page,
                                                                         shots):
    base, _ = server
    page.goto(f"{base}/news/articles?_view=table")
    heights = page.locator("table.rows-and-columns tbody tr").evaluate_all(
        "rows => rows.map(r => r.getBoundingClientRect().height)")
    assert heights and max(heights) < 250, heights  # not 680 px of a JSON cell 9 em wide
    assert page.evaluate("document.documentElement.scrollWidth") <= 1100  # the table scrolls
    assert page.locator("table.rows-and-columns th").count() > 20  # every column is there
    _shot(page, shots / "every-column.png")
    assert page.offsite == []


def test_an_article_with_a_subheading_in_chromium(server, page, shots):
    base, db_path = server
    qaeda = next(sqlite_utils.Database(db_path)["articles"].rows_where("title = ?", [QAEDA]))
    page.goto(f"{base}/news/articles/{qaeda['id']}")
    heading = page.locator(".article-text h2.subheading")
    assert heading.inner_text() == "What the officials said" and heading.is_visible()
    sizes = [page.locator(selector).first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)")
        for selector in (".article-text h2.subheading", ".article-text p")]
    assert sizes[0] > 1.15 * sizes[1]  # reads as a heading, not as a paragraph
    _shot(page, shots / "article-subheading.png")
    assert page.offsite == []


def test_a_punctuated_search_links_its_results_in_chromium(server, page, shots):
    base, _ = server
    page.goto(f"{base}/news/search")
    page.fill("input[name=q]", "Al-Qaeda")
    page.keyboard.press("Enter")
    page.wait_for_url("**/news/search?q=Al-Qaeda*")
    assert page.locator(".message-error").count() == 0
    assert page.title().startswith("Al-Qaeda - Search articles")
    link = page.locator("table.search-results td.col-title a")
    assert link.inner_text() == QAEDA
    assert page.locator("td.col-relevance").first.inner_text().strip() == "100 %"
    assert page.locator("#sql-query, #sql-editor").count() == 0
    _shot(page, shots / "search-punctuated.png")
    link.click()
    assert page.locator("article.news-article h1.headline").inner_text() == QAEDA
    assert page.offsite == []


def test_the_chart_shows_an_older_site_in_chromium(server, page, shots):
    base, _ = server
    page.goto(f"{base}/news/articles_per_day")
    caption = page.locator("figure.chart figcaption")
    assert "Outside this window: old-gazette" in caption.inner_text()
    caption.locator("a", has_text=OLD_SITE).click()
    page.wait_for_url(f"**/news/articles_per_day?site={OLD_SITE}*")
    chart = page.locator("svg.per-day-chart")
    assert chart.locator("rect.bar").count() == 2
    assert OLD_SITE in chart.inner_html()
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100
    _shot(page, shots / "chart-older-site.png")
    assert page.offsite == []


def test_search_all_finds_al_qaeda_without_an_error_in_chromium(server, page, shots):
    base, _ = server
    pytest.importorskip("datasette_search_all", reason="datasette-search-all not installed")
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400
            else None)
    page.goto(f"{base}/")
    page.fill("input[name=q]", "Al-Qaeda")
    page.keyboard.press("Enter")
    page.wait_for_url("**/-/search?q=Al-Qaeda")
    title = page.locator("#search-all-results td a", has_text=QAEDA)
    title.wait_for()
    assert "1 result" in page.locator("#search-all-results h2").first.inner_text()
    assert errors == []
    _shot(page, shots / "search-all-al-qaeda.png")
    title.click()
    assert page.locator("article.news-article h1.headline").inner_text() == QAEDA
    assert page.offsite == []
