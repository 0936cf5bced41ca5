"""The dedup state's tables (``scraper/store/dedup.py`` uses them), how an article is keyed
into them by month, and their migrations: an archive made before a change of layout opens
and upgrades (``schema.py`` runs these in its numbered migrations)."""

from __future__ import annotations

import json
from datetime import datetime

from ..sqlite import sqlite_utils
from .dedupsample import SAMPLE_SIZE

__all__ = ["WINDOW_MONTHS", "create_lsh_table", "migrate_dedup", "migrate_lsh_periods",
           "migrate_samples", "period"]

# Near-duplicates are looked for among articles published (first seen, when no date is known)
# in the same calendar month or within WINDOW_MONTHS of it: two articles at most 28 days apart
# are always compared, two over two months apart never. Copies of a wire story appear within
# days of each other; a story re-run a year later is a new article. The bands are keyed by
# that month first, so a write touches only the B-tree pages of recent months. Keyed by bucket
# alone, each article put 32 random keys into a table of 32 million rows at a million
# articles: ~115 MB of pages rewritten per 1,000 articles, and bulk inserts ran at 830
# articles/s against 2,000 without the LSH table (bench/archive_scale.py).
WINDOW_MONTHS = 1


def period(published: str | None, first_seen: str | None) -> int:
    """The calendar month an article is indexed under, as months since year 0: its
    publication date, else the date it was first seen, else 0."""
    for value in (published, first_seen):
        try:
            moment = datetime.fromisoformat(value or "")
        except ValueError:
            continue
        return moment.year * 12 + moment.month - 1
    return 0


def migrate_dedup(db: sqlite_utils.Database) -> None:
    """Create the dedup tables and the ``articles`` columns, if absent (idempotent)."""
    if "minhashes" not in db.table_names():
        db["minhashes"].create({"article_id": int, "content_hash": str, "signature": bytes,
                                "period": int, "sample": bytes}, pk="article_id")
    create_lsh_table(db, "lsh_bands")
    if "near_duplicates" not in db.table_names():
        db["near_duplicates"].create(
            {"article_id": int, "other_id": int, "similarity": float},
            pk=("article_id", "other_id"),
            foreign_keys=[("article_id", "articles", "id"), ("other_id", "articles", "id")])
        db["near_duplicates"].create_index(["other_id"])
    if "clusters" not in db.table_names():
        db["clusters"].create(
            {"id": int, "size": int, "sites": int, "first_seen": str, "last_seen": str,
             "earliest_article_id": int},
            pk="id", foreign_keys=[("earliest_article_id", "articles", "id")])
    if "dedup_settings" not in db.table_names():
        db["dedup_settings"].create({"key": str, "value": str}, pk="key")
    columns = db["articles"].columns_dict
    for name, kind in (("cluster_id", int), ("duplicate_of", int), ("similarity", float)):
        if name not in columns:
            db["articles"].add_column(name, kind)
    indexes = {tuple(i.columns) for i in db["articles"].indexes}
    for name in ("cluster_id", "duplicate_of"):
        if (name,) not in indexes:
            db["articles"].create_index([name])


def create_lsh_table(db: sqlite_utils.Database, name: str) -> None:
    """``lsh_bands``, or ``lsh_recent`` (its new keys, lshbands.py), if absent.

    One B-tree, no rowid: NUM_PERM / rows entries per article (about 0.6 kB for 32 bands).
    An article's entries are found again from its stored signature and period, so no
    second index."""
    db.execute(f"create table if not exists {name} (period integer not null, bucket integer "
               "not null, article_id integer not null, primary key (period, bucket, "
               "article_id)) without rowid")


def migrate_lsh_periods(db: sqlite_utils.Database) -> None:
    """Key an archive's LSH bands by month (``WINDOW_MONTHS``), as they are since 2026-11:
    the periods are computed from the articles' dates and the bands copied over."""
    if "period" in db["lsh_bands"].columns_dict:
        return  # created with periods
    if "period" not in db["minhashes"].columns_dict:
        db["minhashes"].add_column("period", int)
    rows = db.execute("select m.article_id, a.published, a.first_seen from minhashes m "
                      "join articles a on a.id = m.article_id").fetchall()
    db.conn.executemany("update minhashes set period = ? where article_id = ?",
                        [(period(published, seen), key) for key, published, seen in rows])
    db.execute("alter table lsh_bands rename to lsh_bands_by_bucket")
    create_lsh_table(db, "lsh_bands")
    db.execute("insert into lsh_bands (period, bucket, article_id) select m.period, o.bucket, "
               "o.article_id from lsh_bands_by_bucket o join minhashes m using (article_id) "
               "order by 1, 2, 3")
    db.execute("drop table lsh_bands_by_bucket")


def migrate_samples(db: sqlite_utils.Database) -> None:
    """Give ``minhashes`` the bottom-k samples (``dedupsample``) candidates are verified with.

    The articles indexed before have none: each gets its sample the first time it is a
    candidate (from its text, once), so an old archive opens at once and needs no rebuild.
    """
    if "sample" not in db["minhashes"].columns_dict:
        db["minhashes"].add_column("sample", bytes)
    row = db.execute("select value from dedup_settings where key = 'params'").fetchone() \
        if "dedup_settings" in db.table_names() else None
    if row is not None:
        params = json.loads(row[0])
        params.setdefault("sample_size", SAMPLE_SIZE)
        db.execute("update dedup_settings set value = ? where key = 'params'",
                   [json.dumps(params)])
