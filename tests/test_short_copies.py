"""Short exact copies (under dedup.MIN_WORDS words) are linked when their titles agree too;
stubs with the same text under different titles are not (real servers, real archive)."""

from __future__ import annotations

from conftest import RouteServer, write_local_site
from sqlite_utils.utils import sqlite3
from test_bad_input import HTML, tagdiv_article

from scraper import crawl
from scraper.store.dedup import MIN_WORDS

BRIEF = ["The harbour ferry will not run on Sunday while engineers replace the worn ramp at "
         "the north quay, the operator said.", "Buses will carry foot passengers between "
         "the two piers every twenty minutes from seven until late evening."]
STUB = ["This article is for subscribers only.", "Subscribe today to read the whole story "
        "and every article on our site."]


def _site(routes: dict) -> RouteServer:
    home = "".join(f'<a href="{path}">x</a>' for path in routes)
    return RouteServer({"/": (200, HTML, f"<html><body>{home}</body></html>".encode()),
                        **{path: (200, HTML, tagdiv_article(title, text))
                           for path, (title, text) in routes.items()}})


def test_short_copies_with_the_same_title_are_linked_and_stubs_are_not(config_dir, tmp_path):
    assert 20 < len(" ".join(BRIEF).split()) < MIN_WORDS
    one = _site({"/ferry-ramp-repair-sunday/": ("Ferry halted for ramp repair", BRIEF),
                 "/ferry-ramp-repair-sunday-2/": ("Ferry halted for ramp repair", BRIEF),
                 "/budget-row-deepens-council/": ("Budget row deepens", STUB)})
    two = _site({"/news/ferry-halted-for-repair/": ("Ferry  halted for RAMP repair", BRIEF),
                 "/news/tram-line-extension-vote/": ("Tram extension vote", STUB)})
    try:
        write_local_site(config_dir, "one", one.base_url)
        write_local_site(config_dir, "two", two.base_url)
        crawl(config_dir, tmp_path / "news.db")
    finally:
        one.close()
        two.close()
    with sqlite3.connect(tmp_path / "news.db") as db:
        rows = {(site, title): (aid, dup, cluster) for aid, site, title, dup, cluster in
                db.execute("select id, site, title, duplicate_of, cluster_id from articles")}
        urls = {u.split("/", 3)[3] for (u,) in db.execute(
            "select u.url from article_urls u join articles a on a.id = u.article_id "
            "where a.site = 'one' and a.title like 'Ferry%'")}
    ferry_one = rows[("one", "Ferry halted for ramp repair")]
    ferry_two = rows[("two", "Ferry halted for RAMP repair")]
    # The same brief twice on one site is one article under two URLs ...
    assert len([key for key in rows if key[0] == "one"]) == 2
    assert urls == {"ferry-ramp-repair-sunday/", "ferry-ramp-repair-sunday-2/"}
    # ... and its copy on the other site is its exact duplicate, in one cluster with it.
    # (the two sites crawl at once: whichever copy was stored second points at the first)
    assert {ferry_one[1], ferry_two[1]} in ({None, ferry_one[0]}, {None, ferry_two[0]})
    assert ferry_two[2] == ferry_one[2] is not None
    # The same paywall stub under two titles links nothing.
    for key in (("one", "Budget row deepens"), ("two", "Tram extension vote")):
        assert rows[key][1:] == (None, None)
