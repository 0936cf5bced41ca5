"""The tag ids the extraction's hot loops compare must name the same tags in every page."""

import pytest
from selectolax.lexbor import LexborHTMLParser

from scraper.extraction.tags import tag_ids


def test_the_ids_name_the_same_tags_in_another_page() -> None:
    page = LexborHTMLParser(
        "<html><head><title>T</title><meta name=a content=b></head><body><my-widget>"
        "<h1>Headline</h1><p>Text <a href='/x'>link</a></p></my-widget><svg><a>s</a></svg>"
        "</body></html>")
    for name in ("html", "body", "title", "meta", "h1", "p", "a"):
        assert {node.tag_id for node in page.css(name)} == tag_ids(name)
    custom = page.css_first("my-widget").tag_id
    assert custom not in tag_ids("html", "body", "title", "meta", "h1", "p", "a")


def test_a_name_that_is_no_standard_tag_is_refused() -> None:
    with pytest.raises(ValueError, match="my-widget"):
        tag_ids("my-widget")
