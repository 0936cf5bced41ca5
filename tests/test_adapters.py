"""Site adapters: selector lists, metadata_first, layout versions, extends = "auto",
forced and more specific languages, and which site file a URL belongs to."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper import SiteConfigError, extract, reparse, site_from_dict
from scraper.cli import main
from scraper.demo import render_demo_site, run_demo

sys.path.insert(0, str(Path(__file__).parent))
from drupalsite import ORIGIN, STORIES, render_drupal_site  # noqa: E402

BASE = {"name": "s", "start_urls": ["https://news.example/"]}
PAGE = """<html lang="en"><head><title>T</title>
<meta property="article:section" content="World">
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "A headline here",
"datePublished": "{published}", "inLanguage": "en-GB"}}</script></head><body>
<article><h1 class="old">Old title markup</h1><h2 class="new">New title markup</h2>
<span class="kicker">Kicker section</span><div class="text"><p>{text}</p></div></article>
</body></html>"""


def _page(published: str = "2024-06-01T10:00:00+00:00") -> str:
    return PAGE.format(published=published, text="Words of the article body here. " * 20)


def test_a_selector_list_is_tried_in_order() -> None:
    site = site_from_dict({**BASE, "selectors": {"title": ["h1.missing", "h2.new", "h1.old"]}})
    article = extract(_page(), "https://news.example/a-b-c/", site)
    assert (article.title, article.sources["title"]) == ("New title markup", "selector")
    assert article.selector_misses == []


def test_metadata_first_takes_the_page_metadata_and_keeps_the_selector_as_fallback() -> None:
    site = site_from_dict({**BASE, "selectors": {"section": ".kicker",
                                                 "metadata_first": ["section"]}})
    article = extract(_page(), "https://news.example/a-b-c/", site)
    assert (article.section, article.sources["section"]) == ("World", "opengraph")
    bare = _page().replace('<meta property="article:section" content="World">', "")
    article = extract(bare, "https://news.example/a-b-c/", site)
    assert (article.section, article.sources["section"]) == ("Kicker section", "selector")


def test_metadata_first_names_fields_only() -> None:
    with pytest.raises(SiteConfigError, match="metadata_first' names 'colour'"):
        site_from_dict({**BASE, "selectors": {"metadata_first": ["colour"]}})


LAYOUTS = {**BASE, "selectors": {"title": "h1.old"},
           "layouts": [{"since": "2025-01-01", "selectors": {"title": "h2.new"}}]}


@pytest.mark.parametrize(("fetched", "title", "layout"), [
    ("2024-12-31T23:00:00+00:00", "Old title markup", None),
    ("2025-01-01T08:00:00+00:00", "New title markup", "2025-01-01"),
])
def test_a_layout_version_is_chosen_by_the_fetch_date(fetched, title, layout) -> None:
    site = site_from_dict(LAYOUTS)
    article = extract(_page(), "https://news.example/a-b-c/", site, fetched=fetched)
    assert article.title == title
    assert article.adapter.get("layout") == layout
    assert article.selector_misses == []


def test_a_saved_page_without_fetch_date_is_read_by_the_layout_of_its_own_date() -> None:
    site = site_from_dict(LAYOUTS)
    old = extract(_page("2023-05-05T10:00:00+00:00"), "https://news.example/a-b-c/", site)
    new = extract(_page("2025-05-05T10:00:00+00:00"), "https://news.example/a-b-c/", site)
    assert (old.title, new.title) == ("Old title markup", "New title markup")
    assert old.adapter["layout_date"] == "2023-05-05 (page date)"


def test_a_layout_entry_with_mistakes_is_refused_with_its_line(tmp_path: Path) -> None:
    from scraper import load_site
    path = tmp_path / "s.toml"
    path.write_text('name = "s"\nstart_urls = ["https://a.example/"]\n[[layouts]]\n'
                    'since = "March"\n[layouts.selectors]\ntitel = "h1"\n')
    with pytest.raises(SiteConfigError) as caught:
        load_site(path)
    text = str(caught.value)
    assert "s.toml:4: a [[layouts]] entry needs 'since" in text
    assert "unknown key 'layouts.selectors.titel'" in text


def test_reparse_of_old_pages_keeps_the_old_layouts_selectors(tmp_path: Path) -> None:
    db = run_demo(tmp_path / "demo", None, log=lambda _: None)
    with sqlite3.connect(db) as conn:
        before = dict(conn.execute("select id, text from articles"))
        newest = max(before)
        conn.execute("update pages set fetched_at = '2024-03-01T00:00:00+00:00'")
        conn.execute("update pages set fetched_at = '2025-02-01T00:00:00+00:00' where id = "
                     "(select page_id from articles where id = ?)", [newest])
    config = tmp_path / "config"
    (config / "sites").mkdir(parents=True)
    # the redesign of 2025 keeps only the first paragraph: a selector that still matches the
    # old pages, and would change every one of them if it were applied to them
    (config / "sites" / "harbourton-herald.toml").write_text(
        'name = "harbourton-herald"\nextends = "wordpress-tagdiv"\n'
        'start_urls = ["http://127.0.0.1/"]\n[[layouts]]\nsince = "2025-01-01"\n'
        '[layouts.selectors]\nbody = ".td-post-content p"\n')
    report = reparse(db, config)
    assert report.sites["harbourton-herald"]["unchanged"] == len(before) - 1
    assert report.sites["harbourton-herald"]["updated"] == 1
    with sqlite3.connect(db) as conn:
        after = dict(conn.execute("select id, text from articles"))
        extraction = json.loads(conn.execute("select extraction from articles where id = ?",
                                             [newest]).fetchone()[0])
    assert {k: v for k, v in after.items() if k != newest} == {
        k: v for k, v in before.items() if k != newest}
    assert after[newest] == before[newest].split("\n\n")[0]
    assert extraction["adapter"]["layout"] == "2025-01-01"


def test_auto_detects_the_preset_per_page_and_records_it(tmp_path: Path) -> None:
    site = site_from_dict({**BASE, "extends": "auto"})
    demo = render_demo_site(tmp_path / "demo")
    page = next(p for p in sorted(demo.rglob("index.html")) if b"td-post-content" in
                p.read_bytes())
    tagdiv = extract(page.read_bytes(), "https://news.example/a-b-c/", site)
    assert tagdiv.adapter["preset"] == "wordpress-tagdiv"
    assert "td-post-content" in tagdiv.adapter["detected"]
    assert tagdiv.sources["title"] == "selector"  # the tagDiv preset's own selector
    drupal_root = render_drupal_site(tmp_path / "drupal")
    story = STORIES[0]
    drupal = extract((drupal_root / "news" / story["slug"] / "index.html").read_bytes(),
                     f"{ORIGIN}/news/{story['slug']}", site)
    assert drupal.adapter["preset"] == "drupal"
    assert "generator 'Drupal 10" in drupal.adapter["detected"]
    plain = extract(_page(), "https://news.example/a-b-c/", site)
    assert plain.adapter == {"preset": "generic", "detected": "no CMS fingerprint"}


def test_auto_sites_are_checked_against_every_preset() -> None:
    with pytest.raises(SiteConfigError, match="invalid CSS selector"):
        site_from_dict({**BASE, "extends": "auto", "selectors": {"title": "h1[[["}})
    assert site_from_dict({**BASE, "extends": "auto"}).extends == "auto"


def test_the_more_specific_language_wins_and_a_site_can_force_one() -> None:
    article = extract(_page(), "https://news.example/a-b-c/")  # html lang=en, JSON-LD en-GB
    assert (article.language, article.sources["language"]) == ("en-GB", "json-ld")
    forced = site_from_dict({**BASE, "force_language": "cy"})
    article = extract(_page(), "https://news.example/a-b-c/", forced)
    assert (article.language, article.sources["language"]) == ("cy", "site")


def test_extract_resolves_a_saved_file_against_its_url_and_finds_its_site(tmp_path: Path):
    config = tmp_path / "config"
    (config / "sites").mkdir(parents=True)
    (config / "sites" / "courier.toml").write_text(
        f'name = "courier"\nextends = "auto"\nstart_urls = ["{ORIGIN}/"]\n')
    root = render_drupal_site(tmp_path / "drupal")
    story = STORIES[0]
    page = root / "news" / story["slug"] / "index.html"
    result = CliRunner().invoke(main, ["extract", str(page), "--config", str(config),
                                       "--url", f"{ORIGIN}/news/{story['slug']}"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["adapter"]["preset"] == "drupal"  # the courier site file, found by host
    assert {link["url"] for link in data["links"]} >= {f"{ORIGIN}/news/{STORIES[1]['slug']}"}
    bare = json.loads(CliRunner().invoke(main, ["extract", str(page), "--config",
                                                str(config)]).output)
    assert bare["adapter"] == {} and all(link["url"].startswith("http://x/")
                                         for link in bare["links"])


def test_a_crawl_of_an_auto_site_records_the_detected_preset(tmp_path: Path) -> None:
    from scraper import crawl
    from scraper.demo import serve_site
    config = tmp_path / "config"
    (config / "sites").mkdir(parents=True)
    with serve_site(render_demo_site(tmp_path / "site")) as server:
        (config / "sites" / "herald.toml").write_text(
            f'name = "herald"\nextends = "auto"\nstart_urls = ["{server.base_url}/"]\n'
            "[politeness]\ndelay = 0\nconcurrency = 4\n")
        report = crawl(config, tmp_path / "news.db")
    assert report.status == "ok" and report.sites["herald"].articles == 14
    with sqlite3.connect(tmp_path / "news.db") as conn:
        stored = [json.loads(e) for (e,) in conn.execute("select extraction from articles")]
        titles = [t for (t,) in conn.execute("select title from articles")]
    assert len(stored) == 14
    assert {e["adapter"]["preset"] for e in stored} == {"wordpress-tagdiv"}
    assert all("td-post-content" in e["adapter"]["detected"] for e in stored)
    assert all(e["sources"]["title"] == "selector" for e in stored) and all(titles)
