"""New LSH keys go to lsh_recent and are merged into lsh_bands (scraper/store/lshbands.py):
what an article is compared with, and so what the archive holds, does not depend on when."""

from __future__ import annotations

from test_dedup import SITES, _pooled_texts, insert, load_fixture, snapshot, update_text

from scraper import Archive
from scraper.sqlite import sqlite_utils
from scraper.store import lshbands
from scraper.store.dedup import Deduplicator
from scraper.store.sketch import sketch
from scraper.warc.placing import place_articles


def test_a_bucket_yields_its_newest_articles_of_both_tables():
    db = sqlite_utils.Database(memory=True)
    db.execute("create table lsh_bands (period integer, bucket integer, article_id integer, "
               "primary key (period, bucket, article_id)) without rowid")
    lshbands.create_recent(db)
    db.conn.executemany("insert into lsh_bands values (7, 99, ?)", [(i,) for i in (1, 3, 5, 7, 10)])
    db.conn.executemany("insert into lsh_recent values (7, 99, ?)", [(i,) for i in (2, 4, 6)])
    db.conn.executemany("insert into lsh_recent values (7, 98, ?)", [(i,) for i in (11, 12)])
    newest = [r[0] for r in db.execute(lshbands.newest(1, 4), [7, 99])]
    assert newest == [10, 7, 6, 5]
    assert [r[0] for r in db.execute(lshbands.newest(1, 4), [7, 98])] == [12, 11]


def _crawl(path, texts: list[str]) -> tuple[dict, int, int, int]:
    """Add ``texts`` one by one, then change an early and a late text: the snapshot, the rows
    of lsh_bands and lsh_recent, and the articles indexed."""
    with Archive(path) as archive:
        db = archive.db
        for site in SITES:
            db["sites"].insert({"name": site})
        dedup = Deduplicator(db)
        ids = []
        for n, text in enumerate(texts):
            ids.append(insert(db, SITES[n % 3], f"https://x.example/{n}", text))
            dedup.add(ids[-1])
        for changed in (ids[3], ids[-4]):  # keys in lsh_bands by now, and still in lsh_recent
            update_text(db, changed, texts[changed % 7] + " w4999 w4998 w4997")
            dedup.add(changed)
        counts = [db.execute(f"select count(*) from {t}").fetchone()[0]
                  for t in ("lsh_bands", "lsh_recent", "minhashes")]
        return snapshot(db), *counts


def test_merging_the_recent_keys_changes_no_decision(tmp_path, monkeypatch):
    """With a merge every few articles, the archive holds what it holds when every key
    stays in lsh_recent, and what a rebuild gives; no key of a changed or removed text stays
    behind in either table, and lsh_recent never holds more than the limit."""
    limit = 100  # a merge every third article
    texts = _pooled_texts(80)
    texts += [texts[5].replace("w1 ", "w2 ", 3), texts[40] + " w4999 w4998"]  # two copies
    unmerged = _crawl(tmp_path / "unmerged.db", texts)
    assert unmerged[1] == 0  # never reached the default limit
    monkeypatch.setattr(lshbands, "RECENT_LIMIT", limit)
    merged = _crawl(tmp_path / "merged.db", texts)
    state, bands, recent, indexed = merged
    assert state == unmerged[0] and state["edges"]
    assert bands > 0 and recent < limit and bands + recent == 32 * indexed
    with Archive(tmp_path / "merged.db") as archive:
        dedup = Deduplicator(archive.db)
        dedup.rebuild()
        assert snapshot(archive.db) == state


def test_an_article_placed_after_a_merge_finds_its_copy_in_lsh_bands(tmp_path, monkeypatch):
    monkeypatch.setattr(lshbands, "RECENT_LIMIT", 32)  # every article's keys merged at once
    texts = _pooled_texts(3)
    with Archive(tmp_path / "news.db") as archive:
        db = archive.db
        for site in SITES:
            db["sites"].insert({"name": site})
        dedup = Deduplicator(db)
        first = insert(db, SITES[0], "https://x.example/0", texts[0])
        dedup.add(first)
        assert db.execute("select count(*) from lsh_recent").fetchone()[0] == 0
        copy = insert(db, SITES[1], "https://y.example/0", texts[0] + " w4999 w4998")
        result = dedup.add(copy)
        assert result.kind == "near_duplicate" and result.matches[0][0] == first


def test_a_warc_shard_finds_the_copy_of_an_article_the_crawl_placed_just_before(tmp_path):
    """The crawl's newest keys are still in lsh_recent; a shard's placing, which reads
    lsh_bands in one statement, merges them first."""
    wire = load_fixture()[0]["text"]
    with Archive(tmp_path / "news.db") as archive:
        db = archive.db
        for site in SITES:
            db["sites"].insert({"name": site})
        first = insert(db, "metro-ledger", "https://m.example/a", wire)
        archive.dedup.add(first)
        assert db.execute("select count(*) from lsh_recent").fetchone()[0] == 32
        copy = insert(db, "northern-echo", "https://n.example/a",
                      "\n\n".join(wire.split("\n\n")[:-1]))
        row = dict(zip(["id", "site", "text", "content_hash", "published", "first_seen"],
                       db.execute("select id, site, text, content_hash, published, first_seen "
                                  "from articles where id = ?", [copy]).fetchone(),
                       strict=True))
        place_articles(archive.dedup, [row], {copy: sketch(row["text"])}, [], set())
        result = archive.dedup.result(copy)
        assert result.kind == "near_duplicate" and [m[0] for m in result.matches] == [first]
