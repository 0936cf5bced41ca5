"""URL identity in a crawl: pages that only look like views are fetched, views an article
names are not, fragment routes are pages of their own (real server, real archive)."""

from __future__ import annotations

from conftest import write_local_site
from sqlite_utils.utils import sqlite3
from test_bad_input import HTML, PARAS, tagdiv_article

from scraper import crawl

TEXT = PARAS * 3  # long enough to be deduplicated: one article per text


def _article(title: str, head: str = "") -> bytes:
    words = title.lower().split()
    body = [f"{p} {' '.join(words)}." for p in TEXT]
    return tagdiv_article(title, body).replace(b"</head>", f"{head}</head>".encode())


def _listing(*hrefs: str) -> bytes:
    links = "".join(f'<a href="{h}">{h}</a>' for h in hrefs)
    return f"<html><body><nav>{links}</nav></body></html>".encode()


def test_print_and_amp_pages_that_are_not_views_are_fetched_and_named_views_are_not(
        route_server, config_dir, tmp_path):
    base = route_server.base_url
    route_server.routes.update({
        "/": (200, HTML, _listing("/print", "/category/amp/", "/story/abc/",
                                  "/a-plain-story-slug/", "/a-plain-story-slug/print/")),
        # A trade paper's print-edition section and an AMP category: listings of their own.
        "/print": (200, HTML, _listing("/only-in-the-print-section/")),
        "/category/amp/": (200, HTML, _listing("/only-in-the-amp-category/")),
        "/only-in-the-print-section/": (200, HTML, _article("Print edition story")),
        "/only-in-the-amp-category/": (200, HTML, _article("Amp category story")),
        # An article whose URL does not look like one: its page names its AMP view.
        "/story/abc/": (200, HTML, _article(
            "Short slug story", f'<link rel="amphtml" href="{base}/story/abc/amp/">')),
        "/story/abc/amp/": (200, HTML, _article("Short slug story")),
        "/a-plain-story-slug/": (200, HTML, _article("Plain story")),
    })
    write_local_site(config_dir, "daily", base)
    db_path = tmp_path / "news.db"
    crawl(config_dir, db_path)
    route_server.routes["/story/abc/"] = (200, HTML, _listing("/story/abc/amp/"))
    route_server.routes["/"] = (200, HTML, _listing("/story/abc/amp/", "/story/abc/"))
    crawl(config_dir, db_path)

    requested = [p.split("?")[0] for p in route_server.requests]
    assert {"/print", "/category/amp/"} <= set(requested)
    assert "/story/abc/amp/" not in requested  # in neither run: the article named it
    assert "/a-plain-story-slug/print/" not in requested  # the view of an article URL
    with sqlite3.connect(db_path) as db:
        titles = {t for (t,) in db.execute("select title from articles")}
        amp_of = db.execute("select a.title from article_urls u join articles a on "
                            "a.id = u.article_id where u.url like '%/story/abc/amp/'").fetchall()
    assert titles == {"Print edition story", "Amp category story", "Short slug story",
                      "Plain story"}
    assert amp_of == [("Short slug story",)]


def test_a_print_view_whose_canonical_names_the_article_is_that_article(
        route_server, config_dir, tmp_path):
    base = route_server.base_url
    canonical = f'<link rel="canonical" href="{base}/story/abc/">'
    route_server.routes.update({
        "/": (200, HTML, _listing("/story/abc/print/", "/story/abc/")),
        "/story/abc/print/": (200, HTML, _article("Short slug story", canonical)),
        "/story/abc/": (200, HTML, _article("Short slug story", canonical)),
    })
    write_local_site(config_dir, "daily", base)
    crawl(config_dir, tmp_path / "news.db")
    with sqlite3.connect(tmp_path / "news.db") as db:
        rows = db.execute("select url from articles").fetchall()
        variants = {u.split("/", 3)[3] for (u,) in db.execute("select url from article_urls")}
    assert rows == [(f"{base}/story/abc/",)]
    assert {"story/abc/", "story/abc/print/"} <= variants


def test_fragment_routed_pages_are_fetched_as_their_crawlable_urls(
        route_server, config_dir, tmp_path):
    route_server.routes.update({
        "/": (200, HTML, _listing("/#!page2", "#!page3", "/#page4", "/#comments")),
        "/?_escaped_fragment_=page2": (200, HTML, _article("Second page story")),
        "/?_escaped_fragment_=page3": (200, HTML, _article("Third page story")),
        "/?_escaped_fragment_=page4": (200, HTML, _article("Fourth page story")),
    })
    write_local_site(config_dir, "daily", route_server.base_url,
                     extra="fragment_routes = ['^page\\d+$']")
    crawl(config_dir, tmp_path / "news.db")
    with sqlite3.connect(tmp_path / "news.db") as db:
        titles = {t for (t,) in db.execute("select title from articles")}
        variants = {u.split("/", 3)[3] for (u,) in db.execute("select url from article_urls")}
    assert titles == {"Second page story", "Third page story", "Fourth page story"}
    assert {"#!page2", "#page4", "?_escaped_fragment_=page2"} <= variants
    assert route_server.requests.count("/") == 1  # #comments is the home page itself


def test_an_archive_keyed_by_the_old_rules_is_rekeyed_on_open(route_server, config_dir,
                                                               tmp_path):
    """Keys written before m011 (``+`` not folded, ``%28`` kept, ``/topics/print/`` cut
    to ``/topics/``) are recomputed, so the article is found under the new keys."""
    from scraper import Archive
    from scraper.store.schema import MIGRATIONS

    db_path = _crawl_stories(route_server, config_dir, tmp_path,
                             {"/a-story-slug/?q=a+b": "Plain story"})
    base = route_server.base_url
    with sqlite3.connect(db_path) as db:  # back to what the old rules stored
        db.execute("update article_urls set canonical = replace(canonical, '%20', '+')")
        db.execute("insert into links (article_id, kind, position, url, target_url) values "
                   f"(1, 'other', 9, '{base}/topics/print/', '{base}/topics/')")
        db.execute(f"delete from {MIGRATIONS.migrations_table} where name = "
                   "'m011_url_rules_of_peers'")
    with Archive(db_path) as archive:
        assert archive.article_id(f"{base}/a-story-slug/?q=a%20b") == 1
        assert archive.db.execute("select target_url from links where position = 9"
                                  ).fetchone()[0] == f"{base}/topics/print/"


def test_frontier_rows_keyed_by_the_old_rules_are_rekeyed_on_open(route_server, config_dir,
                                                                  tmp_path):
    """A frontier row written before m011 (``?q=a+b``) moves to the new key, and of two
    rows of one URL the fetched one is kept: the next run asks with its validators instead
    of fetching the page as new."""
    from scraper import Archive
    from scraper.store.schema import MIGRATIONS

    db_path = _crawl_stories(route_server, config_dir, tmp_path, {
        "/a-story-slug/?q=a+b": "Plain story", "/other-slug/?q=c+d": "Other story"})
    base = route_server.base_url
    story, other = f"{base}/a-story-slug/?q=a%20b", f"{base}/other-slug/?q=c%20d"
    with sqlite3.connect(db_path) as db:  # back to what the old rules stored
        assert db.execute("select state from frontier where url = ?", [story]).fetchone() \
            == ("done",)
        db.execute("update frontier set url = replace(url, '%20', '+') where url in (?, ?)",
                   [story, other])
        db.execute("insert into frontier (url, site, kind, depth, state) values "
                   "(?, 'daily', 'page', 1, 'pending')", [other])  # found again after m011
        db.execute(f"delete from {MIGRATIONS.migrations_table} where name = "
                   "'m016_frontier_keys'")
    with Archive(db_path) as archive:
        assert archive.frontier_get(story)["article_id"] == archive.article_id(story)
        assert archive.frontier_get(other)["state"] == "done"  # the fetched row won
        assert archive.db.execute("select count(*) from frontier where url like '%+%'"
                                  ).fetchone()[0] == 0
    fetched = len(route_server.requests)
    crawl(config_dir, db_path)
    assert not [r for r in route_server.requests[fetched:] if "slug" in r]  # both known


def _crawl_stories(route_server, config_dir, tmp_path, stories: dict[str, str]):
    """Crawl a home page linking to each of ``stories`` (link with a query -> title), each
    served at the link's path; the archive's path."""
    route_server.routes["/"] = (200, HTML, _listing(*stories))
    for link, title in stories.items():
        route_server.routes[link.split("?")[0]] = (200, HTML, _article(title))
    write_local_site(config_dir, "daily", route_server.base_url)
    db_path = tmp_path / "news.db"
    crawl(config_dir, db_path)
    return db_path
