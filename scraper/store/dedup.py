"""Content identity: exact duplicates and near-duplicates, clustered as articles arrive.

A wire story (AFP, dpa, Reuters) appears on many sites under different headlines, with a
dateline, site boilerplate and the odd sentence edited. URL identity (``scraper.urls``)
cannot see that; this module does, on the text:

- **exact**: the same ``content_hash`` (``content_hash`` below: NFC, whitespace
  folded, case kept). On the same site the newer row is an *alias* of the first (the caller
  merges its URLs into it); on another site it is a *duplicate* (``duplicate_of``, both rows
  kept: each site's copy is part of the record).
- **near**: Jaccard similarity of word 5-shingles of at least ``THRESHOLD``. Candidates come
  from MinHash signatures banded into an LSH table in SQLite (``lsh_bands``), among the
  articles of the same or an adjacent calendar month (``WINDOW_MONTHS``). The cost of
  placing an article is bounded whatever the archive holds: its keys are looked up in memory
  (``keyindex``), each yields its ``BUCKET_LIMIT`` newest articles, the candidates are
  ranked by how many bands they share and the first ``MAX_CANDIDATES`` are kept; each is
  verified by the Jaccard estimated from stored bottom-k samples (``scraper.dedupsample``),
  and only a pair whose estimate lies within ``EXACT_MARGIN`` of the threshold gets the
  *exact* Jaccard of the two texts (at most ``MAX_EXACT`` per article). Pairs above the
  threshold are edges (``near_duplicates``); a cluster is a connected component of edges
  (single linkage), so it does not depend on arrival order and an incremental ``add`` gives
  what ``rebuild`` gives.

The text-side work (shingles, signature, sample: ``sketch.py``) needs only the text, so the
crawl does it on its parse thread; ``Deduplicator.add`` is then SQL and a little numpy.

Short texts (under ``MIN_WORDS`` words: paywall stubs, placeholders, but also news briefs)
get no near-duplicate search; they are exact copies when text and title agree (shortcopy.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from ..errors import ArchiveError
from ..sqlite import sqlite_utils
from .dedupsample import SAMPLE_SIZE, estimate_jaccard, sample
from .dedupschema import WINDOW_MONTHS, migrate_dedup, period
from .keyindex import KeyIndex
from .lshbands import LshBands, create_recent
from .shortcopy import place_short
from .sketch import (
    NUM_PERM,
    SEED,
    SHINGLE_WORDS,
    THRESHOLD,
    MinHasher,
    TextSketch,
    content_hash,
    jaccard,
    lsh_buckets,
    lsh_rows,
    shingles,
    sketch,
    word_count,
)

__all__ = [
    "BUCKET_LIMIT", "EXACT_MARGIN", "MAX_CANDIDATES", "MAX_EXACT", "MIN_WORDS", "PREFILTER",
    "DedupResult", "Deduplicator",
]


# Below this many words a text is not deduplicated (see the module docstring).
MIN_WORDS = 50
# Candidates per LSH bucket: its newest this many articles of the window. A band value held
# by more articles than this comes from text many stories share (a boilerplate sentence, a
# press-release paragraph), not from one story's copies: the copies also agree on bands of
# their own text, whose buckets hold them alone (a pair at J = 0.4 shares each band with
# P = J^2 = 0.16: 5.1 of 32 on average). Calibrated with MAX_CANDIDATES on
# bench/dedup_scale.py's archive of 100,000 articles made from a pool of paragraphs, by
# placing copies of 1,500 random stored articles at J = 0.40-0.43: 4 and 16 find 98.9 % of
# them, 32 and 64 (before 2026-12) 98.3 %, 8 and 16 97.8 %, 4 and 8 97.3 %, against a bound
# of 99.6-99.8 % (no band shared: 0.84^32 at J = 0.4); at 10,000 stored both caps 99.7 %.
# Fewer rows from shared-text buckets leave the ranking to the copy's own buckets.
BUCKET_LIMIT = 4
# Candidates verified per article: those sharing the most bands first, the newest first among
# equals. Nearly reached at 10,000 stored shared-paragraph articles (5.0 candidates at 1,000,
# 9.2 at 10,000, 14.0 at 100,000: 6.5, 39 and 55 with 32 and 64), so that the cost of an add
# stops growing early. Not taken: a minimum of 2 shared bands (a pair at THRESHOLD shares
# fewer with P = 2.7 %, against 0.4 % for none).
MAX_CANDIDATES = 16
# A candidate whose signature agrees with the article's on fewer than this share of its
# NUM_PERM positions is dropped before its sample is read: the share estimates the Jaccard
# with a standard deviation of at most 0.06 at 64 positions, so a pair at THRESHOLD falls
# under 0.15 with P ~ 1e-5, and most candidates that only share a paragraph (J ~ 0.1) go.
PREFILTER = 0.15
# A candidate whose estimated Jaccard (bottom-k samples, dedupsample.SAMPLE_SIZE) is within
# this of THRESHOLD gets the exact check on both texts: the estimate is off by more with
# P < 0.001 (3.2 standard deviations at J = 0.4). Further away the estimate decides.
EXACT_MARGIN = 0.1
# Exact checks per article at most (each re-shingles a stored text: ~1 ms for 600 words),
# the candidates whose estimates are nearest the threshold first; any others in the margin are
# decided by their estimate.
MAX_EXACT = 4
@dataclass(frozen=True)
class DedupResult:
    """What ``Deduplicator.add`` decided for one article.

    kind: ``alias`` (same text as ``alias_of`` on the same site: merge its URLs into that
    article), ``duplicate`` (same text as ``duplicate_of`` on another site), ``near_duplicate``
    (in ``cluster_id``), ``unique``, or ``too_short`` (not deduplicated). ``similarity`` is the
    highest Jaccard to any other article, ``matches`` every (article_id, Jaccard) edge.
    A cross-site duplicate is also in a cluster (its Jaccard to its twin is 1.0).
    """

    article_id: int
    kind: str
    alias_of: int | None = None
    duplicate_of: int | None = None
    cluster_id: int | None = None
    similarity: float | None = None
    matches: tuple[tuple[int, float], ...] = ()


def _utc(value: str | None) -> datetime:
    try:
        moment = datetime.fromisoformat(value or "")
    except ValueError:
        return datetime.max.replace(tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Deduplicator:
    """Exact and near-duplicate detection over the ``articles`` table of ``db``."""

    def __init__(self, db: sqlite_utils.Database, threshold: float = THRESHOLD,
                 num_perm: int = NUM_PERM) -> None:
        migrate_dedup(db)
        create_recent(db)
        self.db = db
        self.threshold = threshold
        self.hasher = MinHasher(num_perm)
        self.rows = lsh_rows(threshold, num_perm)
        self.params = {"threshold": threshold, "num_perm": num_perm, "seed": SEED,
                       "shingle_words": SHINGLE_WORDS, "min_words": MIN_WORDS,
                       "rows": self.rows, "sample_size": SAMPLE_SIZE}
        stored = self._one("select value from dedup_settings where key = 'params'")
        indexed = self._one("select count(*) from minhashes")
        if stored is None or not indexed:
            self._save_settings()
        # Signatures or edges made with other parameters cannot be compared: rebuild() first.
        self.needs_rebuild = (stored is not None and json.loads(stored) != self.params
                              and bool(indexed))
        # The LSH keys with their newest articles, in memory (keyindex.py); written with them.
        self.keys = KeyIndex.of(db, BUCKET_LIMIT)
        self.lsh = LshBands(db, self.keys)  # writes to lsh_recent, merged into lsh_bands

    # -- public API ------------------------------------------------------------------------

    def add(self, article_id: int, text_sketch: TextSketch | None = None) -> DedupResult:
        """Index one stored article and place it; call after its row is written or updated.

        Runs in the caller's transaction (as a savepoint). An unchanged text (same
        ``content_hash`` as when indexed) costs a few indexed lookups and changes nothing.
        ``text_sketch``: ``sketch()`` of the stored text, when the caller made it already
        (the crawl does, off its event loop).
        """
        if self.needs_rebuild:
            raise ArchiveError("dedup parameters changed since the archive was indexed: "
                               "call Deduplicator.rebuild() first")
        row = self._article(article_id)
        if row is None:
            raise KeyError(f"no article {article_id}")
        with self.db.atomic():
            known = self._one("select content_hash from minhashes where article_id = ?",
                              [article_id])
            if known is not None and known == row["content_hash"]:
                return self.result(article_id)
            if known is not None or row["duplicate_of"] or row["cluster_id"]:
                self._detach(article_id)  # a new article has no state: 7 queries saved
            self._place(row, text_sketch)
            later = self.db.execute(
                "select id from articles where content_hash = ? and id > ? order by id",
                [row["content_hash"], article_id]).fetchall()
            for (other,) in later:  # an older article now reads like newer ones: re-place those
                self._detach(other)
                self._place(self._article(other))
        return self.result(article_id)

    def verify(self, text_sketch: TextSketch, candidates: list) -> list[tuple[int, float]]:
        """``_verify`` for a caller gathering candidates itself (warc/placing.py)."""
        return self._verify(text_sketch, candidates)

    def merge_recent(self) -> None:
        """Move the newest LSH keys into ``lsh_bands`` (for a caller reading that table)."""
        self.lsh.merge()

    def link(self, article_id: int, matches: list[tuple[int, float]]) -> None:
        """Record an indexed article's near-duplicate edges and join their clusters."""
        self._link(article_id, matches)

    def remove(self, article_id: int) -> None:
        """Forget an article (call before deleting its row, e.g. after merging an alias)."""
        with self.db.atomic():
            self._detach(article_id)

    def rebuild(self) -> None:
        """Recompute everything from the articles' texts, in arrival (id) order."""
        with self.db.atomic():
            for table in ("minhashes", "near_duplicates", "clusters"):
                self.db.execute(f"delete from {table}")
            self.lsh.clear()
            self.db.execute("update articles set cluster_id = null, duplicate_of = null, "
                            "similarity = null")
            self._save_settings()
            self.needs_rebuild = False
            for (article_id,) in self.db.execute("select id from articles order by id").fetchall():
                self._place(self._article(article_id))

    def result(self, article_id: int) -> DedupResult:
        """The current dedup state of one article, as stored."""
        row = self._article(article_id)
        if row is None:
            raise KeyError(f"no article {article_id}")
        matches = tuple(self.db.execute(
            "select other_id, similarity from near_duplicates where article_id = ? union all "
            "select article_id, similarity from near_duplicates where other_id = ? "
            "order by 2 desc, 1", [article_id, article_id]).fetchall())
        twin = row["duplicate_of"]
        if twin is not None:
            same_site = self._one("select site from articles where id = ?", [twin]) == row["site"]
            kind = "alias" if same_site else "duplicate"
        elif row["cluster_id"] is not None:
            kind = "near_duplicate"
        elif self._one("select 1 from minhashes where article_id = ?", [article_id]):
            kind = "unique"
        else:
            kind = "too_short"
        return DedupResult(article_id, kind, twin if kind == "alias" else None,
                           twin if kind == "duplicate" else None, row["cluster_id"],
                           row["similarity"], matches)

    # -- placing and detaching -------------------------------------------------------------

    def _place(self, row: dict, text_sketch: TextSketch | None = None) -> None:
        """Index an article that has no dedup state yet, and link it to its matches."""
        article_id, text = row["id"], row["text"] or ""
        words = text_sketch.words if text_sketch is not None else word_count(text)
        if words < MIN_WORDS:
            return place_short(self, row)  # exact copies only, by text and title
        chash = row["content_hash"] or content_hash(text)
        twin = self.db.execute(
            "select id, site from articles where content_hash = ? and id < ? "
            "order by site != ?, id limit 1", [chash, article_id, row["site"]]).fetchone()
        if twin is not None:
            self.db.execute("update articles set duplicate_of = ? where id = ?",
                            [twin[0], article_id])
            if twin[1] == row["site"]:
                return  # an alias is not indexed: the caller merges it into its twin
        if text_sketch is None or text_sketch.signature.size != self.hasher.num_perm \
                or text_sketch.rows != self.rows:
            text_sketch = sketch(text, self.hasher, self.rows)
        signature = text_sketch.signature
        month = period(row["published"], row["first_seen"])
        self.db.execute("insert into minhashes (article_id, content_hash, signature, period, "
                        "sample) values (?, ?, ?, ?, ?)",
                        [article_id, chash, signature.tobytes(), month,
                         text_sketch.sample.astype("<u4").tobytes()])
        buckets = text_sketch.buckets
        months = range(month - WINDOW_MONTHS, month + WINDOW_MONTHS + 1)
        candidates = [row for row in self._candidates(months, buckets) if row[0] != article_id]
        self.lsh.insert(month, buckets, article_id)
        matches = self._verify(text_sketch, candidates)
        if matches:
            self._link(article_id, matches)

    def _candidates(self, months: range, buckets: list[int]) -> list[tuple[int, bytes]]:
        """The articles sharing a band with the signature: at most ``BUCKET_LIMIT`` (the
        newest) per bucket and month, the ``MAX_CANDIDATES`` sharing the most bands; as
        (article_id, signature, sample) by id."""
        holders = self.keys.holders(months, buckets).astype(np.int64)
        if not holders.size:
            return []
        ids, shared = np.unique(holders, return_counts=True)
        best = ids[np.lexsort((-ids, -shared))[:MAX_CANDIDATES]].tolist()
        return self.db.execute(
            "select article_id, signature, sample from minhashes where article_id in "
            f"({','.join('?' * len(best))}) order by article_id", best).fetchall()

    def _verify(self, text_sketch: TextSketch, rows: list[tuple]) -> list[tuple[int, float]]:
        """The candidates at least THRESHOLD alike, with their Jaccard. ``rows``: (article_id,
        signature, sample) as ``_candidates`` gives them, or (article_id, signature). Those
        whose signatures agree on at least ``PREFILTER`` of their positions are estimated
        from the samples, the ``MAX_EXACT`` nearest the threshold within ``EXACT_MARGIN``
        checked exactly."""
        if not rows:
            return []
        signature = text_sketch.signature
        signatures = np.frombuffer(b"".join([r[1] for r in rows]), "<u4").reshape(
            -1, signature.size)
        agree = np.count_nonzero(signatures == signature, axis=1)
        kept = [rows[i] for i in np.flatnonzero(agree >= PREFILTER * signature.size).tolist()]
        if not kept:
            return []
        ids = [r[0] for r in kept]
        similarity = estimate_jaccard(text_sketch.sample, self._samples(kept))
        distance = np.abs(similarity - self.threshold)
        for index in np.argsort(distance, kind="stable")[:MAX_EXACT]:
            if distance[index] >= EXACT_MARGIN:
                break
            stored = self._one("select text from articles where id = ?", [ids[index]]) or ""
            similarity[index] = jaccard(text_sketch.hashes, shingles(stored))
        return [(ids[i], round(float(similarity[i]), 4))
                for i in np.flatnonzero(similarity >= self.threshold).tolist()]

    def _samples(self, rows: list[tuple]) -> list[np.ndarray]:
        """The stored samples of candidate rows, in their order: from the rows, else in one
        statement; one indexed before samples were (``migrate_samples``) gets it made now."""
        blobs = {r[0]: r[2] for r in rows} if all(len(r) > 2 for r in rows) else dict(
            self.db.execute("select article_id, sample from minhashes where article_id in "
                            "(select value from json_each(?))", [json.dumps([r[0] for r in rows])]))
        out = []
        for article_id, *_ in rows:
            blob = blobs.get(article_id)
            if blob is None:
                stored = self._one("select text from articles where id = ?", [article_id]) or ""
                blob = sample(shingles(stored)).astype("<u4").tobytes()
                self.db.execute("update minhashes set sample = ? where article_id = ?",
                                [blob, article_id])
            out.append(np.frombuffer(blob, "<u4"))
        return out

    def _link(self, article_id: int, matches: list[tuple[int, float]]) -> None:
        """Record the edges, raise similarities, and join or merge the neighbours' clusters."""
        for other, similarity in matches:
            self.db.execute("insert or replace into near_duplicates values (?, ?, ?)",
                            [min(article_id, other), max(article_id, other), similarity])
            for node in (article_id, other):
                self.db.execute("update articles set similarity = max(coalesce(similarity, 0), ?)"
                                " where id = ?", [similarity, node])
        members = [article_id, *(other for other, _ in matches)]
        marks = ",".join("?" * len(members))
        found = sorted({c for (c,) in self.db.execute(
            f"select cluster_id from articles where id in ({marks}) and cluster_id is not null",
            members)})
        if found:
            target = found[0]
            for other_cluster in found[1:]:
                self.db.execute("update articles set cluster_id = ? where cluster_id = ?",
                                [target, other_cluster])
                self.db.execute("delete from clusters where id = ?", [other_cluster])
        else:
            target = self.db.execute("insert into clusters (size) values (0)").lastrowid
        self.db.execute(f"update articles set cluster_id = ? where id in ({marks})",
                        [target, *members])
        self._refresh_cluster(target)

    def _detach(self, article_id: int) -> None:
        """Remove every trace of an article's dedup state, repairing what depended on it."""
        edges = self.db.execute(
            "select other_id from near_duplicates where article_id = ? union "
            "select article_id from near_duplicates where other_id = ?",
            [article_id, article_id]).fetchall()
        cluster = self._one("select cluster_id from articles where id = ?", [article_id])
        indexed = self.db.execute("select signature, period from minhashes where article_id = ?",
                                  [article_id]).fetchone()
        if indexed is not None:
            signature, month = indexed
            self.lsh.remove(month, lsh_buckets(np.frombuffer(signature, "<u4"), self.rows),
                            article_id)
            self.db.execute("delete from minhashes where article_id = ?", [article_id])
        self.db.execute("delete from near_duplicates where article_id = ? or other_id = ?",
                        [article_id, article_id])
        self.db.execute("update articles set cluster_id = null, duplicate_of = null, "
                        "similarity = null where id = ?", [article_id])
        for (other,) in edges:
            self.db.execute(
                "update articles set similarity = (select max(similarity) from near_duplicates "
                "where article_id = ?1 or other_id = ?1) where id = ?1", [other])
        if cluster is not None:
            self._split(cluster)
        dependents = self.db.execute("select id from articles where duplicate_of = ? order by id",
                                     [article_id]).fetchall()
        for (other,) in dependents:  # their twin's text changed: place them again
            self._detach(other)
            self._place(self._article(other))

    def _split(self, cluster: int) -> None:
        """Recompute the connected components of a cluster that lost a member."""
        members = [m for (m,) in self.db.execute(
            "select id from articles where cluster_id = ? order by id", [cluster])]
        unseen, components = set(members), []
        for start in members:
            if start not in unseen:
                continue
            component, stack = [], [start]
            unseen.discard(start)
            while stack:
                node = stack.pop()
                component.append(node)
                for (other,) in self.db.execute(
                        "select other_id from near_duplicates where article_id = ?1 union "
                        "select article_id from near_duplicates where other_id = ?1", [node]):
                    if other in unseen:
                        unseen.discard(other)
                        stack.append(other)
            components.append(component)
        self.db.execute("update articles set cluster_id = null where cluster_id = ?", [cluster])
        self.db.execute("delete from clusters where id = ?", [cluster])
        keep: int | None = cluster  # the first component of 2+ (by oldest member) keeps the id
        for component in (c for c in components if len(c) > 1):
            target = self.db.execute("insert into clusters (id, size) values (?, 0)",
                                     [keep]).lastrowid
            keep = None
            marks = ",".join("?" * len(component))
            self.db.execute(f"update articles set cluster_id = ? where id in ({marks})",
                            [target, *component])
            self._refresh_cluster(target)

    def _refresh_cluster(self, cluster: int) -> None:
        rows = self.db.execute("select id, site, published, first_seen from articles "
                               "where cluster_id = ?", [cluster]).fetchall()
        earliest = min(rows, key=lambda r: (_utc(r[2] or r[3]), r[0]))[0]
        seen = [r[3] for r in rows if r[3]]
        self.db.execute(
            "update clusters set size = ?, sites = ?, first_seen = ?, last_seen = ?, "
            "earliest_article_id = ? where id = ?",
            [len(rows), len({r[1] for r in rows}), min(seen, default=None),
             max(seen, default=None), earliest, cluster])

    # -- small helpers ---------------------------------------------------------------------

    def _article(self, article_id: int) -> dict | None:
        cursor = self.db.execute(
            "select id, site, text, content_hash, duplicate_of, cluster_id, similarity, "
            "published, first_seen from articles where id = ?", [article_id])
        row = cursor.fetchone()
        return dict(zip([c[0] for c in cursor.description], row, strict=True)) if row else None

    def _one(self, sql: str, params: list | None = None):
        row = self.db.execute(sql, params or []).fetchone()
        return row[0] if row else None

    def _save_settings(self) -> None:
        self.db.execute("insert or replace into dedup_settings (key, value) values ('params', ?)",
                        [json.dumps(self.params)])
