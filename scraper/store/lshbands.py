"""The LSH table's writes and its per-bucket reads: new keys go to a small table, merged into
the big one in key order.

``lsh_bands`` holds (month, bucket, article id) for every band of every indexed article:
32 rows per article, 3.2 million at 100,000 articles. Its buckets are random, so each of a
new article's 32 keys lands on another leaf of that B-tree: at 100,000 stored articles a
leaf the 2 MiB page cache no longer holds, read for the insert and written again at the
commit (bench/dedup_scale.py's archive: the 32 inserts 123 us against 33 us at 1,000, and
the batch's commit 289 us per article against 76 us). So an article's keys go to
``lsh_recent`` (same layout, at most ``RECENT_LIMIT`` rows: its pages stay in the cache),
and every ``RECENT_LIMIT`` rows are moved to ``lsh_bands`` in one sorted statement, that
walks the big B-tree once in order and touches each leaf once for many keys.

A bucket's newest ``BUCKET_LIMIT`` articles are the newest of both tables' newest, so what
the candidates are does not depend on when the last merge was: an incremental add still
gives what a rebuild gives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..sqlite import sqlite_utils
from .dedupschema import create_lsh_table

if TYPE_CHECKING:
    from .keyindex import KeyIndex

__all__ = ["RECENT_LIMIT", "TABLES", "LshBands", "create_recent", "newest"]

# Rows in lsh_recent before they are merged (1,024 articles of 32 bands): ~0.6 MB, so that
# its pages stay in the page cache while the crawl writes text and full-text pages. Measured
# at 100,000 stored articles (the 32 inserts, plus the merges, per article; then the commit):
# 123 us and 289 us writing straight into lsh_bands, 92 us and 110 us with 32,000 rows
# (a merge every 1,000 articles), 81 us and 137 us with 128,000. One merge there takes 60 ms
# CPU, its commit 0.36 s (writing the leaves): the crawl's loop is held that long once per
# 1,024 articles. Putting off the inserts to one sorted statement per batch of 25 instead
# saved nothing (127 us and 300 us): 800 random keys still touch ~800 leaves.
RECENT_LIMIT = 32_768
TABLES = ("lsh_recent", "lsh_bands")


def create_recent(db: sqlite_utils.Database) -> None:
    """``lsh_recent``, if absent: the layout of ``lsh_bands``."""
    create_lsh_table(db, "lsh_recent")


def newest(key: int, limit: int) -> str:
    """SQL for the ``limit`` newest articles of the bucket whose (month, bucket) are the
    parameters ``?key`` and ``?key+1``, from both tables: SQLite merges the two index ranges,
    each read backwards, and stops at ``limit`` (3.0 us a key, against 5.3 us for each
    table's newest sorted again)."""
    one = "select article_id from {} where period = ?{} and bucket = ?{}"
    both = " union all ".join(one.format(table, key, key + 1) for table in TABLES)
    return f"select article_id from ({both} order by 1 desc limit {limit})"


class LshBands:
    """Writes to the two tables, each passed on to the in-memory ``keys`` (keyindex.py);
    ``pending`` counts the rows this object put in ``lsh_recent`` since its last merge
    (another connection's merge only makes it early)."""

    def __init__(self, db: sqlite_utils.Database, keys: KeyIndex) -> None:
        self.db = db
        self.keys = keys
        self.pending: int | None = None

    def insert(self, month: int, buckets: list[int], article_id: int) -> None:
        if self.pending is None:
            self.pending = self.db.execute("select count(*) from lsh_recent").fetchone()[0]
        self.db.conn.executemany("insert or ignore into lsh_recent values (?, ?, ?)",
                                 [(month, bucket, article_id) for bucket in buckets])
        self.keys.add(month, buckets, article_id)
        self.pending += len(buckets)
        if self.pending >= RECENT_LIMIT:
            self.merge()

    def merge(self) -> None:
        """Move every row of ``lsh_recent`` into ``lsh_bands`` (in the caller's transaction)."""
        self.db.execute("insert or ignore into lsh_bands select period, bucket, article_id "
                        "from lsh_recent order by 1, 2, 3")
        self.db.execute("delete from lsh_recent")
        self.pending = 0

    def remove(self, month: int, buckets: list[int], article_id: int) -> None:
        for table in TABLES:
            self.db.conn.executemany(
                f"delete from {table} where period = ? and bucket = ? and article_id = ?",
                [(month, bucket, article_id) for bucket in buckets])
        self.keys.remove(month, buckets, article_id)

    def clear(self) -> None:
        for table in TABLES:
            self.db.execute(f"delete from {table}")
        self.keys.forget()
        self.pending = 0
