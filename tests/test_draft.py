"""`newsarchive sites new` end to end against sites served on 127.0.0.1: the bundled demo
(tagDiv) and a generated Drupal site with fields no preset knows. The drafted file must
extract what a hand-written one does, on the pages it learnt from and on the others."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper import extract, load_site
from scraper.cli import EXIT_CONFIG, main
from scraper.demo import SITE_FILE, load_demo_articles, render_demo_site, serve_site

sys.path.insert(0, str(Path(__file__).parent))
from drupalsite import HAND_WRITTEN, STORIES, render_drupal_site  # noqa: E402

FIELDS = ("title", "section", "authors", "published", "tags", "lead", "text", "is_article")


def _same(drafted, hand, body: bytes, url: str) -> None:
    a, b = extract(body, url, drafted), extract(body, url, hand)
    for name in FIELDS:
        assert getattr(a, name) == getattr(b, name), (url, name)
    assert [(x.kind, x.position, x.url) for x in a.links] == [
        (x.kind, x.position, x.url) for x in b.links], url
    assert a.selector_misses == [], url


def _new(config: Path, name: str, url: str, *extra: str):
    return CliRunner().invoke(main, ["sites", "new", name, url, "--config", str(config),
                                     *extra])


def test_a_drafted_file_for_the_demo_site_reads_it_as_the_hand_written_one(tmp_path: Path):
    config = tmp_path / "config"
    with serve_site(render_demo_site(tmp_path / "site")) as server:
        result = _new(config, "herald", f"{server.base_url}/", "--pages", "4", "--delay", "0")
        assert result.exit_code == 0, result.output
        assert "extends 'wordpress-tagdiv'" in result.output
        base = server.base_url
    drafted = load_site(config / "sites" / "herald.toml")
    assert drafted.extends == "wordpress-tagdiv"
    hand_path = tmp_path / "hand" / "sites" / "herald.toml"
    hand_path.parent.mkdir(parents=True)
    hand_path.write_text(SITE_FILE.format(base=base), "utf-8")
    hand = load_site(hand_path)
    site_dir = tmp_path / "site"
    for story in load_demo_articles():
        page = site_dir / story["slug"] / "index.html"
        _same(drafted, hand, page.read_bytes(), f"{base}/{story['slug']}/")
    checked = CliRunner().invoke(main, ["sites", "--check", "--config", str(config)])
    assert checked.exit_code == 0, checked.output
    assert len(list((config / "sites" / "herald" / "fixtures").glob("*.html.gz"))) == 4
    tested = CliRunner().invoke(main, ["sites", "test", "herald", "--config", str(config)])
    assert tested.exit_code == 0 and "4 of 4 fixtures extract as saved" in tested.output


@pytest.fixture()
def drupal(tmp_path: Path):
    with serve_site(render_drupal_site(tmp_path / "drupal")) as server:
        yield server


def test_a_drafted_file_for_a_drupal_site_infers_its_own_fields(drupal, tmp_path: Path):
    config = tmp_path / "config"
    started = time.monotonic()
    result = _new(config, "courier", f"{drupal.base_url}/", "--pages", "5", "--delay", "0.2")
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    text = (config / "sites" / "courier.toml").read_text("utf-8")
    assert 'extends = "drupal"' in text
    assert "# title: its text is the JSON-LD/OpenGraph headline on 5 of 5 pages" in text
    for key in ("title", "authors", "tags", "lead", "body"):
        assert f"\n{key} = " in text, key
    # polite: robots.txt read first and obeyed, one request at a time with the delay
    paths = [path for _, path, _ in drupal.requests]
    assert paths[0] == "/robots.txt"
    assert not any(path.startswith("/private/") for path in paths)
    assert elapsed >= 0.2 * (len(paths) - 2)

    drafted = load_site(config / "sites" / "courier.toml")
    hand_path = tmp_path / "hand" / "sites" / "courier.toml"
    hand_path.parent.mkdir(parents=True)
    hand_path.write_text(HAND_WRITTEN.format(start=f"{drupal.base_url}/"), "utf-8")
    hand = load_site(hand_path)
    root = tmp_path / "drupal"
    for story in STORIES:  # the 5 pages it learnt from and the 3 it never saw
        url = f"{drupal.base_url}/news/{story['slug']}/"
        _same(drafted, hand, (root / "news" / story["slug"] / "index.html").read_bytes(), url)
        article = extract((root / "news" / story["slug"] / "index.html").read_bytes(), url,
                          drafted)
        assert (article.title, article.authors) == (story["title"], [story["author"]])
        assert article.text.split("\n\n") == story["paragraphs"]
        assert {link.kind for link in article.links} == {"popular", "related"}
    tested = CliRunner().invoke(main, ["sites", "test", "courier", "--config", str(config)])
    assert tested.exit_code == 0 and "5 of 5 fixtures extract as saved" in tested.output


def test_sites_new_refuses_to_overwrite_and_to_draft_from_nothing(drupal, tmp_path: Path):
    config = tmp_path / "config"
    (config / "sites").mkdir(parents=True)
    (config / "sites" / "courier.toml").write_text("# mine\n")
    taken = _new(config, "courier", f"{drupal.base_url}/", "--delay", "0")
    assert taken.exit_code == EXIT_CONFIG and "exists already" in taken.output
    assert (config / "sites" / "courier.toml").read_text() == "# mine\n"
    nothing = _new(config, "empty", f"{drupal.base_url}/no-such-page/", "--delay", "0")
    assert nothing.exit_code == EXIT_CONFIG and "no article page found" in nothing.output
    assert not (config / "sites" / "empty.toml").exists()
    bad = _new(config, "Bad Name", f"{drupal.base_url}/")
    assert bad.exit_code == EXIT_CONFIG and "site name" in bad.output


def _plain_site(root: Path) -> Path:
    """A hand-made site no preset knows: JSON-LD, an <h1>, the text, a "Most read" box."""
    import html
    import json
    root.mkdir(parents=True)
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    links = "".join(f'<li><a href="/stories/{s["slug"]}.html">{html.escape(s["title"])}</a></li>'
                    for s in STORIES)
    (root / "index.html").write_text(f"<html><body><ul>{links}</ul></body></html>")
    (root / "stories").mkdir()
    for story in STORIES:
        others = "".join(f'<li><a href="/stories/{s["slug"]}.html">{html.escape(s["title"])}'
                         "</a></li>" for s in STORIES if s is not story)
        schema = json.dumps({"@type": "NewsArticle", "headline": story["title"],
                             "datePublished": story["published"]})
        paragraphs = "".join(f"<p>{p}</p>" for p in story["paragraphs"])
        (root / "stories" / f"{story['slug']}.html").write_text(
            f'<html lang="en"><head><script type="application/ld+json">{schema}</script>'
            f'</head><body><div id="page"><h1 class="headline">{html.escape(story["title"])}'
            f'</h1><div class="story-text">{paragraphs}</div><aside class="rail"><h3>Most '
            f"read</h3><ul>{others}</ul></aside></div></body></html>")
    return root


def test_a_drafted_file_for_an_unknown_cms_names_its_widgets_by_heading(tmp_path: Path):
    config = tmp_path / "config"
    with serve_site(_plain_site(tmp_path / "plain")) as server:
        result = _new(config, "plain", f"{server.base_url}/", "--pages", "3", "--delay", "0")
        assert result.exit_code == 0, result.output
        base = server.base_url
    text = (config / "sites" / "plain.toml").read_text("utf-8")
    assert 'extends = "generic"' in text and "detect_widgets = true" in text
    assert '[[widgets]]\n# the generic detection finds \'Most read\' (popular) on 3 of 3' in text
    assert 'kind = "popular"\nheading = "Most read"' in text
    assert 'title = "h1.headline"' in text and 'body = "div.story-text"' in text
    site = load_site(config / "sites" / "plain.toml")
    story = STORIES[-1]  # a page the draft never fetched
    page = (tmp_path / "plain" / "stories" / f"{story['slug']}.html").read_bytes()
    article = extract(page, f"{base}/stories/{story['slug']}.html", site)
    assert article.sources["links"] == "selector"
    assert [link.kind for link in article.links] == ["popular"] * (len(STORIES) - 1)
    assert article.text.split("\n\n") == story["paragraphs"]
