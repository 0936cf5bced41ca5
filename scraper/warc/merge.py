"""Merging shards into the archive: one writer, one transaction and one marker per shard.

Each shard is attached to the archive's connection and copied by set-based SQL: its pages,
its new articles (the FTS triggers index them as they go in), their URLs and links, in the
shard's id order. Then, article by article in that order, what the crawl's store step does
across articles: an article whose URL the archive already holds is the same article seen
again (updated, with its old text kept in ``article_versions``, when title or text changed),
links are resolved both ways, and ``Deduplicator.add`` places every new or changed article
with the sketch the task made, so exact duplicates (``content_hash``) and near-duplicates
(MinHash LSH) are linked across shards, across sites and against everything the archive
held before; a same-site exact copy is folded into its earlier article as the crawl folds
it. The ``warc_shards`` row is written in the same transaction: a shard is merged wholly
or not at all, and once only, whatever is rerun or resumed.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from ..errors import ArchiveError
from ..sqlite import sqlite3
from ..store.archive import Archive, utcnow
from .placing import place_articles
from .shard import read_info, read_sketches

__all__ = ["merge_shard"]

_SCHEMA = "shard"
# New articles placed in the dedup state per statement set: their texts and sketches
# (~10 KB each) are what the merge holds in memory, whatever the size of the shard.
PLACE_CHUNK = 2000
# Columns the shard's copy leaves to the archive: ids are the archive's, the dedup columns
# are the archive's own decisions, pages have no fetch rows in the archive.
_NOT_COPIED = {"articles": {"id", "page_id", "cluster_id", "duplicate_of", "similarity"},
               "pages": {"id", "fetch_id", "dictionary_id", "part_of"},
               "links": {"id", "article_id", "target_article_id"}}


def _columns(conn: sqlite3.Connection, table: str, schema: str = "main") -> list[str]:
    return [row[1] for row in conn.execute(f"pragma {schema}.table_info({table})")]


def _shared(conn: sqlite3.Connection, table: str) -> list[str]:
    """The columns of ``table`` both files have, less those the archive decides itself."""
    theirs = set(_columns(conn, table, _SCHEMA))
    return [c for c in _columns(conn, table) if c in theirs
            and c not in _NOT_COPIED.get(table, set())]


def merge_shard(archive: Archive, shard: Path, crawl_id: int) -> dict[str, Any] | None:
    """Merge one complete shard into ``archive`` (locked for writing by the caller); returns
    its counts, or None when the archive already holds it (its marker is there)."""
    info = read_info(shard)
    if info is None:
        raise ArchiveError(f"{shard} is not a complete WARC shard (no shard_info)")
    conn = archive.db.conn
    if conn.execute("select 1 from warc_shards where key = ?", [info["key"]]).fetchone():
        return None
    conn.execute(f"attach database ? as {_SCHEMA}", [str(shard)])
    try:
        with archive.db.atomic():
            counts = _merge(archive, conn, crawl_id)
            conn.execute(
                "insert into warc_shards (key, source, shard, crawl_id, records, articles, "
                "merged_at) values (?, ?, ?, ?, ?, ?, ?)",
                [info["key"], info["source"], str(shard), crawl_id, info["records"],
                 counts["articles_new"], utcnow()])
    finally:
        conn.execute(f"detach database {_SCHEMA}")
    return {**counts, "records": info["records"], "source": info["source"]}


def _merge(archive: Archive, conn: sqlite3.Connection, crawl_id: int) -> Counter:
    counts: Counter = Counter(articles_new=0, articles_updated=0, articles_unchanged=0,
                              duplicates=0, near_duplicates=0)
    ids, new, existing, page_offset, links_before = _copy_new(conn)
    changed = [shard_id for shard_id in sorted(existing) if _update(
        conn, shard_id, ids[shard_id], page_offset, crawl_id, counts)]
    for shard_id in existing:  # their links are the new page's, changed or not
        conn.execute("delete from main.links where article_id = ?", [ids[shard_id]])
        _copy_links(conn, "l.article_id = ?", [shard_id])
    conn.execute(
        "insert or ignore into main.article_urls (url, canonical, article_id, source, "
        f"first_seen) select u.url, u.canonical, w.article_id, u.source, u.first_seen from "
        f"{_SCHEMA}.article_urls u join temp.warc_ids w on w.shard_id = u.article_id "
        "order by u.rowid")
    _resolve_links(conn, links_before, [ids[s] for s in (*new, *existing)])
    counts["articles_new"] = len(new)
    for shard_id in changed:  # a text that changed: placed again, as the crawl does
        archive.dedup.add(ids[shard_id], read_sketches(conn, _SCHEMA, shard_id, shard_id)
                          .get(shard_id))
    _place(archive, conn, ids, new)
    _fold_and_count(archive, conn, {ids[s] for s in new}, changed, counts)
    return counts


def _copy_new(conn: sqlite3.Connection) -> tuple[dict[int, int], list[int], dict[int, int],
                                                 int, int]:
    """Copy the shard's sites, pages, and its new articles with their links (the FTS
    triggers index them). Returns the archive id of every shard article, the shard ids of
    the new ones and of those the archive holds already (-> archive id), the pages' id
    offset, and the last link id before the copy."""
    conn.execute(f"insert or ignore into main.sites select * from {_SCHEMA}.sites")
    page_offset = conn.execute("select coalesce(max(id), 0) from main.pages").fetchone()[0]
    cols = _shared(conn, "pages")
    conn.execute(
        f"insert into main.pages (id, part_of, {', '.join(cols)}) select id + ?1, "
        f"part_of + ?1, {', '.join(cols)} from {_SCHEMA}.pages order by id", [page_offset])
    # Each shard article: the archive's article holding one of its URLs, if any.
    existing = dict(conn.execute(
        f"select u.article_id, min(m.article_id) from {_SCHEMA}.article_urls u "
        "join main.article_urls m on m.canonical = u.canonical group by u.article_id"))
    first_id = conn.execute("select coalesce(max(id), 0) + 1 from main.articles").fetchone()[0]
    ids: dict[int, int] = {}
    new: list[int] = []
    for (shard_id,) in conn.execute(f"select id from {_SCHEMA}.articles order by id"):
        if shard_id in existing:
            ids[shard_id] = existing[shard_id]
        else:
            ids[shard_id] = first_id + len(new)
            new.append(shard_id)
    conn.execute("create temp table if not exists warc_ids (shard_id integer primary key, "
                 "article_id integer, new integer)")
    conn.execute("delete from temp.warc_ids")
    conn.executemany("insert into temp.warc_ids values (?, ?, ?)",
                     [(s, a, s not in existing) for s, a in ids.items()])
    cols = _shared(conn, "articles")
    conn.execute(
        f"insert into main.articles (id, page_id, {', '.join(cols)}) select w.article_id, "
        f"a.page_id + ?, {', '.join('a.' + c for c in cols)} from {_SCHEMA}.articles a "
        "join temp.warc_ids w on w.shard_id = a.id where w.new order by a.id", [page_offset])
    links_before = conn.execute("select coalesce(max(id), 0) from main.links").fetchone()[0]
    _copy_links(conn, "w.new")
    return ids, new, existing, page_offset, links_before


def _copy_links(conn: sqlite3.Connection, where: str, params: list | None = None) -> None:
    cols = _shared(conn, "links")
    conn.execute(
        f"insert into main.links (article_id, {', '.join(cols)}) select w.article_id, "
        f"{', '.join('l.' + c for c in cols)} from {_SCHEMA}.links l join temp.warc_ids "
        f"w on w.shard_id = l.article_id where {where} order by l.id", params or [])


def _place(archive: Archive, conn: sqlite3.Connection, ids: dict[int, int],
           new: list[int]) -> None:
    """The new articles into the dedup state, ``PLACE_CHUNK`` at a time, with the edges the
    task found among them."""
    edges = [(ids[a], ids[b], similarity) for a, b, similarity in conn.execute(
        f"select article_id, other_id, similarity from {_SCHEMA}.near_duplicates")
        if a in ids and b in ids]
    indexed: set[int] = set()
    for start in range(0, len(new), PLACE_CHUNK):  # texts and sketches in bounded memory
        first, last = new[start], new[start:start + PLACE_CHUNK][-1]
        cursor = conn.execute(
            "select w.article_id as id, a.site, a.title, a.text, a.content_hash, a.published,"
            f" a.first_seen from {_SCHEMA}.articles a join temp.warc_ids w on w.shard_id = "
            "a.id where w.new and a.id between ? and ? order by a.id", [first, last])
        names = [c[0] for c in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor]
        chunk = {row["id"] for row in rows}
        sketches = read_sketches(conn, _SCHEMA, first, last)
        place_articles(archive.dedup, rows, {ids[k]: v for k, v in sketches.items()},
                       [e for e in edges if max(e[0], e[1]) in chunk], indexed)


def _fold_and_count(archive: Archive, conn: sqlite3.Connection, new_ids: set[int],
                    changed: list[int], counts: Counter) -> None:
    """Fold same-site copies into their earlier article; count the copies found."""
    for article_id, twin, same_site, cluster in conn.execute(
            "select a.id, a.duplicate_of, t.site = a.site, a.cluster_id from temp.warc_ids w "
            "join main.articles a on a.id = w.article_id left join main.articles t on t.id = "
            "a.duplicate_of where w.new or w.shard_id in (select value from json_each(?)) "
            "order by a.id", [json.dumps(changed)]).fetchall():
        if twin is not None and same_site:
            archive.merge_into(article_id, twin)  # the same text under another URL
            if article_id in new_ids:
                counts["articles_new"] -= 1
                counts["articles_unchanged"] += 1
        elif twin is not None:
            counts["duplicates"] += 1
        elif cluster is not None:
            counts["near_duplicates"] += 1


def _update(conn: sqlite3.Connection, shard_id: int, article_id: int, page_offset: int,
            crawl_id: int, counts: Counter) -> bool:
    """A shard article the archive already holds, as the crawl updates one; True when its
    title or text changed."""
    cursor = conn.execute(f"select * from {_SCHEMA}.articles where id = ?", [shard_id])
    row = dict(zip([c[0] for c in cursor.description], cursor.fetchone(), strict=True))
    cursor = conn.execute("select * from main.articles where id = ?", [article_id])
    old = dict(zip([c[0] for c in cursor.description], cursor.fetchone(), strict=True))
    page_id = row["page_id"] + page_offset if row["page_id"] else None
    changed = [f for f in ("title", "text") if old[f] != row[f]]
    if not changed:
        conn.execute("update main.articles set last_seen = max(last_seen, ?), page_id = ?, "
                     "blocks = ? where id = ?",
                     [row["last_seen"], page_id, row["blocks"], article_id])
        counts["articles_unchanged"] += 1
        return False
    conn.execute(
        "insert into main.article_versions (article_id, title, text, content_hash, modified, "
        "first_seen, replaced_at, crawl_id, changed) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [article_id, old["title"], old["text"], old["content_hash"], old["modified"],
         old["first_seen"], utcnow(), crawl_id, json.dumps(changed)])
    keep = {"id", "url", "first_seen", "version", "page_id", "cluster_id", "duplicate_of",
            "similarity"}
    values = {k: v for k, v in row.items() if k not in keep and k in old}
    values.update(page_id=page_id, version=(old["version"] or 1) + 1)
    conn.execute(f"update main.articles set {', '.join(f'{k} = ?' for k in values)} "
                 "where id = ?", [*values.values(), article_id])
    counts["articles_updated"] += 1
    return True


def _resolve_links(conn: sqlite3.Connection, links_before: int, articles: list[int]) -> None:
    """Link targets, as the crawl resolves them: the copied links to archived articles, and
    the archive's unresolved links to the URLs of the articles just merged."""
    conn.execute(
        "update main.links set target_article_id = (select u.article_id from "
        "main.article_urls u where u.canonical = links.target_url limit 1) where id > ? "
        "and target_article_id is null", [links_before])
    for article_id in articles:
        # The unary + keeps SQLite on the target_url index (see Archive._store_article).
        conn.executemany(
            "update main.links set target_article_id = ? where target_url = ? "
            "and +target_article_id is null",
            [(article_id, canonical) for (canonical,) in conn.execute(
                "select canonical from main.article_urls where article_id = ?",
                [article_id])])
