"""Fuzzing: ``extract()`` on mutated pages never raises and always returns an Article.

Mutations of real dev pages (when ../shared/bench is beside the checkout) and of a page of
our own: truncated anywhere, random bytes spliced in, attribute soup (quotes, newlines,
backslashes and brackets in class and id values, which once built broken CSS selectors),
10,000-deep nesting, processing instructions and NUL bytes, odd encodings, empty and
binary bodies. Seeded, so a failure names a reproducible case.
"""

from __future__ import annotations

import gzip
import importlib.util
import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from scraper import extract
from scraper.extraction.page import extract_text

SEED = 13
PAGES = 8  # dev pages mutated per set (each mutation is extracted as bytes and as str)
OWN_PAGE = ("<!doctype html><html lang='en'><head><title>A story | News</title>"
            "<meta property='og:description' content='The council voted.'>"
            "<script type='application/ld+json'>{\"@type\": \"NewsArticle\", "
            "\"datePublished\": \"2021-02-02T10:00:00Z\", \"author\": \"Jane Doe\"}</script>"
            "</head><body><nav><a href='/'>Home</a></nav><article class='entry-content'>"
            "<h1>A story</h1>" + "".join(
                f"<p>Paragraph {i}: the council voted on Tuesday to expand the bus network, "
                f"a decision officials said would shorten commutes.</p>" for i in range(6)) +
            "<div class='related'><h3>Related</h3><ul><li><a href='/2021/02/01/a-b-c/'>A "
            "related story here</a></li><li><a href='/2021/02/03/d-e-f/'>Another related "
            "story</a></li></ul></div></article></body></html>").encode()
_SOUP_VALUES = ('x\n y', 'a"b', "\\", "]]", "articleBody", "entry-content\n  paywall", "",
                "2020-13-45T99:99", "<script>", "&amp;&#0;", "\u202e", "a" * 3000)
_SOUP_NAMES = ("class", "id", "itemprop", "datetime", "content", "href", "rel", "lang",
               "property", "aria-label", "role")


def _dev_pages() -> list[tuple[str, bytes]]:
    path = Path(__file__).resolve().parents[1] / "bench" / "scoring.py"
    spec = importlib.util.spec_from_file_location("bench_scoring_fuzz", path)
    scoring = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = scoring
    spec.loader.exec_module(scoring)
    data = scoring.bench_dir()
    rng = random.Random(SEED)
    pages = []
    for name in scoring.SETS:
        found = scoring.load_set(data, name)
        for page in rng.sample(found, min(PAGES, len(found))):
            pages.append((page.url, gzip.decompress(page.path.read_bytes())))
    return pages


def _mutations(raw: bytes, rng: random.Random) -> Iterator[tuple[str, bytes]]:
    yield "truncated", raw[:rng.randrange(len(raw) + 1)]
    spliced = bytearray(raw)
    for _ in range(20):
        at = rng.randrange(len(spliced) + 1)
        spliced[at:at] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40)))
    yield "spliced", bytes(spliced)
    text = raw.decode("utf-8", "replace")
    soup = " ".join(f'{rng.choice(_SOUP_NAMES)}="{rng.choice(_SOUP_VALUES)}"'
                    for _ in range(8))
    yield "attribute soup", text.replace("<div", f"<div {soup}").replace(
        "<p", f"<p {soup}").replace("<a ", f"<a {soup} ").encode()
    yield "10,000 deep", raw.replace(b"<body", b"<body><div>" + b"<div>" * 10_000 + b"x", 1)
    yield "processing instructions and NUL", raw.replace(b"<p", b"<?php echo 1 ?><p\x00", 60)
    yield "utf-16", text.encode("utf-16")
    yield "latin-1 declared utf-8", text.encode("latin-1", "replace")
    yield "shift-jis", text.encode("shift_jis", "replace")
    yield "empty", b""
    yield "binary", bytes(rng.randrange(256) for _ in range(5000))
    yield "one tag", b"<"


def _cases() -> list[tuple[str, str, bytes]]:
    rng = random.Random(SEED)
    # without ../shared/bench beside the checkout, our own page still runs every mutation
    pages = [("https://news.example/2021/02/02/a-story/", OWN_PAGE), *_dev_pages()]
    return [(f"{name} of {url}", url, body) for url, raw in pages
            for name, body in _mutations(raw, rng)]


CASES = _cases()


@pytest.mark.parametrize(("case", "url", "body"), CASES, ids=[c[0][:60] for c in CASES])
def test_extract_never_raises_on_a_mutated_page(case: str, url: str, body: bytes) -> None:
    for html in (body, body.decode("utf-8", "replace")):
        article = extract(html, url)
        assert isinstance(article.text, str) and isinstance(article.authors, list)
        assert not [w for w in article.warnings if w.startswith("extraction failed")], case
        assert isinstance(extract_text(html), str)
