"""URL identity rules (see scraper/urls.py)."""

from __future__ import annotations

import pytest

from scraper.urls import absolute_url, canonical_url

BASE = "https://www.news.example/story-slug/"


@pytest.mark.parametrize(
    "variant",
    [
        "https://www.news.example/story-slug/",
        "HTTPS://WWW.News.Example/story-slug/",
        "https://www.news.example:443/story-slug/",
        "https://www.news.example/story-slug/#comments",
        "https://www.news.example/story-slug/?utm_source=twitter&utm_medium=social",
        "https://www.news.example/story-slug/?fbclid=abc&gclid=def",
        "https://www.news.example/story-slug/amp/",
        "https://www.news.example/story-slug/print/",
        "https://www.news.example/story-slug/?amp=1",
        "https://www.news.example/story-%73lug/",
    ],
)
def test_variants_of_one_article_share_one_key(variant):
    assert canonical_url(variant) == BASE


def test_meaningful_query_parameters_are_kept_and_sorted():
    assert canonical_url("https://a.example/list?page=2&cat=5&utm_campaign=x") == (
        "https://a.example/list?cat=5&page=2")


def test_different_paths_stay_different():
    assert canonical_url("https://a.example/one-story/") != canonical_url(
        "https://a.example/other-story/")
    assert canonical_url("https://a.example/amp-story/") == "https://a.example/amp-story/"


def test_canonicalisation_is_idempotent():
    for url in ("https://a.example/x/amp/?utm_source=1&b=2#f", "http://A.example:80"):
        once = canonical_url(url)
        assert canonical_url(once) == once


def test_absolute_url_refuses_non_http_links():
    assert absolute_url("/a/", BASE) == "https://www.news.example/a/"
    assert absolute_url("mailto:desk@news.example", BASE) is None
    assert absolute_url("javascript:void(0)", BASE) is None
    assert absolute_url("#respond", BASE) is None
