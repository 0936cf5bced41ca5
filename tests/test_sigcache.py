"""The in-memory low signature bytes (scraper/store/sigcache.py) drop candidates before their
minhashes rows are read, and never change what the archive decides: not after a text change,
a rollback, or another connection's writes."""

from __future__ import annotations

import pytest
from test_dedup import SITES, _pooled_texts, insert, snapshot, update_text
from test_lshbands import _crawl

from scraper import Archive
from scraper.store import sigcache
from scraper.store.dedup import Deduplicator
from scraper.store.sigcache import SignatureCache


def _texts() -> list[str]:
    texts = _pooled_texts(120)
    near = " ".join(f"q{i}" if i % 12 == 0 else w for i, w in enumerate(texts[70].split(" ")))
    return texts + [texts[5].replace("w1 ", "w2 ", 3), texts[40] + " w4999 w4998",
                    texts[90] + " w4997", near]  # four copies, the last at J = 0.42


def test_the_cache_drops_candidates_and_changes_no_decision(tmp_path, monkeypatch):
    """The same archive with and without the cache, and after a rebuild; the cache dropped
    candidates before their rows were read."""
    texts = _texts()
    keep = SignatureCache.keep
    seen = [0, 0]

    def counting(self, ids, signature, cut):  # noqa: ANN001, ANN202
        kept = keep(self, ids, signature, cut)
        seen[0] += len(ids)
        seen[1] += len(kept)
        return kept

    monkeypatch.setattr(SignatureCache, "keep", counting)
    cached = _crawl(tmp_path / "cached.db", texts)[0]  # with two texts changed
    assert seen[1] < seen[0] and cached["edges"]
    monkeypatch.setattr(SignatureCache, "keep", lambda self, ids, signature, cut: ids)
    assert _crawl(tmp_path / "uncached.db", texts)[0] == cached
    monkeypatch.setattr(SignatureCache, "keep", keep)
    with Archive(tmp_path / "cached.db") as archive:
        Deduplicator(archive.db).rebuild()
        assert snapshot(archive.db) == cached


def _open(path):
    archive = Archive(path)
    return archive, Deduplicator(archive.db)


def _filled(archive: Archive, dedup: Deduplicator, texts: list[str]) -> list[int]:
    """The sites, and ``texts`` added one by one, then a copy of one: the cache is loaded."""
    for site in SITES:
        archive.db["sites"].insert({"name": site})
    ids = [insert(archive.db, SITES[n % 3], f"https://x.example/{n}", t)
           for n, t in enumerate(texts)]
    for article_id in ids:
        dedup.add(article_id)
    dedup.add(insert(archive.db, SITES[0], "https://x.example/probe", texts[1] + " w4999"))
    return ids


def test_an_archive_changed_by_another_connection_is_read_from_sql(tmp_path):
    """A crawl's cache holds every article when another process adds one and changes the
    text of another: the copies of both, added by the crawl, are found."""
    texts = _pooled_texts(40)
    path = tmp_path / "news.db"
    first, dedup = _open(path)
    with first:
        ids = _filled(first, dedup, texts)
        assert dedup.sigs.held[ids].all()  # loaded, then filled by the adds
        other, other_dedup = _open(path)
        with other:
            new = insert(other.db, SITES[1], "https://y.example/new", texts[7] + " w4990 w4991")
            other_dedup.add(new)
            update_text(other.db, ids[9], " ".join(f"z{i}" for i in range(300)))
            other_dedup.add(ids[9])
        copies = [(new, texts[7] + " w4990 w4992"),
                  (ids[9], " ".join(f"z{i}" for i in range(290)))]
        for n, (twin, text) in enumerate(copies):
            result = dedup.add(insert(first.db, SITES[2], f"https://z.example/{n}", text))
            assert twin in [other_id for other_id, _ in result.matches]


def test_a_text_change_rolled_back_leaves_the_old_text_found(tmp_path):
    """A changed text placed and then rolled back with its batch: a copy of the text the
    archive still holds is found (the cache does not keep the signature it never kept)."""
    texts = _pooled_texts(30)
    archive, dedup = _open(tmp_path / "news.db")
    with archive:
        db = archive.db
        ids = _filled(archive, dedup, texts)
        with pytest.raises(RuntimeError), db.atomic():
            update_text(db, ids[4], " ".join(f"z{i}" for i in range(300)))
            dedup.add(ids[4])
            raise RuntimeError("the batch's commit failed")
        result = dedup.add(insert(db, SITES[1], "https://y.example/4", texts[4] + " w4998"))
        assert ids[4] in [other_id for other_id, _ in result.matches]


def test_a_second_writer_reloads_the_cache_at_most_once_per_reload_lookups(tmp_path,
                                                                            monkeypatch):
    monkeypatch.setattr(sigcache, "RELOAD_LOOKUPS", 3)
    texts = _pooled_texts(40)
    path = tmp_path / "news.db"
    first, dedup = _open(path)
    loads = []
    load = SignatureCache.load
    monkeypatch.setattr(SignatureCache, "load", lambda self: (loads.append(1), load(self)))
    with first:
        for site in SITES:
            first.db["sites"].insert({"name": site})
        other, other_dedup = _open(path)
        with other:
            for n, text in enumerate(texts):  # the two take turns: each add sees a commit
                db, placer = (first.db, dedup) if n % 2 else (other.db, other_dedup)
                placer.add(insert(db, SITES[n % 3], f"https://x.example/{n}", text))
    assert 2 < len(loads) <= 2 + 40 // 3  # each of the two: its first load, then one per 3
