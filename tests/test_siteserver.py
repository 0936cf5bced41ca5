"""The static site server, exercised over real HTTP on the seed site."""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from scraper.demo import SiteServer, serve_site

SEED_SITE = Path(__file__).resolve().parents[2] / "shared" / "seed" / "site"
ORIGIN = "https://www.iran-news-desk.example"
ARTICLE = "/western-policymakers-ignore-iran-al-qaeda-relationship-at-their-peril/"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(
    server: SiteServer, path: str, *, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(server.base_url + path, method=method, headers=headers or {})
    try:
        with _opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def raw_get(server: SiteServer, path: str) -> int:
    """Send ``path`` byte for byte: urllib would not let a ``..`` through unchanged."""
    host, port = server.base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@pytest.fixture(scope="module")
def server() -> Iterator[SiteServer]:
    if not SEED_SITE.is_dir():
        pytest.skip(f"../shared/seed/site not found: {SEED_SITE}")
    with serve_site(SEED_SITE) as running:
        yield running


def test_article_served_with_origin_rewritten(server: SiteServer) -> None:
    status, headers, body = fetch(server, ARTICLE)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=UTF-8"
    assert int(headers["Content-Length"]) == len(body)
    text = body.decode("utf-8")
    assert ORIGIN not in text
    assert "//www.iran-news-desk.example" not in text
    assert f'<link rel="canonical" href="{server.base_url}{ARTICLE}" />' in text
    assert "<h1 class=\"entry-title\">Western Policymakers" in text


def test_protocol_relative_origin_rewritten(server: SiteServer) -> None:
    status, _, body = fetch(server, "/sitemap_index.xml")
    assert status == 200
    host = server.base_url.removeprefix("http:")
    assert f'href="{host}/wp-content/plugins/' in body.decode("utf-8")
    assert f"<loc>{server.base_url}/post-sitemap.xml</loc>" in body.decode("utf-8")


def test_clean_urls_and_content_types(server: SiteServer) -> None:
    expected = {
        "/": "text/html; charset=UTF-8",
        "/category/iran-terrorism/page/2/": "text/html; charset=UTF-8",
        "/feed/": "application/rss+xml; charset=UTF-8",
        "/sitemap_index.xml": "application/xml; charset=UTF-8",
        "/robots.txt": "text/plain; charset=UTF-8",
        "/wp-content/themes/Newspaper/style.css": "text/css",
    }
    for path, content_type in expected.items():
        status, headers, body = fetch(server, path)
        assert (path, status, headers["Content-Type"]) == (path, 200, content_type)
        assert body
    _, _, robots = fetch(server, "/robots.txt")
    assert f"Sitemap: {server.base_url}/sitemap_index.xml" in robots.decode()


def test_query_string_ignored_for_lookup(server: SiteServer) -> None:
    plain = fetch(server, ARTICLE)
    tracked = fetch(server, ARTICLE + "?utm_source=twitter&utm_medium=social")
    assert tracked[0] == 200
    assert tracked[2] == plain[2]


def test_unknown_path_is_404_with_site_page(server: SiteServer) -> None:
    status, headers, body = fetch(server, "/no-such-article/")
    assert status == 404
    assert headers["Content-Type"] == "text/html; charset=UTF-8"
    assert "<title>Page not found - Iran News Desk</title>" in body.decode("utf-8")
    assert fetch(server, "/robots.txt/")[0] == 404


def test_directory_without_slash_redirects(server: SiteServer) -> None:
    status, headers, _ = fetch(server, ARTICLE.rstrip("/") + "?utm_source=x")
    assert status == 301
    assert headers["Location"] == f"{server.base_url}{ARTICLE}?utm_source=x"
    assert fetch(server, "/feed")[0] == 301


@pytest.mark.parametrize(
    "path",
    [
        "/../seed-article.txt",
        "/category/../../README.md",
        "/%2e%2e/seed-article.txt",
        "/..%2fREADME.md",
        "/feed/..%5c..%5cREADME.md",
    ],
)
def test_path_traversal_refused(server: SiteServer, path: str) -> None:
    assert raw_get(server, path) == 404


def test_conditional_get(server: SiteServer) -> None:
    status, headers, _ = fetch(server, ARTICLE)
    assert status == 200
    etag, last_modified = headers["ETag"], headers["Last-Modified"]
    assert fetch(server, ARTICLE, headers={"If-None-Match": etag})[0] == 304
    assert fetch(server, ARTICLE, headers={"If-Modified-Since": last_modified})[0] == 304
    assert fetch(server, ARTICLE, headers={"If-None-Match": '"stale"'})[0] == 200
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert fetch(server, ARTICLE, headers={"If-Modified-Since": old})[0] == 200


def test_head_has_headers_but_no_body(server: SiteServer) -> None:
    status, headers, body = fetch(server, "/feed/", method="HEAD")
    assert status == 200
    assert body == b""
    assert int(headers["Content-Length"]) > 0


def test_request_log_records_method_path_status(server: SiteServer) -> None:
    fetch(server, "/robots.txt?x=1")
    fetch(server, "/missing-page/", method="HEAD")
    assert ("GET", "/robots.txt?x=1", 200) in server.requests
    assert ("HEAD", "/missing-page/", 404) in server.requests


def test_origin_argument_and_close(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        '<a href="https://news.example/a/">a</a> <img src="//news.example/x.png">',
        encoding="utf-8",
    )
    server = serve_site(tmp_path, origin="https://news.example")
    status, _, body = fetch(server, "/")
    host = server.base_url.removeprefix("http:")
    assert status == 200
    assert body.decode() == f'<a href="{server.base_url}/a/">a</a> <img src="{host}/x.png">'
    missing = fetch(server, "/nothing/")
    assert missing[0] == 404 and missing[2] == b"Not Found\n"
    server.close()
    server.close()
    with pytest.raises(OSError):
        urllib.request.urlopen(server.base_url + "/", timeout=2)
