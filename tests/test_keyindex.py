"""The LSH keys in memory with their newest articles (scraper/store/keyindex.py): an article's
candidates are what the tables would give, whoever wrote the keys, after removals, growth
and rolled-back writes."""

from __future__ import annotations

import random

import pytest
from test_dedup import SITES, insert, load_fixture

from scraper import Archive
from scraper.sqlite import sqlite_utils
from scraper.store.dedupschema import period
from scraper.store.keyindex import MONTHS_HELD, KeyIndex
from scraper.store.lshbands import create_recent, newest
from scraper.store.sketch import content_hash, sketch
from scraper.warc.placing import place_articles

PUBLISHED = "2024-03-05T10:00:00+00:00"
MONTHS = range(period(PUBLISHED, None) - 1, period(PUBLISHED, None) + 2)
LIMIT = 4


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


def _tables() -> sqlite_utils.Database:
    db = sqlite_utils.Database(memory=True)
    db.execute("create table lsh_bands (period integer, bucket integer, article_id integer, "
               "primary key (period, bucket, article_id)) without rowid")
    create_recent(db)
    return db


def _from_tables(db, month: int, buckets: list[int]) -> list[int]:
    return sorted(r[0] for b in buckets for r in db.execute(newest(1, LIMIT), [month, b]))


def _from_index(index: KeyIndex, month: int, buckets: list[int]) -> list[int]:
    return sorted(index.holders(range(month, month + 1), buckets).tolist())


def test_the_index_gives_each_keys_newest_articles_as_the_tables_do_as_it_grows():
    """Keys shared by one to a dozen articles, written to both tables, some articles
    removed: every lookup gives the tables' answer, read fresh or kept up to date."""
    db = _tables()
    index = KeyIndex(db, LIMIT)
    rng = random.Random(3)
    pool = [rng.getrandbits(64) - 2**63 for _ in range(20_000)]  # keys articles share
    written: dict[int, list[int]] = {}
    removed: list[int] = []
    assert _from_index(index, 7, pool[:50]) == []  # the month is read, empty
    for article in range(1, 4001):  # 128,000 keys: the month outgrows its first size
        own = [rng.getrandbits(64) - 2**63 for _ in range(24)]
        buckets = own + rng.sample(pool, 8)
        table = "lsh_recent" if article % 3 else "lsh_bands"
        db.conn.executemany(f"insert into {table} values (7, ?, ?)",
                            [(b, article) for b in buckets])
        index.add(7, buckets, article)
        written[article] = buckets
        if article % 500 == 0:  # remove an article: deleted from the tables, then told
            gone = rng.randrange(1, article)
            for table in ("lsh_bands", "lsh_recent"):
                db.execute(f"delete from {table} where article_id = ?", [gone])
            removed += written.pop(gone)
            index.remove(7, removed[-32:], gone)
    assert index.months[7].slots > 128_000
    probe = rng.sample(pool, 300) + [b for a in rng.sample(sorted(written), 50)
                                     for b in written[a]] + removed
    kept = _from_index(index, 7, probe)
    assert kept == _from_tables(db, 7, probe) and len(kept) > 1000
    assert _from_index(KeyIndex(db, LIMIT), 7, probe) == kept  # read from the tables
    absent = [rng.getrandbits(64) - 2**63 for _ in range(5000)]
    assert _from_index(index, 7, absent) == [] and _from_index(index, 8, probe) == []
    index.holders(range(100, 100 + MONTHS_HELD), probe[:3])  # a crawl of older articles
    assert len(index.months) == MONTHS_HELD and 7 not in index.months
    assert _from_index(index, 7, probe) == kept


def test_a_lookup_keeps_its_months_however_long_ago_they_were_read():
    """Articles of many months in any order: the months an article needs are all held
    while it looks them up, the one read longest ago dropped first."""
    db = _tables()
    db.conn.executemany("insert into lsh_bands values (?, 5, ?)", [(m, m) for m in range(500)])
    index = KeyIndex(db, LIMIT)
    assert index.holders(range(300, 303), [5]).tolist() == [300, 301, 302]
    for month in range(400, 400 + MONTHS_HELD - 3):
        index.holders(range(month, month + 1), [5])
    assert index.holders(range(301, 305), [5]).tolist() == [301, 302, 303, 304]
    assert 300 not in index.months and len(index.months) == MONTHS_HELD


def test_keys_of_many_articles_written_at_once_repeats_included():
    """As warc/placing.py writes them: a batch of articles, copies sharing keys."""
    db = _tables()
    index = KeyIndex(db, LIMIT)
    assert _from_index(index, 3, [1]) == []
    rows = [(b, a) for a in range(1, 301) for b in (a, a % 7 + 1000, 5000 + a // 2)]
    db.conn.executemany("insert into lsh_bands values (3, ?, ?)", rows)
    index.add(3, [b for b, _ in rows], [a for _, a in rows])
    buckets = sorted({b for b, _ in rows})
    assert _from_index(index, 3, buckets) == _from_tables(db, 3, buckets)


def test_a_rolled_back_add_leaves_no_key_behind(tmp_path):
    wire = load_fixture()[0]["text"]
    with _archive(tmp_path / "news.db") as archive:
        db = archive.db
        archive.dedup.add(_unrelated(db, 1))  # the month is read here
        db.conn.commit()
        with pytest.raises(KeyboardInterrupt), db.atomic():  # as a batch write cut short
            first = db.execute(
                "insert into articles (site, url, text, content_hash, published) "
                "values ('metro-ledger', 'https://m.example/a', ?, ?, ?)",
                [wire, content_hash(wire), PUBLISHED]).lastrowid
            archive.dedup.add(first)
            assert archive.dedup.keys.holders(MONTHS, sketch(wire).buckets).tolist()
            raise KeyboardInterrupt
        assert archive.dedup.keys.holders(MONTHS, sketch(wire).buckets).size == 0
        later = _unrelated(db, 2)  # takes the rolled-back article's id
        copy = insert(db, "northern-echo", "https://n.example/a", wire, published=PUBLISHED)
        assert later == first and archive.dedup.add(copy).kind == "unique"


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
