"""A shard's new articles placed in the archive's dedup state at once, by the rules an
article-by-article ``Deduplicator.add`` follows (``scraper/store/dedup.py``), in set-sized
statements instead of a dozen per article.

- **exact**: one query finds every archived text with a shard article's ``content_hash``;
  each article takes the earliest copy, its own site's first, as ``add`` does: a same-site
  copy is an alias (the merge folds it into that article) and is not indexed.
- **near**: the shard's MinHash rows and LSH keys were made in the task. Every key of every
  article (its month and the adjacent ones, ``WINDOW_MONTHS``) is looked up in one
  statement, each bucket giving its ``BUCKET_LIMIT`` newest articles, before the shard's own
  keys are written: these are candidates from what the archive held. Candidates within the
  shard were found by the task's own ``Deduplicator`` (the shard's ``near_duplicates``),
  with the same rules. Each article keeps its ``MAX_CANDIDATES`` sharing the most bands,
  verified by ``Deduplicator.verify``; the edges are linked into clusters by
  ``Deduplicator.link``.
- **short** texts (under ``MIN_WORDS``) go through ``shortcopy.place_short`` one by one.

The candidates of an article are thus up to ``MAX_CANDIDATES`` from the archive plus those
the task found in its own file: never fewer than the article-by-article path finds, and
the same edges whenever a bucket holds fewer than ``BUCKET_LIMIT`` articles.
"""

from __future__ import annotations

from collections import Counter
from itertools import groupby

import numpy as np

from ..sqlite import sqlite3
from ..store.dedup import BUCKET_LIMIT, MAX_CANDIDATES, MIN_WORDS, Deduplicator
from ..store.dedupschema import WINDOW_MONTHS, period
from ..store.shortcopy import place_short
from ..store.sketch import TextSketch, sketch, word_count

__all__ = ["place_articles"]

_CHUNK = 500  # values per IN list

# Each (month, bucket) key: the bucket's newest BUCKET_LIMIT articles (a seek to the
# bucket's end, 31 steps back, then at most 32 rows), as one statement for the whole shard.
# Keys are stored once per article's own month and sorted by bucket; the adjacent months
# come from a join, month by month (cross joins keep that order), so that each pass walks
# one month's part of the B-tree in order: 55 ms less per 1,000 articles than making and
# inserting the three months' keys.
_MONTHS = " union all ".join(f"select {d} as d" for d in range(-WINDOW_MONTHS,
                                                                  WINDOW_MONTHS + 1))
_CANDIDATES = (
    f"select k.idx, b.article_id from ({_MONTHS}) m cross join temp.warc_keys k "
    "cross join main.lsh_bands b on b.period = k.period + m.d and b.bucket = k.bucket "
    "and b.article_id >= coalesce((select c.article_id from main.lsh_bands c where "
    "c.period = k.period + m.d and c.bucket = k.bucket order by c.article_id desc "
    f"limit 1 offset {BUCKET_LIMIT - 1}), 0)")


def _chunks(values: list, size: int = _CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _twins(conn: sqlite3.Connection, rows: list[dict]) -> dict[int, tuple[int, str]]:
    """Each article's earliest exact copy (its own site's first), as ``_place`` picks it."""
    hashes = sorted({r["content_hash"] for r in rows})
    holders: dict[str, list[tuple[int, str]]] = {}
    for chunk in _chunks(hashes):
        for chash, article_id, site in conn.execute(
                "select content_hash, id, site from main.articles where content_hash in "
                f"({', '.join('?' * len(chunk))}) order by id", chunk):
            holders.setdefault(chash, []).append((article_id, site))
    twins = {}
    for row in rows:
        earlier = [h for h in holders.get(row["content_hash"], []) if h[0] < row["id"]]
        if earlier:
            twins[row["id"]] = min(earlier, key=lambda h: (h[1] != row["site"], h[0]))
    return twins


def _keys(indexed: list[tuple[dict, TextSketch, int]]) -> tuple[list[tuple], list[tuple]]:
    """The articles' LSH keys sorted by (month, bucket): as (month, bucket, index in
    ``indexed``) and as ``lsh_bands`` rows (month, bucket, article id). Sorted by numpy: in
    Python, making and sorting the tuples was half of the placing's CPU."""
    buckets = np.array([s.buckets for _, s, _ in indexed], dtype=np.int64)
    bands = buckets.shape[1]
    index = np.repeat(np.arange(len(indexed)), bands)
    months = np.repeat(np.array([own for _, _, own in indexed], dtype=np.int64), bands)
    flat = buckets.ravel()
    order = np.lexsort((index, flat, months))
    month_list, bucket_list = months[order].tolist(), flat[order].tolist()
    ids = np.array([row["id"] for row, _, _ in indexed], dtype=np.int64)
    return (list(zip(month_list, bucket_list, index[order].tolist(), strict=True)),
            list(zip(month_list, bucket_list, ids[index[order]].tolist(), strict=True)))


def _archive_candidates(conn: sqlite3.Connection, count: int,
                        keys: list[tuple]) -> list[list[tuple]]:
    """Per indexed article (``count`` of them), its candidate rows (article_id, signature,
    sample) by id."""
    conn.execute("create temp table if not exists warc_keys (period integer, bucket integer, "
                 "idx integer)")
    conn.execute("delete from temp.warc_keys")
    conn.executemany("insert into temp.warc_keys values (?, ?, ?)", keys)
    shared: list[Counter] = [Counter() for _ in range(count)]
    for i, article_id in conn.execute(_CANDIDATES):
        shared[i][article_id] += 1
    chosen = [sorted(c.items(), key=lambda kv: (-kv[1], -kv[0]))[:MAX_CANDIDATES] if c else []
              for c in shared]
    wanted = sorted({a for c in chosen for a, _ in c})
    stored: dict[int, tuple] = {}
    for chunk in _chunks(wanted):
        for row in conn.execute("select article_id, signature, sample from main.minhashes "
                                f"where article_id in ({', '.join('?' * len(chunk))})", chunk):
            stored[row[0]] = row
    return [sorted((stored[a] for a, _ in c if a in stored), key=lambda r: r[0])
            for c in chosen]


def place_articles(dedup: Deduplicator, rows: list[dict], sketches: dict[int, TextSketch],
                   shard_edges: list[tuple[int, int, float]], indexed_ids: set[int]) -> None:
    """Place new articles (rows as ``Deduplicator`` reads them: id, site, text, content_hash,
    published, first_seen; in id order, already in ``articles``) with their sketches, and
    ``shard_edges`` (article ids, Jaccard) their task found among them and the articles of
    its file placed before, whose ids are in ``indexed_ids`` (updated here)."""
    conn = dedup.db.conn
    dedup.merge_recent()  # the candidate statement below reads lsh_bands alone
    long = []
    for row in rows:
        text_sketch = sketches.get(row["id"])
        words = text_sketch.words if text_sketch else word_count(row["text"] or "")
        if words < MIN_WORDS:
            place_short(dedup, row)  # exact copies only, by text and title
        else:
            long.append(row)
    twins = _twins(conn, long)
    conn.executemany("update main.articles set duplicate_of = ? where id = ?",
                     [(twin, article_id) for article_id, (twin, _) in twins.items()])
    site_of = {row["id"]: row["site"] for row in long}
    aliases = {a for a, (_, site) in twins.items() if site == site_of[a]}
    indexed = []
    for row in long:
        if row["id"] in aliases:
            continue
        text_sketch = sketches.get(row["id"])
        if text_sketch is None or text_sketch.signature.size != dedup.hasher.num_perm \
                or text_sketch.rows != dedup.rows:
            text_sketch = sketch(row["text"] or "", dedup.hasher, dedup.rows)
        indexed.append((row, text_sketch, period(row["published"], row["first_seen"])))
    conn.executemany(
        "insert into main.minhashes (article_id, content_hash, signature, period, sample) "
        "values (?, ?, ?, ?, ?)",
        [(row["id"], row["content_hash"], s.signature.tobytes(), month,
          s.sample.astype("<u4").tobytes()) for row, s, month in indexed])
    keys, bands = _keys(indexed) if indexed else ([], [])
    candidates = _archive_candidates(conn, len(indexed), keys) if indexed else []
    conn.executemany("insert or ignore into main.lsh_bands values (?, ?, ?)", bands)
    for month, group in groupby(bands, key=lambda band: band[0]):  # sorted by month
        keys = list(group)
        dedup.keys.add(month, [bucket for _, bucket, _ in keys], [a for _, _, a in keys])
    matches: dict[int, list[tuple[int, float]]] = {}
    for (row, text_sketch, _), rows_found in zip(indexed, candidates, strict=True):
        found = rows_found and dedup.verify(text_sketch, rows_found)
        if found:
            matches[row["id"]] = found
    indexed_ids.update(row["id"] for row, _, _ in indexed)
    for a, b, similarity in shard_edges:
        if a in indexed_ids and b in indexed_ids:
            matches.setdefault(max(a, b), []).append((min(a, b), similarity))
    for article_id in sorted(matches):
        dedup.link(article_id, matches[article_id])
