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
_SMALL_ROWS = 1 << 16  # the small run's size at least before it goes into the big one:
# at most a 32nd of it (1.2 MB at 3.2 million rows: it stays in the CPU cache)
_LOAD_ROWS = 1 << 12  # rows read at a time when a month is loaded (see bandfilter.py)
_LOW = np.uint64(0xFFFFFFFF)
_HIGH = ~_LOW
_INDEXES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_MARK = "temp.band_index_mark"
_BACK = np.arange(1, 65)
_RADIX_ROWS = 1 << 18  # rows of a run above which it has a radix directory (not the small one)
_WINDOW = np.arange(8)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MAX_ID = 0xFFFFFFFE  # ids above are looked up in SQL (their low 32 bits would be all ones)


def rank(found: list[int], limit: int) -> list[int]:
    """The ``limit`` ids found most often (the newest first among equals), by id: what the
    SQL path's ``group by ... order by count(*) desc, article_id desc limit`` keeps."""
    ranked = sorted(Counter(found).items(), key=lambda kv: (-kv[1], -kv[0]))[:limit]
    return sorted(article_id for article_id, _ in ranked)


def _scramble(months: np.ndarray) -> np.ndarray:
    return (months & 0xFFFFFFFF).astype(np.uint64) * _GOLDEN


def _mixed(keys: np.ndarray, month: int) -> np.ndarray:
    """The keys of one month, made distinct from the same keys in other months (a bijection:
    the month's slot, checked with the key's low 32 bits, makes a match exact)."""
    return keys ^ _scramble(np.array([month], np.int64))


class _Run:
    """Rows sorted by ``packed`` (mixed key's high 32 bits << 32 | article id), with the
    mixed key's low 32 bits (``low``) and the month's slot (``slot``) beside each."""

    def __init__(self, packed: np.ndarray, low: np.ndarray, slot: np.ndarray) -> None:
        self.packed, self.low, self.slot = packed, low, slot
        # Where each value of the top ``bits`` bits starts (1 to 2 rows each): a key's place
        # in two reads of memory instead of a binary search's ~10 cache misses
        # (np.searchsorted on 3.2 million rows: 44 us for 64 keys, nearly all of it waiting).
        self.shift, self.starts = np.uint64(64), None
        if packed.size > _RADIX_ROWS:
            bits = packed.size.bit_length() - 2
            self.shift = np.uint64(64 - bits)
            counts = np.bincount((packed >> self.shift).astype(np.intp), minlength=1 << bits)
            self.starts = np.zeros(counts.size + 1, np.int64)
            np.cumsum(counts, out=self.starts[1:])

    @property
    def nbytes(self) -> int:
        extra = self.starts.nbytes if self.starts is not None else 0
        return self.packed.nbytes + self.low.nbytes + self.slot.nbytes + extra

    @classmethod
    def of(cls, keys: np.ndarray, ids: np.ndarray, slot: int) -> _Run:
        packed = (keys & _HIGH) | ids.astype(np.uint64)
        order = np.argsort(packed, kind="stable")
        return cls(packed[order], (keys & _LOW).astype(np.uint32)[order],
                   np.full(keys.size, slot, np.uint8))

    def merged(self, other: _Run) -> _Run:
        at = np.searchsorted(self.packed, other.packed)
        return _Run(np.insert(self.packed, at, other.packed), np.insert(self.low, at, other.low),
                    np.insert(self.slot, at, other.slot))

    def without(self, slot: int) -> _Run:
        kept = self.slot != slot
        return _Run(self.packed[kept], self.low[kept], self.slot[kept])

    def where(self, values: np.ndarray) -> np.ndarray:
        """``np.searchsorted(self.packed, values)``: through ``starts`` and a window of
        ``_WINDOW`` rows where it has them (a slot of more rows: searched)."""
        if self.starts is None:
            return np.searchsorted(self.packed, values)
        slot = (values >> self.shift).astype(np.intp)
        start, stop = self.starts[slot], self.starts[slot + 1]
        at = start[:, None] + _WINDOW
        window = self.packed[np.minimum(at, self.packed.size - 1)]
        out = start + ((window < values[:, None]) & (at < stop[:, None])).sum(axis=1)
        crowded = np.flatnonzero(stop - start > _WINDOW.size)
        if crowded.size:
            out[crowded] = np.searchsorted(self.packed, values[crowded])
        return out

    def newest(self, probe: _Probe, limit: int, every: bool) -> dict[int, list[int]]:
        """Per index into the probe's keys present here, its ids (all with ``every``, else
        the newest ``limit``), newest first."""
        if not self.packed.size:
            return {}
        start = self.where(probe.base)
        inside = start < self.packed.size
        hit = np.flatnonzero(inside)[(self.packed[start[inside]] & _HIGH) == probe.base[inside]]
        if not hit.size:
            return {}
        stop = np.zeros_like(start)
        stop[hit] = self.where(probe.top[hit])  # no id is 2^32 - 1: "left" will do
        if not every:  # the range's last ``limit`` rows: the key's, unless another shares its
            at = stop[hit, None] - _BACK[:limit]  # high 32 bits (1 in 4e9), read below then
            valid = at >= start[hit, None]
            at[~valid] = 0
            match = ((self.low[at] == probe.low[hit, None])
                     & (self.slot[at] == probe.slot[hit, None]))
            if not (valid & ~match).any():
                ids = (self.packed[at] & _LOW).astype(np.int64)
                ids[~valid] = -1
                return {i: [a for a in row if a >= 0]
                        for i, row in zip(hit.tolist(), ids.tolist(), strict=True)}
        out = {}
        for i in hit.tolist():
            span = slice(start[i], stop[i])
            mine = (self.low[span] == probe.low[i]) & (self.slot[span] == probe.slot[i])
            ids = (self.packed[span] & _LOW)[mine][::-1]
            out[i] = ids.tolist() if every else ids[:limit].tolist()
        return out


class _Probe:
    """The keys looked up in each month held, as each run searches them."""

    def __init__(self, buckets: list[int], months: list[int], slots: list[int]) -> None:
        keys = np.array(buckets, dtype=np.int64).view(np.uint64)
        mixed = np.concatenate([_mixed(keys, month) for month in months])
        base = mixed & _HIGH
        self.base, self.top = base, base | _LOW
        self.low = (mixed & _LOW).astype(np.uint32)
        self.slot = np.repeat(np.array(slots, np.uint8), keys.size)


_EMPTY = _Run(np.zeros(0, np.uint64), np.zeros(0, np.uint32), np.zeros(0, np.uint8))


class BandIndex:
    """The (period, bucket, article_id) rows of both LSH tables, for the months held; one
    per ``sqlite_utils.Database`` (``BandIndex.of``), shared by every Deduplicator on it."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.filter = BandFilter.of(db)  # for the months served by SQL
        self.version: int | None = None
        self.mark = 0  # this object's count of changes, as the temp table should hold it
        self._sql: dict[int, str] = {}
        self.clear()

    @classmethod
    def of(cls, db: sqlite_utils.Database) -> BandIndex:
        found = _INDEXES.get(db)
        if found is None:
            found = _INDEXES[db] = cls(db)
        return found

    @property
    def nbytes(self) -> int:
        """The memory the index holds (its Python dict part counted at ~100 bytes a row)."""
        return self.big.nbytes + self.small.nbytes + 100 * self.fresh_rows

    def clear(self) -> None:
        """Forget every month (the LSH tables were emptied, e.g. by a rebuild)."""
        self.months: OrderedDict[int, list[int]] = OrderedDict()  # month: [slot, rows]
        self.in_sql: set[int] = set()  # months beyond the budget: the SQL path
        self.big = self.small = _EMPTY
        self.fresh: dict[tuple[int, int], list[int]] = {}  # (month, bucket): ids
        self.fresh_rows = 0
        self.dead: set[tuple[int, int, int]] = set()  # (month, bucket, id) deleted since held

    def newest(self, months: range, buckets: list[int], limit: int) -> list[int]:
        """The newest ``limit`` article ids of each (month, bucket) key in ``lsh_bands`` or
        ``lsh_recent``, all in one list (an id once per key it holds)."""
        self._check()
        for month in months:
            if month not in self.months and month not in self.in_sql:
                self._load(month)
        held = [month for month in months if month in self.months]
        for month in held:
            self.months.move_to_end(month)
        out: list[int] = []
        if held:
            probe = _Probe(buckets, held, [self.months[month][0] for month in held])
            every = bool(self.dead)
            found = [run.newest(probe, limit, every) for run in (self.big, self.small)
                     if run.packed.size]
            hit = set().union(*found)
            fresh, width = self.fresh, len(buckets)
            if fresh:
                hit.update(j * width + i for j, month in enumerate(held)
                           for i, bucket in enumerate(buckets) if (month, bucket) in fresh)
            for index in hit:
                key = (held[index // width], buckets[index % width])
                ids = [a for part in found for a in part.get(index, ())] + fresh.get(key, [])
                if every:
                    ids = [a for a in ids if (*key, a) not in self.dead]
                out += sorted(ids)[-limit:] if len(ids) > limit else ids
        in_sql = [month for month in months if month not in self.months]
        present = self.filter.present(in_sql, buckets) if in_sql else []
        if present:
            sql = self._sql.get(len(present))
            if sql is None:
                sql = self._sql[len(present)] = " union all ".join(
                    newest(2 * i + 1, limit) for i in range(len(present)))
            out += [r[0] for r in self.db.execute(sql, [v for key in present for v in key])]
        return out

    def add(self, month: int, buckets: list[int], ids: list[int], checked: bool = False) -> None:
        """Note rows this connection wrote to ``lsh_recent`` or ``lsh_bands`` (after);
        ``checked``: ``newest`` ran since the caller's last savepoint began."""
        self.filter.add(month, buckets)
        if not checked:
            self._check()
        held = self.months.get(month)
        if held is None:
            return  # loaded from the tables when first looked up
        if ids and max(ids) > _MAX_ID:
            return self._to_sql(month)
        for bucket, article_id in zip(buckets, ids, strict=True):
            if (month, bucket, article_id) in self.dead:
                self.dead.discard((month, bucket, article_id))  # its row is held again
            else:
                self.fresh.setdefault((month, bucket), []).append(article_id)
                self.fresh_rows += 1
                held[1] += 1
        if self.fresh_rows >= _FRESH_ROWS:
            self._flush()
        self._touch()
        if held[1] > ROW_BUDGET:
            self._to_sql(month)
        self._fit()

    def remove(self, month: int, buckets: list[int], article_id: int) -> None:
        """Note rows this connection deleted from the LSH tables."""
        self._check()
        if month not in self.months:
            return
        for bucket in buckets:
            ids = self.fresh.get((month, bucket))
            if ids and article_id in ids:
                ids.remove(article_id)
                self.fresh_rows -= 1
            else:
                self.dead.add((month, bucket, article_id))
        self._touch()

    # -- loading, dropping, invalidation ---------------------------------------------------

    def _flush(self) -> None:
        """The dict part into the small run, the small run into the big one at 1/32 of it."""
        keys, ids, months, slots = [], [], [], []
        for (month, bucket), held in self.fresh.items():
            keys += [bucket] * len(held)
            ids += held
            months += [month] * len(held)
            slots += [self.months[month][0]] * len(held)
        mixed = np.array(keys, np.int64).view(np.uint64) ^ _scramble(np.array(months, np.int64))
        packed = (mixed & _HIGH) | np.array(ids, np.uint64)
        order = np.argsort(packed, kind="stable")
        self.small = self.small.merged(_Run(packed[order], (mixed & _LOW).astype(np.uint32)[order],
                                            np.array(slots, np.uint8)[order]))
        self.fresh, self.fresh_rows = {}, 0
        if self.small.packed.size >= max(_SMALL_ROWS, self.big.packed.size // 32):
            self.big, self.small = self.big.merged(self.small), _EMPTY

    def _load(self, month: int) -> None:
        cursor = self.db.execute(
            "select count(*) from lsh_bands where period = ?1 union all "
            "select count(*) from lsh_recent where period = ?1", [month])
        count = sum(n for (n,) in cursor.fetchall())
        if count > ROW_BUDGET:
            return self._to_sql(month)
        while len(self.months) >= MONTHS_HELD or (
                self.months and self._rows() + count > ROW_BUDGET):
            self._drop(next(iter(self.months)))
        keys, ids = np.empty(count, np.int64), np.empty(count, np.int64)
        cursor = self.db.execute("select bucket, article_id from lsh_bands where period = ?1 "
                                 "union all select bucket, article_id from lsh_recent "
                                 "where period = ?1", [month])
        done = 0
        while (rows := cursor.fetchmany(_LOAD_ROWS)) and done < count:
            rows = rows[:count - done]
            keys[done:done + len(rows)] = [r[0] for r in rows]
            ids[done:done + len(rows)] = [r[1] for r in rows]
            done += len(rows)
        if done < count or (done and (ids.max() > _MAX_ID or ids.min() < 0)):
            return self._to_sql(month)  # written meanwhile, or ids packing cannot hold
        slot = min(set(range(MONTHS_HELD)) - {s for s, _ in self.months.values()})
        self.big = self.big.merged(_Run.of(_mixed(keys.view(np.uint64), month), ids, slot))
        self.months[month] = [slot, count]
        self._touch()  # what it read may be rolled back with the caller's transaction

    def _rows(self) -> int:
        return sum(rows for _, rows in self.months.values())

    def _drop(self, month: int) -> None:
        slot, _ = self.months.pop(month)
        self.big, self.small = self.big.without(slot), self.small.without(slot)
        for key in [key for key in self.fresh if key[0] == month]:
            self.fresh_rows -= len(self.fresh.pop(key))
        self.dead = {key for key in self.dead if key[0] != month}

    def _to_sql(self, month: int) -> None:
        if month in self.months:
            self._drop(month)
        self.in_sql.add(month)

    def _fit(self) -> None:
        while len(self.months) > 1 and self._rows() > ROW_BUDGET:
            self._drop(next(iter(self.months)))

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
