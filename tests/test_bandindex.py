"""The in-memory index of LSH rows (scraper/store/bandindex.py): an article's candidates come
from it, and every decision is the one the SQL path makes, whoever wrote the rows and
whatever was rolled back."""

from __future__ import annotations

import pytest
from test_dedup import SITES, _pooled_texts, insert, load_fixture, snapshot, update_text

from scraper import Archive
from scraper.store import bandindex, lshbands
from scraper.store.bandindex import BandIndex, rank
from scraper.store.dedup import Deduplicator
from scraper.store.dedupschema import period
from scraper.store.sketch import sketch

MONTHS = ("2024-01-20T10:00:00+00:00", "2024-02-10T10:00:00+00:00",
          "2024-03-02T10:00:00+00:00", "2024-04-15T10:00:00+00:00")


def _place_all(path, texts: list[str]) -> tuple[list, dict, BandIndex]:
    """Add ``texts`` over four months (copies among them), change two texts, remove one
    article: every DedupResult in order, the final snapshot, and the index."""
    with Archive(path) as archive:
        db = archive.db
        for site in SITES:
            db["sites"].insert({"name": site})
        dedup = Deduplicator(db)
        results, ids = [], []
        for n, text in enumerate(texts):
            with db.atomic():
                ids.append(insert(db, SITES[n % 3], f"https://x.example/{n}", text,
                                  published=MONTHS[n * len(MONTHS) // len(texts)]))
                results.append(dedup.add(ids[-1]))
            if n % 40 == 39:
                _same_as_sql(dedup, texts)
        for changed in (ids[3], ids[-4]):
            update_text(db, changed, texts[changed % 7] + " w4999 w4998 w4997")
            results.append(dedup.add(changed))
        dedup.remove(ids[10])
        db.execute("delete from articles where id = ?", [ids[10]])
        results += [dedup.result(i) for i in ids if i != ids[10]]
        _same_as_sql(dedup, texts)
        return results, snapshot(db), dedup.index


def _same_as_sql(dedup: Deduplicator, texts: list[str]) -> None:
    """Each text's keys in each month: the index's newest four per key are the tables'."""
    for text in texts:
        keys = sketch(text, dedup.hasher, dedup.rows).buckets
        for published in MONTHS:
            month = period(published, None)
            held = dedup.index.newest(range(month, month + 1), keys, 4)
            stored = [r[0] for key in keys for r in dedup.db.execute(
                lshbands.newest(1, 4), [month, key])]
            assert sorted(held) == sorted(stored)


@pytest.mark.parametrize("months_held", [12, 2])  # 2: fewer than a window, some from SQL
def test_the_index_gives_every_decision_the_sql_path_gives(tmp_path, monkeypatch, months_held):
    """The same articles placed with the index (its dict part, small run, radix directory
    and month eviction all at work) and with every month beyond the budget (SQL and the
    Bloom filter, the path before the index): the same DedupResult for each, in order."""
    texts = _pooled_texts(160)
    texts += [texts[5].replace("w1 ", "w2 ", 3), texts[40] + " w4999 w4998", texts[150]]
    texts += [t["text"] for t in load_fixture()]
    monkeypatch.setattr(bandindex, "ROW_BUDGET", 0)
    by_sql, state, index = _place_all(tmp_path / "sql.db", texts)
    assert index._rows() == 0 and index.in_sql  # every month with rows went to SQL
    monkeypatch.setattr(bandindex, "ROW_BUDGET", 4_000_000)
    monkeypatch.setattr(bandindex, "_FRESH_ROWS", 64)
    monkeypatch.setattr(bandindex, "_SMALL_ROWS", 256)
    monkeypatch.setattr(bandindex, "_RADIX_ROWS", 512)
    monkeypatch.setattr(bandindex, "MONTHS_HELD", months_held)
    monkeypatch.setattr(lshbands, "RECENT_LIMIT", 500)
    held, held_state, index = _place_all(tmp_path / "held.db", texts)
    assert index.months and index.big.starts is not None and index.big.packed.size > 512
    assert held == by_sql and held_state == state
    assert any(r.kind == "near_duplicate" for r in held)
    assert sum(len(r.matches) for r in held) > 10


def test_candidates_are_ranked_by_shared_bands_then_newest_first():
    assert rank([5, 9, 5, 7, 9, 3, 5], 2) == [5, 9]  # 5 three times, 9 twice
    assert rank([5, 9, 7, 3], 2) == [7, 9]  # all once: the newest two


def _archive(path):
    archive = Archive(path)
    if not archive.db["sites"].count:
        for site in SITES:
            archive.db["sites"].insert({"name": site})
    return archive


def test_a_text_change_rolled_back_leaves_the_old_text_found(tmp_path):
    """The index forgot the old text's rows when its change was placed; the rollback put
    them back in the tables, and the index must see them again."""
    wire = load_fixture()[0]["text"]
    with _archive(tmp_path / "news.db") as archive:
        db = archive.db
        first = insert(db, SITES[0], "https://v.example/a", wire, published=MONTHS[0])
        archive.dedup.add(first)
        db.conn.commit()
        with pytest.raises(RuntimeError), db.atomic():
            update_text(db, first, " ".join(f"other{n}" for n in range(300)))
            archive.dedup.add(first)
            raise RuntimeError("the batch fails")
        copy = insert(db, SITES[1], "https://m.example/a",
                      "\n\n".join(wire.split("\n\n")[:-1]), published=MONTHS[0])
        result = archive.dedup.add(copy)
        assert result.kind == "near_duplicate" and [m[0] for m in result.matches] == [first]


def test_an_article_placed_in_a_rolled_back_batch_is_no_candidate(tmp_path):
    texts = _pooled_texts(2)
    with _archive(tmp_path / "news.db") as archive:
        db, index = archive.db, archive.dedup.index
        archive.dedup.add(insert(db, SITES[0], "https://v.example/0", texts[0],
                                 published=MONTHS[0]))
        db.conn.commit()
        with pytest.raises(RuntimeError), db.atomic():
            gone = insert(db, SITES[0], "https://v.example/1", texts[1], published=MONTHS[0])
            archive.dedup.add(gone)
            raise RuntimeError("the batch fails")
        month = period(MONTHS[0], None)
        keys = sketch(texts[1], archive.dedup.hasher, archive.dedup.rows).buckets
        assert gone not in index.newest(range(month - 1, month + 2), keys, 4)
        assert index.months  # loaded again from the tables


def test_the_index_holds_at_most_its_budget_of_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(bandindex, "ROW_BUDGET", 32 * 30)
    texts = _pooled_texts(80)
    with _archive(tmp_path / "news.db") as archive:
        for n, text in enumerate(texts):  # 20 a month: a month fits, not the window
            archive.dedup.add(insert(archive.db, SITES[n % 3], f"https://x.example/{n}", text,
                                     published=MONTHS[n // 20]))
            assert archive.dedup.index._rows() <= 32 * 30
        assert archive.dedup.index.nbytes < 32 * 30 * 16
