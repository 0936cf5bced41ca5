"""One source for every knob (scraper/knobs.py): the README's tables are derived from it."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from scraper import FetchSettings, SiteConfig, SiteConfigError, WidgetConfig, site_from_dict
from scraper.config import SELECTOR_KEYS
from scraper.knobs import Knob, knobs, markdown_table

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
BASE = {"name": "s", "start_urls": ["https://a.example/"]}


def reference_tables() -> dict[str, str]:
    """The README's three key tables, as the declarations make them."""
    site = knobs(SiteConfig)
    selectors = [Knob(f"selectors.{key}", "selectors", str, None, f"CSS: {doc}")
                 for key, doc in SELECTOR_KEYS.items()]
    plain = [k for k in site if not k.key.startswith("selectors.") and k.key != "widgets"]
    rest = [k for k in site if k.key.startswith("selectors.") or k.key == "widgets"]
    widgets = [Knob(f"widgets.{k.key}", k.attr, k.kind, k.default, k.doc)
               for k in knobs(WidgetConfig)]
    return {"site file": markdown_table(plain + selectors + rest),
            "[[widgets]]": markdown_table(widgets),
            "crawl.toml [fetch]": markdown_table(knobs(FetchSettings))}


@pytest.mark.parametrize("name", list(reference_tables()))
def test_readme_table_matches_the_declarations(name: str) -> None:
    table = reference_tables()[name]
    assert table in README, f"README's {name} table is out of date; it should read:\n{table}"


def test_defaults_come_from_the_declarations() -> None:
    site = site_from_dict({**BASE, "deny": []})  # the generic preset gives deny patterns
    for k in knobs(SiteConfig):
        if not k.required:
            assert getattr(site, k.attr) == k.default, k.key


@pytest.mark.parametrize(("table", "key", "value", "words"), [
    ("politeness", "concurrency", 0, "'politeness.concurrency' must be at least 1"),
    ("politeness", "delay", -1, "'politeness.delay' must be at least 0"),
    ("limits", "max_pages", -5, "'limits.max_pages' must be at least 1"),
    ("limits", "max_depth", -1, "'limits.max_depth' must be at least 0"),
    ("politeness", "concurrency", True, "'politeness.concurrency' must be a whole number"),
])
def test_out_of_range_values_are_refused(table: str, key: str, value, words: str) -> None:
    with pytest.raises(SiteConfigError, match=words):
        site_from_dict({**BASE, table: {key: value}})


def test_every_mistake_of_a_file_is_reported(tmp_path: Path) -> None:
    text = ('name = "s"\nextends = "generic"\nstart_urls = ["https://a.example/"]\n'
            'titel = "x"\n[politeness]\nconcurrency = 0\n[selectors]\nbody = "p[[["\n')
    with pytest.raises(SiteConfigError) as caught:
        site_from_dict(tomllib.loads(text), "s.toml", text)
    assert [line for line, _ in caught.value.problems] == [4, 6, 8]
    assert str(caught.value).splitlines()[1].startswith("s.toml:6: 'politeness.concurrency'")
