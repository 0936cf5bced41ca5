"""The LSH rows of the months being placed into, held in memory, so that an article's
candidates come from numpy instead of SQL seeks (``scraper/store/dedup.py``).

At 100,000 stored articles of bench/dedup_scale.py's shared-paragraph kind, the candidate
statement read 34 pages per article against 6 at 1,000: 17 of them leaves of the 3.2-million
row ``lsh_bands`` for the 12 keys present (the 2 MiB page cache no longer holds them), at
~5.5 us a read from the OS cache. A bigger page cache or mmap would count those pages in the
crawl's peak RSS just the same; this index holds the same rows at 12 bytes each.

Per month: the rows sorted by one 64-bit word, the bucket key's high 32 bits above the
article id (``packed``), with the key's low 32 bits beside it (``low``): a key's rows are one
range of ``packed`` in id order, found by ``np.searchsorted`` (its newest ``limit`` are the
range's last ones whose ``low`` agree). New rows go to a dict (``fresh``), merged into a
small sorted run every ``_FRESH_ROWS`` rows, merged into the big one when it reaches an
eighth of it (as ``lsh_recent`` is into ``lsh_bands``): a copy of the big arrays every
eighth of their size. A deleted row is noted as dead (a text change, a merged alias) until
the month is loaded again.

What it answers is what the SQL path answers: the newest ``limit`` articles of each
(month, bucket) key present in either table, from which dedup ranks its candidates. It
holds the truth only if it sees every change: the connection's own writes go through
``add``/``remove``/``clear``; another connection's commit changes SQLite's ``data_version``,
and a rollback (to a savepoint or of the whole transaction) reverts the counter this object
writes into a temp table with each change it makes inside a transaction: either empties
the index, and each month is loaded again from both tables on its next lookup.

Memory: 12 bytes a row, 32 rows an article: 38 MB for 100,000 articles in a window, 2 MB
for crawl_pipeline's 5,000-article site. ``ROW_BUDGET`` bounds the rows held: the months
looked up least recently are dropped first, and a month that alone exceeds it (or holds an
article id of 2^32 or more) is served by the SQL path with its Bloom filter (bandfilter.py).
"""

from __future__ import annotations

import weakref
from collections import Counter, OrderedDict

import numpy as np

from ..sqlite import sqlite3, sqlite_utils
from .bandfilter import BandFilter
from .lshbands import newest

__all__ = ["MONTHS_HELD", "ROW_BUDGET", "BandIndex", "rank"]

# Months held, those looked up last: an article looks up three.
MONTHS_HELD = 12
# Rows held in memory at most (12 bytes each: 48 MB), e.g. 125,000 articles in one month;
# a month beyond it is looked up in SQL (the path of round 7, bench/dedup_scale.py's x1.29).
ROW_BUDGET = 4_000_000
_FRESH_ROWS = 2048  # rows in the dict part: ~200 kB of Python objects
_SMALL_ROWS = 1 << 16  # the small run's size at least before it goes into the big one
_LOAD_ROWS = 1 << 12  # rows read at a time when a month is loaded (see bandfilter.py)
_LOW = np.uint64(0xFFFFFFFF)
_HIGH = ~_LOW
_INDEXES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_MARK = "temp.band_index_mark"


def rank(found: list[int], limit: int) -> list[int]:
    """The ``limit`` ids found most often (the newest first among equals), by id: what the
    SQL path's ``group by ... order by count(*) desc, article_id desc limit`` keeps."""
    ranked = sorted(Counter(found).items(), key=lambda kv: (-kv[1], -kv[0]))[:limit]
    return sorted(article_id for article_id, _ in ranked)


class _Run:
    """Rows sorted by ``packed`` (key's high 32 bits << 32 | article id)."""

    def __init__(self, packed: np.ndarray, low: np.ndarray) -> None:
        self.packed, self.low = packed, low

    @classmethod
    def of(cls, keys: np.ndarray, ids: np.ndarray) -> _Run:
        packed = (keys & _HIGH) | ids.astype(np.uint64)
        order = np.argsort(packed, kind="stable")
        return cls(packed[order], (keys & _LOW).astype(np.uint32)[order])

    def merged(self, other: _Run) -> _Run:
        at = np.searchsorted(self.packed, other.packed)
        return _Run(np.insert(self.packed, at, other.packed), np.insert(self.low, at, other.low))

    def newest(self, keys: np.ndarray, limit: int, dead: set) -> dict[int, list[int]]:
        """Per index into ``keys`` present here, its ids (all when ``dead`` has any, else
        the newest ``limit``), oldest first."""
        base = keys & _HIGH
        start = np.searchsorted(self.packed, base, "left")
        stop = np.searchsorted(self.packed, base | _LOW, "right")
        out = {}
        for i in np.flatnonzero(stop > start).tolist():
            span = slice(start[i], stop[i])
            ids = (self.packed[span] & _LOW)[self.low[span] == np.uint32(keys[i] & _LOW)]
            if ids.size:
                out[i] = ids.tolist() if dead else ids[-limit:].tolist()
        return out


_EMPTY = _Run(np.zeros(0, np.uint64), np.zeros(0, np.uint32))


class _Month:
    def __init__(self, big: _Run) -> None:
        self.big, self.small = big, _EMPTY
        self.fresh: dict[int, list[int]] = {}
        self.fresh_rows = 0
        self.dead: set[tuple[int, int]] = set()  # (bucket, article id) deleted since loaded

    @property
    def rows(self) -> int:
        return self.big.packed.size + self.small.packed.size + self.fresh_rows

    def add(self, buckets: list[int], ids: list[int]) -> None:
        for bucket, article_id in zip(buckets, ids, strict=True):
            if (bucket, article_id) in self.dead:
                self.dead.discard((bucket, article_id))  # its row is held again
            else:
                self.fresh.setdefault(bucket, []).append(article_id)
                self.fresh_rows += 1
        if self.fresh_rows >= _FRESH_ROWS:
            keys = [b for b, held in self.fresh.items() for _ in held]
            ids_ = [a for held in self.fresh.values() for a in held]
            run = _Run.of(np.array(keys, np.int64).view(np.uint64), np.array(ids_, np.int64))
            self.small = self.small.merged(run)
            self.fresh, self.fresh_rows = {}, 0
            if self.small.packed.size >= max(_SMALL_ROWS, self.big.packed.size // 8):
                self.big, self.small = self.big.merged(self.small), _EMPTY

    def remove(self, buckets: list[int], article_id: int) -> None:
        for bucket in buckets:
            held = self.fresh.get(bucket)
            if held and article_id in held:
                held.remove(article_id)
                self.fresh_rows -= 1
            else:
                self.dead.add((bucket, article_id))

    def newest(self, keys: np.ndarray, buckets: list[int], limit: int) -> list[int]:
        """The newest ``limit`` ids of each key held, all keys' ids in one list."""
        parts = [self.big.newest(keys, limit, self.dead), self.small.newest(keys, limit, self.dead)]
        out = []
        for i, bucket in enumerate(buckets):
            ids = [a for part in parts for a in part.get(i, ())] + self.fresh.get(bucket, [])
            if self.dead:
                ids = [a for a in ids if (bucket, a) not in self.dead]
            out += sorted(ids)[-limit:] if len(ids) > limit else ids
        return out


class BandIndex:
    """The (period, bucket, article_id) rows of both LSH tables, per month; one per
    ``sqlite_utils.Database`` (``BandIndex.of``), shared by every Deduplicator on it."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.months: OrderedDict[int, _Month] = OrderedDict()  # least recent first
        self.in_sql: set[int] = set()  # months beyond the budget: the SQL path
        self.filter = BandFilter.of(db)  # for those months
        self.version: int | None = None
        self.mark = 0  # this object's count of changes, as the temp table should hold it
        self._sql: dict[int, str] = {}

    @classmethod
    def of(cls, db: sqlite_utils.Database) -> BandIndex:
        found = _INDEXES.get(db)
        if found is None:
            found = _INDEXES[db] = cls(db)
        return found

    @property
    def rows(self) -> int:
        return sum(month.rows for month in self.months.values())

    def newest(self, months: range, buckets: list[int], limit: int) -> list[int]:
        """The newest ``limit`` article ids of each (month, bucket) key in ``lsh_bands`` or
        ``lsh_recent``, all in one list (an id once per key it holds)."""
        self._check()
        keys = np.array(buckets, dtype=np.int64).view(np.uint64)
        out: list[int] = []
        in_sql = []
        for month in months:
            held = self.months.get(month) or self._load(month)
            if held is None:
                in_sql.append(month)
                continue
            self.months.move_to_end(month)
            out += held.newest(keys, buckets, limit)
        present = self.filter.present(in_sql, buckets) if in_sql else []
        if present:
            sql = self._sql.get(len(present))
            if sql is None:
                sql = self._sql[len(present)] = " union all ".join(
                    newest(2 * i + 1, limit) for i in range(len(present)))
            out += [r[0] for r in self.db.execute(sql, [v for key in present for v in key])]
        return out

    def add(self, month: int, buckets: list[int], ids: list[int]) -> None:
        """Note rows this connection wrote to ``lsh_recent`` or ``lsh_bands`` (after)."""
        self.filter.add(month, buckets)
        self._check()
        held = self.months.get(month)
        if held is None:
            return  # loaded from the tables when first looked up
        if ids and max(ids) > 0xFFFFFFFF:
            return self._to_sql(month)
        held.add(buckets, ids)
        self._touch()
        if held.rows > ROW_BUDGET:
            self._to_sql(month)
        self._fit()

    def remove(self, month: int, buckets: list[int], article_id: int) -> None:
        """Note rows this connection deleted from the LSH tables."""
        self._check()
        held = self.months.get(month)
        if held is not None:
            held.remove(buckets, article_id)
            self._touch()

    def clear(self) -> None:
        """Forget every month (the LSH tables were emptied, e.g. by a rebuild)."""
        self.months.clear()
        self.in_sql.clear()

    # -- loading and invalidation ----------------------------------------------------------

    def _load(self, month: int) -> _Month | None:
        if month in self.in_sql:
            return None
        cursor = self.db.execute(
            "select count(*) from lsh_bands where period = ?1 union all "
            "select count(*) from lsh_recent where period = ?1", [month])
        count = sum(n for (n,) in cursor.fetchall())
        if count > ROW_BUDGET:
            return self._to_sql(month)
        keys, ids = np.empty(count, np.int64), np.empty(count, np.int64)
        cursor = self.db.execute("select bucket, article_id from lsh_bands where period = ?1 "
                                 "union all select bucket, article_id from lsh_recent "
                                 "where period = ?1", [month])
        done = 0
        while (rows := cursor.fetchmany(_LOAD_ROWS)) and done < count:
            rows = rows[:count - done]  # another write since the count: loaded next time
            keys[done:done + len(rows)] = [r[0] for r in rows]
            ids[done:done + len(rows)] = [r[1] for r in rows]
            done += len(rows)
        if done and (ids[:done].max() > 0xFFFFFFFF or ids[:done].min() < 0):
            return self._to_sql(month)
        held = _Month(_Run.of(keys[:done].view(np.uint64), ids[:done]))
        self.months[month] = held
        self._touch()  # what it read may be rolled back with the caller's transaction
        self._fit()
        return self.months.get(month)

    def _to_sql(self, month: int) -> None:
        self.months.pop(month, None)
        self.in_sql.add(month)

    def _fit(self) -> None:
        while len(self.months) > MONTHS_HELD or (len(self.months) > 1
                                                 and self.rows > ROW_BUDGET):
            self.months.popitem(last=False)

    def _check(self) -> None:
        """Empty the index if another connection committed or a rollback undid changes."""
        sql = f"select n, (select data_version from pragma_data_version) from {_MARK}"
        try:
            mark, version = self.db.execute(sql).fetchone()
        except sqlite3.OperationalError:  # not made yet, or made in a rolled-back transaction
            self.db.execute(f"create temp table if not exists {_MARK[5:]} as select 0 as n")
            mark, version = self.db.execute(sql).fetchone()
        if mark != self.mark or version != self.version:
            self.clear()
            self.mark, self.version = mark, version

    def _touch(self) -> None:
        """Count a change in the temp table, where a rollback reverts it (outside a
        transaction there is nothing to roll back, and a write would open one)."""
        if self.db.conn.in_transaction:
            self.mark += 1
            self.db.execute(f"update {_MARK} set n = ?", [self.mark])
