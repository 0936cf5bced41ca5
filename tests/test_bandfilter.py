"""The in-memory filter of LSH keys (scraper/store/bandfilter.py): an article looks up only
the keys some other article holds, and never misses one, whoever wrote it."""

from __future__ import annotations

import random

from test_dedup import SITES, insert, load_fixture

from scraper import Archive
from scraper.sqlite import sqlite_utils
from scraper.store.bandfilter import MONTHS_HELD, BandFilter
from scraper.store.lshbands import create_recent
from scraper.store.sketch import sketch
from scraper.warc.placing import place_articles

PUBLISHED = "2024-03-05T10:00:00+00:00"


def _archive(path):
    archive = Archive(path)
    if not archive.db["sites"].count:
        for site in SITES:
            archive.db["sites"].insert({"name": site})
    return archive


def _unrelated(db, n: int) -> int:
    rng = random.Random(n)
    text = " ".join(f"word{rng.randrange(10**6)}" for _ in range(300))
    return insert(db, "valley-gazette", f"https://v.example/{n}", text, published=PUBLISHED)


def test_filter_holds_every_key_written_as_it_grows_and_few_others():
    db = sqlite_utils.Database(memory=True)
    db.execute("create table lsh_bands (period integer, bucket integer, article_id integer, "
               "primary key (period, bucket, article_id)) without rowid")
    create_recent(db)  # the filter reads both LSH tables: this one stays empty
    bands = BandFilter(db)
    rng = random.Random(3)
    written = []
    for article in range(3000):  # 96,000 keys: the filter outgrows its first size twice
        buckets = [rng.getrandbits(64) - 2**63 for _ in range(32)]
        if article == 10:
            assert bands.present(range(7, 8), buckets) == []  # the month loads, empty
        db.conn.executemany("insert into lsh_bands values (7, ?, ?)",
                            [(b, article) for b in buckets])
        bands.add(7, buckets)
        written += buckets
    assert bands.months[7].capacity > 96_000
    assert bands.present(range(7, 8), written) == [(7, b) for b in written]
    assert bands.present(range(8, 9), written) == []  # another month
    absent = [rng.getrandbits(64) - 2**63 for _ in range(20_000)]
    assert len(bands.present(range(7, 8), absent)) < 0.03 * len(absent)
    bands.present(range(100, 100 + MONTHS_HELD), written[:3])  # a crawl of older articles
    assert len(bands.months) == MONTHS_HELD and 7 not in bands.months
    assert bands.present(range(7, 8), written[-3:]) == [(7, b) for b in written[-3:]]


def test_a_copy_stored_by_another_process_is_found(tmp_path):
    """Keys another connection commits reach no filter but its own: SQLite's data_version
    tells this one to read them again."""
    wire = load_fixture()[0]["text"]
    with _archive(tmp_path / "news.db") as crawl:
        crawl.dedup.add(_unrelated(crawl.db, 1))  # the month's filter is loaded here
        crawl.db.conn.commit()
        with _archive(tmp_path / "news.db") as other:
            first = insert(other.db, "metro-ledger", "https://m.example/a", wire,
                           published=PUBLISHED)
            other.dedup.add(first)
            other.db.conn.commit()
        copy = insert(crawl.db, "northern-echo", "https://n.example/a",
                      "\n\n".join(wire.split("\n\n")[:-1]), published=PUBLISHED)
        result = crawl.dedup.add(copy)
        assert result.kind == "near_duplicate" and [m[0] for m in result.matches] == [first]


def test_a_copy_of_an_article_placed_from_a_warc_shard_is_found(tmp_path):
    wire = load_fixture()[0]["text"]
    with _archive(tmp_path / "news.db") as archive:
        db = archive.db
        archive.dedup.add(_unrelated(db, 1))  # the month's filter is loaded here
        first = insert(db, "metro-ledger", "https://m.example/a", wire, published=PUBLISHED)
        row = dict(zip(["id", "site", "text", "content_hash", "published", "first_seen"],
                       db.execute("select id, site, text, content_hash, published, first_seen "
                                  "from articles where id = ?", [first]).fetchone(),
                       strict=True))
        place_articles(archive.dedup, [row], {first: sketch(wire)}, [], set())
        copy = insert(db, "northern-echo", "https://n.example/a",
                      "\n\n".join(wire.split("\n\n")[:-1]), published=PUBLISHED)
        result = archive.dedup.add(copy)
        assert result.kind == "near_duplicate" and [m[0] for m in result.matches] == [first]
