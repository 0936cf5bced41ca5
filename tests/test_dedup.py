"""Content identity (scraper/store/dedup.py) on real SQLite archives and the syndication fixture.

tests/fixtures/syndication/ holds one AFP-style wire story as three sites' copies (other
headline, dateline, boilerplate, one sentence changed, one copy without its last paragraph),
a dpa-style story as two copies, and four different stories on the same event (another
agency's report quoting the same spokeswoman, an analysis, a local story, a follow-up that
reuses two background paragraphs). ``story`` in each file is the ground truth.
"""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import numpy as np
import pytest

from scraper import Archive, ArchiveError
from scraper.store.dedup import EXACT_MARGIN, MAX_EXACT, MIN_WORDS, Deduplicator
from scraper.store.dedupsample import SAMPLE_SIZE, estimate_jaccard, sample
from scraper.store.dedupschema import WINDOW_MONTHS, migrate_dedup, period
from scraper.store.schema import MIGRATIONS
from scraper.store.sketch import THRESHOLD, MinHasher, content_hash, jaccard, lsh_rows, shingles

FIXTURES = Path(__file__).parent / "fixtures" / "syndication"
SITES = ("valley-gazette", "metro-ledger", "northern-echo")


def load_fixture() -> list[dict]:
    articles = [json.loads(p.read_text("utf-8")) for p in sorted(FIXTURES.glob("*.json"))]
    for article in articles:
        article["text"] = "\n\n".join(article.pop("paragraphs"))
    return sorted(articles, key=lambda a: a["published"])


@pytest.fixture
def archive(tmp_path):
    with Archive(tmp_path / "news.db") as archive:
        for site in SITES:
            archive.db["sites"].insert({"name": site})
        yield archive


def insert(db, site: str, url: str, text: str, title: str = "", published: str | None = None,
           first_seen: str = "2022-08-09T12:00:00+00:00") -> int:
    return db["articles"].insert(
        {"site": site, "url": url, "title": title, "text": text,
         "content_hash": content_hash(text), "published": published,
         "first_seen": first_seen}).last_pk


def update_text(db, article_id: int, text: str) -> None:
    db["articles"].update(article_id, {"text": text, "content_hash": content_hash(text)})


def snapshot(db) -> dict:
    """The dedup state, independent of cluster ids (which depend on history)."""
    clusters: dict[int, set[str]] = {}
    rows = db.execute("select url, cluster_id, duplicate_of, similarity from articles")
    state = {}
    for url, cluster, twin, similarity in rows.fetchall():
        if cluster is not None:
            clusters.setdefault(cluster, set()).add(url)
        twin_url = db.execute("select url from articles where id = ?", [twin]).fetchone()
        state[url] = (twin_url[0] if twin_url else None, similarity)
    edges = {frozenset(r) for r in db.execute(
        "select a.url, b.url from near_duplicates n join articles a on a.id = n.article_id "
        "join articles b on b.id = n.other_id").fetchall()}
    sizes = sorted(r[0] for r in db.execute("select size from clusters"))
    return {"clusters": sorted(sorted(c) for c in clusters.values()), "articles": state,
            "edges": edges, "sizes": sizes}


def pairwise(clusters: dict[int, int | None], truth: dict[int, str]) -> tuple[float, float]:
    """Pairwise precision and recall of a clustering against ground-truth story labels."""
    predicted = {frozenset(p) for p in itertools.combinations(clusters, 2)
                 if clusters[p[0]] is not None and clusters[p[0]] == clusters[p[1]]}
    actual = {frozenset(p) for p in itertools.combinations(truth, 2)
              if truth[p[0]] == truth[p[1]]}
    hits = len(predicted & actual)
    return (hits / len(predicted) if predicted else 1.0, hits / len(actual) if actual else 1.0)


def test_fixture_clustering_precision_and_recall(archive, capsys):
    dedup = Deduplicator(archive.db)
    truth, found = {}, {}
    for article in load_fixture():
        article_id = insert(archive.db, article["site"], article["url"], article["text"],
                            article["title"], article["published"])
        truth[article_id] = article["story"]
        found[article_id] = dedup.add(article_id)
    clusters = {aid: dedup.result(aid).cluster_id for aid in found}  # after later merges
    precision, recall = pairwise(clusters, truth)
    with capsys.disabled():
        print(f"\nsyndication fixture: pairwise precision {precision:.2f}, recall {recall:.2f}"
              f" ({len(truth)} articles, threshold {THRESHOLD})")
    assert (precision, recall) == (1.0, 1.0)
    wire = [aid for aid, story in truth.items() if story == "rhine-wire"]
    assert len({clusters[a] for a in wire}) == 1 and clusters[wire[0]] is not None
    distinct = ("rhine-rival-wire", "rhine-analysis", "rhine-local", "rhine-followup")
    assert all(clusters[a] is None for a, story in truth.items() if story in distinct)
    cluster = archive.db["clusters"].get(clusters[wire[0]])
    assert (cluster["size"], cluster["sites"]) == (3, 3)
    earliest = archive.db["articles"].get(cluster["earliest_article_id"])
    assert earliest["site"] == "metro-ledger"  # 10:40+02:00 is before 09:12+00:00
    assert all(THRESHOLD <= dedup.result(a).similarity < 1 for a in wire)


def test_fixture_margins_around_the_threshold():
    """The calibration the THRESHOLD comment reports, kept true by the test."""
    articles = load_fixture()
    hashes = [shingles(a["text"]) for a in articles]
    same, different = [], []
    for (a, ha), (b, hb) in itertools.combinations(zip(articles, hashes, strict=True), 2):
        (same if a["story"] == b["story"] else different).append(jaccard(ha, hb))
    assert min(same) > THRESHOLD + 0.15
    assert max(different) < THRESHOLD / 3


def test_exact_duplicate_within_a_site_is_an_alias(archive):
    text = load_fixture()[0]["text"]
    dedup = Deduplicator(archive.db)
    first = insert(archive.db, "metro-ledger", "https://m.example/a", text)
    second = insert(archive.db, "metro-ledger", "https://m.example/a-copy", text)
    assert dedup.add(first).kind == "unique"
    result = dedup.add(second)
    assert (result.kind, result.alias_of, result.duplicate_of) == ("alias", first, None)
    assert result.cluster_id is None  # not indexed: the caller merges it into `first`
    assert archive.db["articles"].get(second)["duplicate_of"] == first
    dedup.remove(second)
    archive.db["articles"].delete(second)
    assert dedup.result(first).kind == "unique"


def test_exact_duplicate_across_sites_keeps_both_rows(archive):
    text = load_fixture()[0]["text"]
    dedup = Deduplicator(archive.db)
    first = insert(archive.db, "metro-ledger", "https://m.example/a", text)
    other = insert(archive.db, "northern-echo", "https://n.example/a", text)
    dedup.add(first)
    result = dedup.add(other)
    assert (result.kind, result.duplicate_of, result.alias_of) == ("duplicate", first, None)
    assert result.similarity == 1.0 and result.matches == ((first, 1.0),)
    assert dedup.result(first).cluster_id == result.cluster_id is not None
    assert dedup.result(first).kind == "near_duplicate"


def test_short_texts_are_never_merged(archive):
    stub = "Subscribe to read this article. Already a subscriber? Log in."
    assert len(stub.split()) < MIN_WORDS
    dedup = Deduplicator(archive.db)
    a = insert(archive.db, "metro-ledger", "https://m.example/one", stub)
    b = insert(archive.db, "metro-ledger", "https://m.example/two", stub)
    assert dedup.add(a).kind == "too_short"
    assert (dedup.add(b).kind, dedup.result(b).alias_of) == ("too_short", None)


def test_incremental_add_equals_rebuild(archive):
    db = archive.db
    dedup = Deduplicator(db)
    articles = load_fixture()
    ids = []
    for i, article in enumerate(articles):
        ids.append(insert(db, article["site"], article["url"], article["text"],
                          published=article["published"], first_seen=f"2022-08-09T12:{i:02}"))
        dedup.add(ids[-1])
        assert dedup.add(ids[-1]) == dedup.result(ids[-1])  # a second add changes nothing
    wire = articles[0]["text"]
    ids.append(insert(db, "northern-echo", "https://n.example/exact", wire))  # cross-site
    dedup.add(ids[-1])
    ids.append(insert(db, articles[0]["site"], "https://x.example/alias", wire))  # alias
    dedup.add(ids[-1])
    ids.append(insert(db, "valley-gazette", "https://v.example/stub", "Live updates soon."))
    dedup.add(ids[-1])
    # A correction turns the first wire copy into another story: what depended on it moves.
    update_text(db, ids[0], articles[-1]["text"] + "\n\nCorrection: an earlier version misnamed"
                " the agency.")
    dedup.add(ids[0])
    incremental = snapshot(db)
    dedup.rebuild()
    assert snapshot(db) == incremental
    assert incremental["clusters"] and incremental["edges"]


def test_text_update_splits_a_chain(archive):
    """A-B and B-C similar, A-C not: one cluster by single linkage; when B's text changes
    to something else, A and C part."""
    db = archive.db
    words = [f"w{i}" for i in range(300)]
    a, b, c = (" ".join(words[s : s + 150]) for s in (0, 50, 100))
    assert jaccard(shingles(a), shingles(c)) < THRESHOLD < jaccard(shingles(a), shingles(b))
    dedup = Deduplicator(db)
    ids = [insert(db, site, f"https://{site}.example/x", t) for site, t in zip(SITES, (a, b, c),
                                                                               strict=True)]
    results = [dedup.add(i) for i in ids]
    assert len({dedup.result(i).cluster_id for i in ids}) == 1 and results[0].kind == "unique"
    update_text(db, ids[1], " ".join(f"z{i}" for i in range(200)))
    dedup.add(ids[1])
    assert [dedup.result(i).kind for i in ids] == ["unique"] * 3
    assert db.execute("select count(*) from clusters").fetchone()[0] == 0
    before = snapshot(db)
    dedup.rebuild()
    assert snapshot(db) == before


def test_numpy_minhash_equals_the_pure_python_definition():
    hasher = MinHasher(num_perm=16)
    hashes = shingles(load_fixture()[0]["text"])
    mask = (1 << 64) - 1
    expected = [min(((int(a) * int(h) + int(b)) & mask) >> 32 for h in hashes)
                for a, b in zip(hasher.a, hasher.b, strict=True)]
    assert hasher.signature(hashes).tolist() == expected


def test_minhash_estimates_jaccard():
    articles = load_fixture()
    hasher = MinHasher(num_perm=256)
    for a, b in itertools.combinations(articles[:5], 2):
        ha, hb = shingles(a["text"]), shingles(b["text"])
        estimate = np.mean(hasher.signature(ha) == hasher.signature(hb))
        assert abs(estimate - jaccard(ha, hb)) < 0.15


def test_lsh_banding_favours_recall_at_the_threshold():
    assert lsh_rows(0.4, 64) == 2  # 32 bands: P(candidate | J = 0.4) = 0.996
    assert lsh_rows(0.4, 128) == 2  # 3 rows in 42 bands would give only 0.94
    assert lsh_rows(0.8, 128) > lsh_rows(0.4, 128)


def test_migration_is_idempotent_and_parameters_are_guarded(archive):
    db = archive.db
    migrate_dedup(db)
    migrate_dedup(db)
    assert {"cluster_id", "duplicate_of", "similarity"} <= set(db["articles"].columns_dict)
    article_id = insert(db, "metro-ledger", "https://m.example/a", load_fixture()[0]["text"])
    Deduplicator(db).add(article_id)
    other = Deduplicator(db, threshold=0.6)
    assert other.needs_rebuild
    with pytest.raises(ArchiveError):
        other.add(article_id)
    other.rebuild()
    assert not Deduplicator(db, threshold=0.6).needs_rebuild


def wire_and_copy(db, published: str, copy_published: str) -> tuple[str, int, int]:
    """The wire story on one site and, published later, on another with its last
    paragraph dropped: the wire text and both ids."""
    wire = load_fixture()[0]["text"]
    first = insert(db, "metro-ledger", "https://m.example/a", wire, published=published)
    copy = insert(db, "northern-echo", "https://n.example/a",
                  "\n\n".join(wire.split("\n\n")[:-1]), published=copy_published)
    return wire, first, copy


def test_copies_published_within_28_days_cluster_across_a_month_boundary(archive):
    _, first, copy = wire_and_copy(archive.db, "2024-01-31T23:00:00+00:00",
                                   "2024-02-28T08:00:00+00:00")
    dedup = Deduplicator(archive.db)
    dedup.add(first)
    result = dedup.add(copy)
    assert result.kind == "near_duplicate" and [m[0] for m in result.matches] == [first]


def test_copies_published_months_apart_are_not_compared_but_exact_copies_are(archive):
    wire, first, rerun = wire_and_copy(archive.db, "2024-01-10T09:00:00+00:00",
                                       f"2024-{2 + WINDOW_MONTHS:02d}-10T09:00:00+00:00")
    exact = insert(archive.db, "valley-gazette", "https://v.example/a", wire,
                   published="2025-06-01T09:00:00+00:00")
    dedup = Deduplicator(archive.db)
    dedup.add(first)
    assert dedup.add(rerun).kind == "unique"
    assert (dedup.add(exact).kind, dedup.result(exact).duplicate_of) == ("duplicate", first)
    snapshot_before = snapshot(archive.db)
    dedup.rebuild()
    assert snapshot(archive.db) == snapshot_before  # the window is the same in both


def test_period_is_the_publication_month_else_the_first_seen_month():
    assert period("2024-02-29T23:59:00+05:00", None) == 2024 * 12 + 1
    assert period("not a date", "2023-12-01") == 2023 * 12 + 11
    assert period(None, None) == 0


def test_archive_with_lsh_bands_keyed_by_bucket_alone_upgrades_on_open(tmp_path):
    """An archive written before m006 (bands keyed by bucket, no period, and no lsh_recent:
    m015) opens, is migrated, and keeps finding copies of the articles it already held."""
    path = tmp_path / "news.db"
    with Archive(path) as archive:
        db = archive.db
        for site in SITES:
            db["sites"].insert({"name": site})
        _, first, copy = wire_and_copy(db, "2024-03-05T10:00:00+00:00",
                                       "2024-03-06T10:00:00+00:00")
        dedup = Deduplicator(db)
        dedup.add(first)
        dedup.merge_recent()
        bands = db.execute("select count(*) from lsh_bands").fetchone()[0]
        assert bands == 32
        # Back to the layout m003 created in archives of that time.
        db.execute("drop table lsh_recent")
        db.execute("create table old_bands (bucket integer not null, article_id integer not "
                   "null, primary key (bucket, article_id)) without rowid")
        db.execute("insert into old_bands select bucket, article_id from lsh_bands")
        db.execute("drop table lsh_bands")
        db.execute("alter table old_bands rename to lsh_bands")
        db.execute("alter table minhashes drop column period")
        db.execute(f"delete from {MIGRATIONS.migrations_table} where name in "
                   "('m006_lsh_periods', 'm015_lsh_recent')")
        db.conn.commit()
    with Archive(path) as archive:
        db = archive.db
        assert "period" in db["lsh_bands"].columns_dict
        assert db.execute("select count(*) from lsh_recent").fetchone()[0] == 0
        assert db.execute("select count(*), min(period), max(period) from lsh_bands"
                          ).fetchone() == (bands, 2024 * 12 + 2, 2024 * 12 + 2)
        result = Deduplicator(db).add(copy)
        assert result.kind == "near_duplicate" and result.matches[0][0] == first


def test_samples_estimate_jaccard_and_give_it_exactly_for_short_texts():
    articles = load_fixture()
    for a, b in itertools.combinations(articles, 2):
        ha, hb = shingles(a["text"]), shingles(b["text"])
        estimate = estimate_jaccard(sample(ha), [sample(hb)])[0]
        if ha.size <= SAMPLE_SIZE and hb.size <= SAMPLE_SIZE:
            assert estimate == pytest.approx(jaccard(ha, hb))
        else:
            assert abs(estimate - jaccard(ha, hb)) < EXACT_MARGIN


def _pooled_texts(count: int, seed: int = 7) -> list[str]:
    """Texts of 6 paragraphs, 4 of them drawn from a pool of 30 that all texts share: every
    text has dozens of LSH candidates that are no copies, and a few are copies."""
    rng = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(5000)]
    pool = [" ".join(rng.choices(vocabulary, k=60)) for _ in range(30)]
    texts = []
    for _ in range(count):
        paragraphs = rng.sample(pool, 4) + [" ".join(rng.choices(vocabulary, k=60))
                                             for _ in range(2)]
        rng.shuffle(paragraphs)
        texts.append("\n\n".join(paragraphs))
    return texts


def test_cost_of_placing_an_article_is_bounded_and_decisions_match_the_exact_jaccard(archive):
    """However many stored articles share paragraphs with a new one, placing it reads at most
    MAX_EXACT stored texts, and the edges found are those the exact Jaccard gives."""
    db = archive.db
    dedup = Deduplicator(db)
    texts = _pooled_texts(150)
    texts += [texts[5].replace("w1 ", "w2 ", 3), texts[40] + " w4999 w4998"]  # two copies
    reads = []
    db.conn.set_trace_callback(
        lambda sql: reads.append(sql) if sql.startswith("select text from articles") else None)
    ids = []
    for n, text in enumerate(texts):
        ids.append(insert(db, SITES[n % 3], f"https://x.example/{n}", text))
        before = len(reads)
        dedup.add(ids[-1])
        assert len(reads) - before <= MAX_EXACT
    db.conn.set_trace_callback(None)
    hashes = [shingles(t) for t in texts]
    exact = {frozenset((ids[i], ids[j])) for i, j in itertools.combinations(range(len(texts)), 2)
             if jaccard(hashes[i], hashes[j]) >= THRESHOLD}
    found = {frozenset(r) for r in db.execute("select article_id, other_id from near_duplicates")}
    assert found == exact
    assert frozenset((ids[5], ids[-2])) in found and frozenset((ids[40], ids[-1])) in found


def test_archive_indexed_before_samples_upgrades_without_rebuild(tmp_path):
    """An archive from before m013 (no samples) opens without a rebuild; an old article gets
    its sample when it is first a candidate, and its copies are still found."""
    path = tmp_path / "news.db"
    with Archive(path) as archive:
        db = archive.db
        for site in SITES:
            db["sites"].insert({"name": site})
        _, first, copy = wire_and_copy(db, "2024-03-05T10:00:00+00:00",
                                       "2024-03-06T10:00:00+00:00")
        Deduplicator(db).add(first)
        db.execute("alter table minhashes drop column sample")
        params = json.loads(db.execute("select value from dedup_settings").fetchone()[0])
        del params["sample_size"]
        db.execute("update dedup_settings set value = ?", [json.dumps(params)])
        db.execute(f"delete from {MIGRATIONS.migrations_table} where name = "
                   "'m013_dedup_samples'")
        db.conn.commit()
    with Archive(path) as archive:
        db = archive.db
        assert not archive.dedup.needs_rebuild
        assert db.execute("select sample from minhashes").fetchall() == [(None,)]
        result = archive.dedup.add(copy)
        assert result.kind == "near_duplicate" and result.matches[0][0] == first
        assert db.execute("select count(*) from minhashes where sample is not null"
                          ).fetchone()[0] == 2
