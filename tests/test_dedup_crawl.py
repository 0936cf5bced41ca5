"""One article, one row: URL variants fold onto one article; wire copies share a cluster."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from urllib.parse import urlsplit

from click.testing import CliRunner
from conftest import RouteServer, write_local_site
from sqlite_utils.utils import sqlite3
from test_bad_input import HTML, PARAS, tagdiv_article

from scraper import crawl
from scraper.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "syndication"


def test_every_url_variant_of_an_article_lands_on_one_row(route_server, config_dir, tmp_path):
    # "story-number-one" reads as an article URL (urls.is_article_path): its /amp/ and
    # /print/ are views of it (a page at /topics/amp/ would be a page of its own).
    variants = ["/story-number-one/?utm_source=x&utm_medium=y", "/story-number-one/amp/",
                "/story-number-one/print/", "/story-number-one/?amp=1",
                "/story-number-one/#comments", "/story%2Dnumber-one/", "/story-number-one",
                "/old-slug-of-story-number-one/", "/?p=41", "/story-number-one/?fbclid=abc"]
    home = "".join(f'<a href="{v}">variant</a>' for v in variants)
    moved = {"Location": "/story-number-one/"}
    route_server.routes.update({
        "/": (200, HTML, f"<html><body>{home}</body></html>".encode()),
        "/story-number-one/": (200, HTML, tagdiv_article("Story one", PARAS)),
        "/story-number-one/amp/": (200, HTML, tagdiv_article("Story one", PARAS)),
        "/story-number-one": (301, HTML, b"", moved),
        "/old-slug-of-story-number-one/": (301, HTML, b"", moved),
    })
    write_local_site(config_dir, "variants", route_server.base_url, "deny = []")
    crawl(config_dir, tmp_path / "news.db")
    db = sqlite3.connect(tmp_path / "news.db")
    assert db.execute("select count(*) from articles").fetchone()[0] == 1
    seen = {urlsplit(u).path + (f"?{urlsplit(u).query}" if urlsplit(u).query else "")
            for (u,) in db.execute("select url from article_urls")}
    for variant in variants:
        if variant in ("/?p=41",):  # a 404 here: not an article, never an alias
            continue
        assert variant.split("#")[0] in seen, f"{variant} not recorded as an alias"
    # AMP, print and tracking variants are recorded, not fetched; only the two redirecting
    # URLs are requested (their target is known only from the redirect).
    fetched = {p for p in route_server.requests if "story" in p}
    assert fetched == {"/story-number-one/", "/story-number-one",
                       "/old-slug-of-story-number-one/"}


def _serve_fixture_sites() -> tuple[list[RouteServer], dict[str, list[dict]]]:
    by_site: dict[str, list[dict]] = {}
    for path in sorted(FIXTURES.glob("*.json")):
        item = json.loads(path.read_text("utf-8"))
        by_site.setdefault(item["site"], []).append(item)
    servers = []
    for items in by_site.values():
        server = RouteServer({})
        links = ""
        for item in items:
            slug = f"/{Path(urlsplit(item['url']).path).stem.strip('/')}-story/"
            item["path"] = slug
            server.routes[slug] = (200, HTML, tagdiv_article(item["title"], item["paragraphs"]))
            links += f'<a href="{slug}">{item["title"]}</a>'
        server.routes["/"] = (200, HTML, f"<html><body>{links}</body></html>".encode())
        servers.append(server)
    return servers, by_site


def test_wire_copies_across_three_sites_share_one_cluster(config_dir, tmp_path):
    servers, by_site = _serve_fixture_sites()
    try:
        for name, server in zip(by_site, servers, strict=True):
            write_local_site(config_dir, name, server.base_url)
        report = crawl(config_dir, tmp_path / "news.db")
    finally:
        for server in servers:
            server.close()
    assert report.status == "ok"
    db = sqlite3.connect(tmp_path / "news.db")
    cluster = dict(db.execute("select title, cluster_id from articles").fetchall())
    story = {item["title"]: item["story"] for items in by_site.values() for item in items}
    assert set(cluster) == set(story)
    pairs = list(itertools.combinations(story, 2))
    same_story = {(a, b) for a, b in pairs if story[a] == story[b]}
    same_cluster = {(a, b) for a, b in pairs if cluster[a] is not None and cluster[a] == cluster[b]}
    precision = len(same_story & same_cluster) / len(same_cluster)
    recall = len(same_story & same_cluster) / len(same_story)
    print(f"clustering precision {precision:.2f} recall {recall:.2f} over {len(pairs)} pairs")
    assert precision == 1.0 and recall == 1.0

    result = CliRunner().invoke(main, ["dedup", "--db", str(tmp_path / "news.db"), "--rebuild"])
    assert result.exit_code == 0, result.output
    assert dict(db.execute("select title, cluster_id from articles").fetchall()).keys() == \
        cluster.keys()
    assert "2 clusters" in result.output


def test_a_site_declaring_trailing_slashes_fetches_each_article_once(route_server, config_dir,
                                                                     tmp_path):
    route_server.routes.update({
        "/": (200, HTML, b'<html><body><a href="/story-two">a</a><a href="/story-two/">b</a>'
                         b'</body></html>'),
        "/story-two/": (200, HTML, tagdiv_article("Story two", PARAS)),
        "/story-two": (200, HTML, tagdiv_article("Story two", PARAS)),
    })
    write_local_site(config_dir, "slashes", route_server.base_url, 'trailing_slash = "add"')
    crawl(config_dir, tmp_path / "news.db")
    db = sqlite3.connect(tmp_path / "news.db")
    assert db.execute("select count(*) from articles").fetchone()[0] == 1
    assert [p for p in route_server.requests if "story" in p] == ["/story-two/"]
