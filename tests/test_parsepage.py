"""The crawl's parse step: nesting bombs are refused unparsed, real pages never are,
parsing happens off the event loop, and pages are packed for storage."""

from __future__ import annotations

import asyncio
import threading
import zlib

import pytest
from conftest import SEED_ARTICLE

from scraper import ArchiveError, TooDeepError
from scraper.config import site_from_dict
from scraper.crawler.parsepage import MAX_NESTING, PageParser, nesting_depth, parse_page
from scraper.store.pages import PAGE_COMPRESSION, compress_page, page_body

SITE = site_from_dict({"name": "t", "extends": "wordpress-tagdiv",
                       "start_urls": ["http://news.test/"]})
URL = "http://news.test/2024/03/story/"


def test_a_nesting_bomb_is_refused_before_it_is_parsed():
    bomb = b"<html><body>" + b"<section><div>" * 200_000 + b"deep"
    assert nesting_depth(bomb) == MAX_NESTING + 1  # the scan stops just past the limit
    with pytest.raises(TooDeepError, match=f"nested more than {MAX_NESTING} deep"):
        parse_page(bomb, "text/html", URL, SITE)


def test_open_then_close_nesting_counts_as_deep_as_it_gets():
    page = b"<html><body>" + b"<div>" * 12_000 + b"x" + b"</div>" * 12_000
    assert nesting_depth(page) > MAX_NESTING


def test_unclosed_paragraphs_and_void_elements_are_not_nesting():
    old_style = b"<html><body>" + b"<p>one<br><img src=a.png><li>item<hr/>" * 5_000
    assert nesting_depth(old_style) == 2  # html and body
    flat = b"<html><body>" + b"<div><span>x</span></div>" * 20_000
    assert nesting_depth(flat) == 4  # html, body, div, span


def test_the_seed_article_parses_into_links_and_an_article(seed_dir, seed_expected):
    body = (seed_dir / SEED_ARTICLE.strip("/") / "index.html").read_bytes()
    page = parse_page(body, "text/html; charset=utf-8", URL, SITE)
    assert page.soft_404 is None and page.article is not None
    assert page.article.title == seed_expected["articles"][SEED_ARTICLE]["title"]
    assert page.links and len(page.fingerprint) == 40


def test_a_not_found_title_makes_a_soft_404_without_extraction():
    body = b"<html><head><title>Page not found - Herald</title></head><body><p>x</p></body>"
    page = parse_page(body, "text/html", URL, SITE)
    assert page.soft_404 == "title says 'Page not found - Herald'" and page.article is None


def test_pages_are_parsed_on_worker_threads_not_the_event_loop():
    seen: list[str] = []

    async def main() -> None:
        async with PageParser() as parser:
            original = parser._pool.submit

            def spy(fn, *args):  # noqa: ANN001, ANN002, ANN202
                return original(lambda: (seen.append(threading.current_thread().name),
                                         fn(*args))[1])

            parser._pool.submit = spy  # type: ignore[method-assign]
            page = await parser.parse(b"<html><body><h1>Hi</h1></body></html>", None, URL,
                                      SITE)
            assert page.article is not None

    asyncio.run(main())
    assert seen and seen[0].startswith("newsarchive-parse")


def test_pages_are_stored_with_zstd_and_older_zlib_pages_still_read():
    page = b"<html><body>" + b"<p>council budget</p>" * 500 + b"</body></html>"
    stored = compress_page(page)
    assert PAGE_COMPRESSION == "zstd" and len(stored) < len(page) / 10
    assert page_body(stored, "zstd") == page
    assert page_body(zlib.compress(page, 6), "zlib") == page  # what earlier versions wrote
    assert page_body(page, None) == page
    with pytest.raises(ArchiveError, match="unknown page compression 'brotli'"):
        page_body(page, "brotli")
