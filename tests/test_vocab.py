"""One vocabulary (scraper/vocab.py): the YAML, the plugin, the README and the code agree."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import yaml

from scraper import Article, extract, load_site
from scraper.demo import render_demo_site
from scraper.extraction.widgetwords import HEADING_KINDS
from scraper.vocab import (
    FIELD_SOURCES,
    LAYOUT_FIELDS,
    OK_OUTCOMES,
    OUTCOMES,
    SKIP_REASONS,
    TRANSIENT_OUTCOMES,
    TRAP_REASONS,
    WIDGET_KINDS,
)

ROOT = Path(__file__).resolve().parents[1]
METADATA = yaml.safe_load((ROOT / "archive" / "metadata.yml").read_text("utf-8"))
COLUMNS = METADATA["databases"]["news"]["tables"]


def _listed(description: str) -> list[str]:
    """The names after "one of:" in a column description, up to the first '.' or '('."""
    listed = re.split(r"one of:", description, flags=re.I)[1]
    return [name.strip() for name in re.split(r"[.(]", listed)[0].split(",")]


def test_metadata_lists_every_outcome_in_order() -> None:
    assert _listed(COLUMNS["fetches"]["columns"]["outcome"]) == list(OUTCOMES)


def test_metadata_lists_every_widget_kind_in_order() -> None:
    assert _listed(COLUMNS["links"]["columns"]["kind"]) == list(WIDGET_KINDS)


def test_readme_lists_every_outcome() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `fetches` |"))
    assert set(re.findall(r"`([a-z_0-9]+)`", row)) - {"fetches"} == set(OUTCOMES)


def test_outcome_groups_are_outcomes() -> None:
    assert set(OUTCOMES) >= OK_OUTCOMES
    assert set(OUTCOMES) >= TRANSIENT_OUTCOMES
    assert not OK_OUTCOMES & TRANSIENT_OUTCOMES


def test_heading_classes_name_known_widget_kinds() -> None:
    assert {kind for kind, _ in HEADING_KINDS} <= set(WIDGET_KINDS) - {"other"}


def test_article_page_plugin_orders_groups_by_the_vocabulary() -> None:
    spec = importlib.util.spec_from_file_location(
        "article_page", ROOT / "archive" / "plugins" / "article_page.py")
    plugin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plugin)
    links = [{"kind": kind, "heading": None, "position": 1, "url": f"https://x.example/{kind}",
              "title": kind, "target_article_id": None} for kind in reversed(WIDGET_KINDS)]
    groups = plugin.group_links(links, lambda target: f"/news/articles/{target}")
    assert [g["kind"] for g in groups] == list(WIDGET_KINDS)
    assert [g["heading"] for g in groups] == list(WIDGET_KINDS.values())


def test_every_source_the_extractor_records_is_documented(tmp_path: Path) -> None:
    site = load_site(ROOT / "config" / "sites" / "iran-news-desk.toml")
    pages = sorted(render_demo_site(tmp_path).rglob("*.html"))[:40]
    assert len(pages) == 40
    recorded = set()
    for page in pages:
        for adapter in (site, None):
            article: Article = extract(page.read_bytes(), "https://iranwire.example/a-b-c/",
                                       adapter)
            recorded |= set(article.sources.values())
    assert recorded <= set(FIELD_SOURCES)
    assert {"title", "section", "authors", "published", "body"} >= LAYOUT_FIELDS


def test_readme_lists_every_skip_reason() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    start = readme.index("skipped URLs by\nreason")
    listed = re.findall(r"`([a-z_]+)`", readme[start:readme.index(")", start)])
    assert listed == list(SKIP_REASONS)
    assert set(SKIP_REASONS) >= TRAP_REASONS
