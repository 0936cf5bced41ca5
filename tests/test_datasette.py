"""Browsing: a real Datasette on a crawled archive, read back over HTTP.

The archive is the bundled demo site crawled by ``run_demo`` into a Datasette
configuration directory (archive/metadata.yml beside news.db), exactly what
``newsarchive demo`` makes and ``datasette DIR/`` serves.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from scraper.cli import ARCHIVE_TEMPLATE, datasette_command
from scraper.demo import run_demo


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def datasette(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo-archive")
    db_path = run_demo(out, ARCHIVE_TEMPLATE, log=lambda _: None)
    port = _free_port()
    process = subprocess.Popen(
        [*datasette_command(db_path, port), "--host", "127.0.0.1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/-/versions.json", timeout=2).read()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"datasette did not start: {process.stderr.read().decode()}")
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(10)


def get(base: str, path: str, **params) -> object:
    query = urllib.parse.urlencode({**params, "_shape": params.get("_shape", "array")})
    with urllib.request.urlopen(f"{base}{path}?{query}", timeout=10) as response:
        return json.loads(response.read())


def test_datasette_uses_the_archive_metadata(datasette):
    metadata = get(datasette, "/-/metadata.json", _shape="objects")
    assert metadata["title"] == "newsarchive"
    tables = metadata["databases"]["news"]["tables"]
    assert "articles" in tables and tables["pages"]["hidden"] is True


def test_an_article_reads_back_through_the_json_api(datasette):
    rows = get(datasette, "/news/articles.json",
               title__exact="Ferry Strike Called Off After Overnight Talks")
    assert len(rows) == 1
    article = rows[0]
    assert article["section"] == "Transport"
    assert json.loads(article["authors"]) == ["Daniel Okafor"]
    assert len(article["text"].split("\n\n")) == 4
    links = get(datasette, "/news/links.json", article_id=article["id"], _size="max")
    kinds = {link["kind"] for link in links}
    assert {"latest", "must_read", "related", "recommended"} <= kinds
    assert all(link["target_article_id"] for link in links if link["kind"] == "latest")


def test_full_text_search_finds_and_ranks_articles(datasette):
    rows = get(datasette, "/news/articles.json", _search="ferry strike")
    titles = [row["title"] for row in rows]
    assert titles, "full-text search found nothing"
    assert all("Ferry" in title for title in titles[:2])
    ranked = get(datasette, "/news/search.json", q="ferry")
    assert ranked and "ferry" in ranked[0]["snippet"].lower()


def test_facets_and_canned_queries_answer(datasette):
    data = get(datasette, "/news/articles.json", _facet="section", _shape="objects")
    sections = {f["value"]: f["count"] for f in data["facet_results"]["section"]["results"]}
    assert sections["City Hall"] == 5
    most_linked = get(datasette, "/news/most_linked.json")
    assert most_linked and most_linked[0]["links_in"] >= 2
    latest = get(datasette, "/news/latest_articles_per_site.json")
    assert {row["site"] for row in latest} == {"harbourton-herald"}
