"""Adapter fixtures end to end: `sites snapshot` against the demo site on 127.0.0.1, then
`sites test` passing, failing field by field after a site-file change, and passing again
once the change is a layout version."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import write_site

from scraper.cli import EXIT_CONFIG, EXIT_SITE_FAILED, main
from scraper.demo import load_demo_articles, render_demo_site, serve_site

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def demo(tmp_path: Path):
    with serve_site(render_demo_site(tmp_path / "site")) as server:
        yield server


def _site_file(config: Path, base: str, extra: str = "") -> Path:
    path = config / "sites" / "herald.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'name = "herald"\nextends = "wordpress-tagdiv"\nstart_urls = ["{base}/"]\n'
                    f"[politeness]\ndelay = 0\n{extra}", "utf-8")
    return path


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_snapshot_saves_the_page_and_its_extraction_politely(demo, tmp_path: Path) -> None:
    config = tmp_path / "config"
    _site_file(config, demo.base_url)
    story = load_demo_articles()[0]
    url = f"{demo.base_url}/{story['slug']}/"
    result = _run("sites", "snapshot", "herald", url, "--config", str(config))
    assert result.exit_code == 0, result.output
    folder = config / "sites" / "herald" / "fixtures"
    (meta_path,) = folder.glob("*.json")
    meta = json.loads(meta_path.read_text("utf-8"))
    assert meta["url"] == url and meta["fetched"].startswith(datetime.now(UTC).date().isoformat())
    assert meta["expected"]["title"] == story["title"]
    assert meta["expected"]["adapter"] == {"preset": "wordpress-tagdiv"}
    assert b"td-post-content" in gzip.decompress(meta_path.with_suffix(".html.gz").read_bytes())
    assert [r[1] for r in demo.requests] == ["/robots.txt", f"/{story['slug']}/"]  # robots first
    refused = _run("sites", "snapshot", "herald", f"{demo.base_url}/wp-admin/x/",
                   "--config", str(config))
    assert refused.exit_code == EXIT_CONFIG and "robots_disallowed" in refused.output
    offsite = _run("sites", "snapshot", "herald", "https://elsewhere.example/a-b-c/",
                   "--config", str(config))
    assert offsite.exit_code == EXIT_CONFIG and "not on site 'herald'" in offsite.output


def test_sites_test_shows_each_changed_field_and_fails_for_cron(demo, tmp_path: Path) -> None:
    config = tmp_path / "config"
    site_file = _site_file(config, demo.base_url)
    for story in load_demo_articles()[:2]:
        assert _run("sites", "snapshot", "herald", f"{demo.base_url}/{story['slug']}/",
                    "--config", str(config)).exit_code == 0
    passed = _run("sites", "test", "--config", str(config))
    assert passed.exit_code == 0, passed.output
    assert "herald: 2 of 2 fixtures extract as saved" in passed.output

    site_file.write_text(site_file.read_text() + '[selectors]\nbody = ".td-post-content p"\n'
                         'title = "h1.entry-title, .td-post-sub-title"\n', "utf-8")
    failed = _run("sites", "test", "herald", "--config", str(config))
    assert failed.exit_code == EXIT_SITE_FAILED
    assert "herald: 0 of 2 fixtures extract as saved" in failed.output
    assert "    text: paragraph 2 of " in failed.output
    quiet = _run("sites", "test", "-q", "--config", str(config))
    assert quiet.exit_code == EXIT_SITE_FAILED and "text:" in quiet.output

    # The same change as a layout version from tomorrow on: the saved pages (fetched today)
    # are read by the layout of their day, so they pass again.
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    site_file.write_text(site_file.read_text().replace(
        "[selectors]", f'[[layouts]]\nsince = "{tomorrow}"\n[layouts.selectors]'), "utf-8")
    again = _run("sites", "test", "--config", str(config))
    assert again.exit_code == 0, again.output


def test_sites_test_update_pins_the_current_extraction(demo, tmp_path: Path) -> None:
    config = tmp_path / "config"
    site_file = _site_file(config, demo.base_url)
    story = load_demo_articles()[0]
    assert _run("sites", "snapshot", "herald", f"{demo.base_url}/{story['slug']}/",
                "--config", str(config)).exit_code == 0
    original = site_file.read_text()
    site_file.write_text(original + '[selectors]\nbody = ".td-post-content p"\n', "utf-8")
    updated = _run("sites", "test", "--update", "--config", str(config))
    assert updated.exit_code == 0 and "updated 1 fixture(s)" in updated.output
    assert _run("sites", "test", "--config", str(config)).exit_code == 0
    site_file.write_text(original, "utf-8")  # the fixture now pins the one-paragraph text
    assert _run("sites", "test", "--config", str(config)).exit_code == EXIT_SITE_FAILED


def test_sites_test_of_an_unknown_site_is_a_configuration_error(tmp_path: Path) -> None:
    write_site(tmp_path, "other", 'name = "other"\nstart_urls = ["https://a.example/"]\n')
    result = _run("sites", "test", "nope", "--config", str(tmp_path))
    assert result.exit_code == EXIT_CONFIG and "no valid site file for nope" in result.output


def test_sites_check_says_what_auto_detected_on_the_fixtures(demo, tmp_path: Path) -> None:
    config = tmp_path / "config"
    path = _site_file(config, demo.base_url)
    path.write_text(path.read_text().replace('"wordpress-tagdiv"', '"auto"'), "utf-8")
    listed = _run("sites", "--check", "--config", str(config))
    assert "herald: detected on each page (no fixtures yet" in listed.output
    story = load_demo_articles()[0]
    assert _run("sites", "snapshot", "herald", f"{demo.base_url}/{story['slug']}/",
                "--config", str(config)).exit_code == 0
    listed = _run("sites", "--check", "--config", str(config))
    assert listed.exit_code == 0, listed.output
    assert "herald\tauto\t" in listed.output
    assert "herald: detected wordpress-tagdiv on 1 of 1 fixtures" in listed.output


def test_the_repository_site_files_pass_their_fixtures() -> None:
    result = _run("sites", "test", "--config", str(ROOT / "config"))
    assert result.exit_code == 0, result.output
    assert "iran-news-desk: 2 of 2 fixtures extract as saved" in result.output
