"""The archive's LSH keys in memory with their newest articles, so that placing an article
(``scraper/store/dedup.py``) finds its candidates without reading a B-tree.

An article's candidates are the newest ``limit`` (``dedup.BUCKET_LIMIT``) articles of each of
its 96 keys (32 bands in its month and the adjacent ones). Most keys are held by no one; on
bench/dedup_scale.py's shared-paragraph archive (crawl-fixture layout) a new article at
100,000 stored shares 3.1 keys with one article, 1.6 with two to nine and 4.1 with ten or
more. Read from SQLite (two index seeks per key in ``lsh_bands`` and ``lsh_recent``, then the
candidates' rows), that statement went from 54 to 228 us per article between 1,000 and
100,000 stored, behind a Bloom filter of the keys (58 -> 66 us) that spared it the absent
ones: ~7 us per held key, each a descent to a leaf the page cache no longer holds.

Here each month is an open-addressing hash table with linear probing, its slots a region of
one pool shared by the held months (two numpy arrays):
the 64-bit key (0: a free slot) and a 32-bit value: the one article holding the key, or
``_SIDE | row``, a row of ``side`` that holds its newest ``limit`` articles (ids descending,
0 where fewer), or 0 once its articles were all removed. A lookup probes all 96 keys at
once, ``_WINDOW`` slots at a time: at most ``_MAX_LOAD`` of the slots are taken, so a run
longer than the window is rare. Keys are uniform (blake2b), so a multiply-shift of them
places them. 12 bytes a slot and 16 a key held by two or more: ~4 MiB for a month of
5,000 articles (160,000 keys), against ~0.5 MiB for the Bloom filter it replaces.

A month is read from the tables on its first lookup (about 1 s per million keys), and
grown in memory, twice the slots, when it fills. The tables of the ``MONTHS_HELD`` months
looked up last are kept (an article needs three), so a crawl of old articles does not hold
the whole archive's.

It answers exactly what the tables hold only if every write reaches it:
- this connection's writes go through ``add`` and ``remove`` (``lshbands.LshBands``, and
  ``warc/placing.py``);
- a commit by another connection changes SQLite's ``data_version``: every month is read
  again;
- a rolled-back write leaves the key it wrote last absent from the tables, which is checked
  before each use: every month is read again.
Two limits, for the sake of 4-byte values: a key of 0 (one in 2^64) is not indexed, and
article ids must stay below 2^31.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from ..sqlite import sqlite_utils
from .lshbands import TABLES, newest

__all__ = ["MONTHS_HELD", "KeyIndex"]

# Months whose tables are kept, those looked up last: an article looks up three.
MONTHS_HELD = 12

# Share of a month's slots taken before it grows to twice the slots. Linear probing's
# unsuccessful search reads 1/2 (1 + 1/(1 - load)^2) slots on average: 3.6 at 0.6.
_MAX_LOAD = 0.6
# Slots read at once per key by a lookup: one numpy gather of 96 x 16 values. With 8, a
# third of the lookups of 32 keys in a month of 200,000 (load 0.38) needed a second round.
_WINDOW = 16
_STEPS = np.arange(_WINDOW)
_MIN_SLOTS = 1 << 12
_SIDE = 1 << 31  # a value with this bit: the row of ``side`` that holds the key's articles
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # odd: multiply-shift hashing
# Rows read at a time when a month is read. 65,536 made ~6 MB of row tuples and ints at
# once when a crawl's month was read at 100,000 keys, and the crawl's RSS kept 3 MiB of it
# to its end (CPython frees an arena only when all of it is free): its peak, 95 MiB on
# bench/crawl_pipeline.py's shared site. 4,096 (~0.4 MB) fit in the memory already free.
_LOAD_ROWS = 1 << 12
_INDEXES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# SQLite's data_version, and whether the last key written is in the tables: one statement.
_CHECK = "select (select data_version from pragma_data_version), " + " or ".join(
    f"exists (select 1 from {table} where period = ?1 and bucket = ?2 and article_id = ?3)"
    for table in TABLES)


@dataclass
class _Month:
    """Where a month's table lies in the pool: ``slots`` (a power of two) from ``base``,
    then a tail that the runs of the last slots spill into, up to ``end``, always free."""

    base: int
    slots: int
    end: int
    count: int

    def __post_init__(self) -> None:
        self.shift = np.uint64(64 - (self.slots.bit_length() - 1))


def _home(hashed: np.ndarray, shift: np.uint64 | np.ndarray) -> np.ndarray:
    return (hashed >> shift).astype(np.intp)


class KeyIndex:
    """The (period, bucket) keys of ``lsh_bands`` and ``lsh_recent`` with each key's newest
    ``limit`` articles, a hash table per month, all in one pool of slots so that a lookup
    of three months is one gather; one per ``sqlite_utils.Database`` (``KeyIndex.of``),
    shared by every Deduplicator on it."""

    def __init__(self, db: sqlite_utils.Database, limit: int) -> None:
        self.db = db
        self.limit = limit
        self.version: int | None = None
        self.written: tuple[int, int, int] | None = None  # the last key written, its article
        self.checked: list[int] | None = None  # the buckets of the last lookup (no write since)
        self.forget()

    @classmethod
    def of(cls, db: sqlite_utils.Database, limit: int) -> KeyIndex:
        found = _INDEXES.get(db)
        if found is None or found.limit != limit:
            found = _INDEXES[db] = cls(db, limit)
        return found

    def holders(self, months: range, buckets: list[int]) -> np.ndarray:
        """The newest ``limit`` articles of each key of ``buckets`` in each of ``months``,
        all in one array (an article as often as it holds one of them)."""
        self._check()
        self.checked = buckets
        missing = [month for month in months if month not in self.months]
        for month in months:  # looked up last: kept when the missing ones come in
            if month in self.months:
                self.months.move_to_end(month)
        if missing:
            self._repack(loaded={month: self._load(month) for month in missing})
        count = len(buckets)
        plan = self._plans.get((months, count))
        if plan is None:  # the same months as the last lookups: the same bases and shifts
            regions = [self.months[month] for month in months]
            plan = self._plans[months, count] = tuple(
                np.repeat(np.array(values), count) for values in zip(
                    *((r.base, r.shift, r.end) for r in regions), strict=True))
        base, shift, ends = plan
        keys = np.array(buckets * len(months), dtype=np.int64).view(np.uint64)
        at = self._find(keys, base + _home(keys * _MULTIPLIER, shift), ends)
        values = np.where(self.keys.take(at) == keys, self.values.take(at), 0)
        shared = values >= _SIDE
        ids = np.concatenate([values[~shared], self.side[values[shared] - _SIDE].ravel()])
        return ids[ids != 0]

    def add(self, month: int, buckets: list[int], ids: list[int] | int) -> None:
        """Note keys written to ``lsh_bands`` or ``lsh_recent`` by this connection, with
        their articles (one for all, or one per key)."""
        if not buckets:
            return
        if buckets is not self.checked:  # looked up just before: nothing could roll back
            self._check()
        self.checked = None
        self.written = (month, buckets[-1], ids if isinstance(ids, int) else ids[-1])
        if month not in self.months:
            return  # read from the tables when first looked up
        distinct = isinstance(ids, int)
        if (ids if distinct else max(ids)) >= _SIDE:
            raise ValueError("article ids of 2^31 and more cannot be indexed")
        keys = np.array(buckets, dtype=np.int64).view(np.uint64)
        articles = np.full(keys.size, ids, np.uint32) if distinct else np.array(ids, np.uint32)
        if 0 in buckets:  # not indexed
            keys, articles = keys[keys != 0], articles[keys != 0]
        region = self.months[month]
        while region.count + keys.size > _MAX_LOAD * region.slots:
            region = self._repack(grow=month)
        while not self._insert(region, keys, articles, distinct):
            region = self._repack(grow=month)

    def remove(self, month: int, buckets: list[int], article_id: int) -> None:
        """Forget an article's keys, deleted from the tables already: a key it was among the
        newest of is read again from them."""
        if self.written is not None and self.written[2] == article_id:
            self.written = None
        self._check()
        self.checked = None
        region = self.months.get(month)
        if region is None:
            return
        keys = np.array(buckets, dtype=np.int64).view(np.uint64)
        at = self._region_find(region, keys)
        for slot, bucket, held in zip(at.tolist(), buckets, (self.keys[at] == keys).tolist(),
                                      strict=True):
            value = int(self.values[slot])
            if not held or value == 0:
                continue
            if value == article_id:
                self.values[slot] = 0
            elif value >= _SIDE and article_id in self.side[value - _SIDE]:
                self._set(slot, [r[0] for r in self.db.execute(
                    newest(1, self.limit), [month, bucket])])

    def forget(self) -> None:
        """Drop every month: each is read again from the tables when next looked up."""
        self.months: OrderedDict[int, _Month] = OrderedDict()  # least recent first
        self.keys = np.zeros(0, np.uint64)  # the pool: 0 is a free slot
        self.values = np.zeros(0, np.uint32)
        self.side = np.zeros((64, self.limit), np.uint32)
        self.sides = 0
        self.written = None
        self.checked = None
        self._plans: dict[tuple[range, int], tuple[np.ndarray, ...]] = {}

    # -- the tables ------------------------------------------------------------------------

    def _find(self, keys: np.ndarray, home: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """Per key, its slot, or the free slot that ends its run (``ends``: the last slot
        of each key's month, for runs longer than the window)."""
        seen = self.keys.take(home[:, None] + _STEPS)  # in bounds: the tail is a window
        stop = (seen == keys[:, None]) | (seen == 0)
        at = home + stop.argmax(axis=1)
        done = stop.any(axis=1)
        if not done.all():  # a run longer than the window: on, a window at a time
            longer = np.flatnonzero(~done)
            at[longer] = self._find_on(keys[longer], home[longer] + _WINDOW, ends[longer])
        return at

    def _find_on(self, keys: np.ndarray, at: np.ndarray, ends: np.ndarray) -> np.ndarray:
        out = np.empty(keys.size, np.intp)
        todo = np.arange(keys.size)
        while todo.size:
            window = np.minimum(at[todo, None] + _STEPS, ends[todo, None])
            seen = self.keys[window]
            stop = (seen == keys[todo, None]) | (seen == 0)
            done = stop.any(axis=1)
            first = stop.argmax(axis=1)
            out[todo[done]] = window[done, first[done]]
            at[todo] += _WINDOW
            todo = todo[~done]
        return out

    def _region_find(self, region: _Month, keys: np.ndarray) -> np.ndarray:
        home = region.base + _home(keys * _MULTIPLIER, region.shift)
        return self._find(keys, home, np.full(keys.size, region.end))

    def _insert(self, region: _Month, keys: np.ndarray, ids: np.ndarray,
                distinct: bool) -> bool:
        """Note the articles of keys in a month (``distinct``: no key twice); False if the
        month must grow first."""
        while keys.size:
            at = self._region_find(region, keys)
            held = self.keys[at] == keys
            if held.any():
                for slot, article in zip(at[held].tolist(), ids[held].tolist(), strict=True):
                    self._join(slot, article)
                keys, ids, at = keys[~held], ids[~held], at[~held]
            if at.size and int(at.max()) >= region.end:
                return False  # a run reached the month's last slot
            self.keys[at] = keys  # new keys ending the same run: one of them takes the slot
            won = self.keys[at] == keys
            if not distinct:  # the same key twice: one takes the slot, the other joins it
                _, first = np.unique(at[won], return_index=True)
                won[np.delete(np.flatnonzero(won), first)] = False
            self.values[at[won]] = ids[won]
            region.count += int(np.count_nonzero(won))
            keys, ids = keys[~won], ids[~won]
        return True

    def _join(self, slot: int, article: int) -> None:
        value = int(self.values[slot])
        if value == 0 or value == article:
            self.values[slot] = article
        elif value < _SIDE:
            self.values[slot] = _SIDE | self._new_side([article, value])
        else:
            row = self.side[value - _SIDE]
            ids = row.tolist()
            if article > ids[-1] and article not in ids:  # among the newest
                row[:] = sorted([*ids, article], reverse=True)[:self.limit]

    def _set(self, slot: int, ids: list[int]) -> None:
        """Make the articles of the key in ``slot`` these (read again from the tables)."""
        value = int(self.values[slot])
        if len(ids) < 2:
            self.values[slot] = ids[0] if ids else 0
        elif value >= _SIDE:
            self.side[value - _SIDE] = 0
            self.side[value - _SIDE, :len(ids)] = ids
        else:
            self.values[slot] = _SIDE | self._new_side(ids)

    def _new_side(self, ids: list[int]) -> int:
        if self.sides == len(self.side):
            grown = np.zeros((2 * len(self.side), self.limit), np.uint32)
            grown[:self.sides] = self.side
            self.side = grown
        self.side[self.sides] = 0
        self.side[self.sides, :len(ids)] = sorted(ids, reverse=True)[:self.limit]
        self.sides += 1
        return self.sides - 1

    def _repack(self, loaded: dict | None = None, grow: int | None = None) -> _Month | None:
        """Lay the pool out again: months read from the tables (``loaded``: month ->
        (keys, values, side rows)) added, ``grow`` with twice its slots, the months looked up
        least recently dropped beyond ``MONTHS_HELD``; ``side`` keeps the rows in use."""
        parts = []
        for month, region in self.months.items():
            taken = region.base + np.flatnonzero(self.keys[region.base:region.end + 1])
            values = self.values[taken]
            shared = values >= _SIDE
            parts.append((month, self.keys[taken], values, self.side[values[shared] - _SIDE],
                          region.slots * (2 if month == grow else 1)))
        for month, (keys, values, side) in (loaded or {}).items():
            slots = max(_MIN_SLOTS, 1 << int(keys.size / _MAX_LOAD).bit_length())
            parts.append((month, keys, values, side, slots))
        parts = parts[-MONTHS_HELD:]
        # The parts are copies: the old pool goes before the new one is laid out, and each
        # month is laid out straight into the new pool (a pool, a copy of it and its old
        # self at once made 9 MiB of a 3 MiB table at its peak while a crawl's month grew).
        self.keys = self.values = self.side = None
        self.months = OrderedDict()
        self._plans.clear()
        layouts = [_layout(keys, slots) for _, keys, _, _, slots in parts]
        self.keys = np.zeros(sum(size for _, _, size in layouts), np.uint64)
        self.values = np.zeros(self.keys.size, np.uint32)
        self.side = np.zeros((max(64, 2 * sum(p[3].shape[0] for p in parts)), self.limit),
                             np.uint32)
        base = row = 0
        for (month, keys, values, side, slots), (order, at, size) in zip(
                parts, layouts, strict=True):
            at += base
            values = values.copy()
            shared = values >= _SIDE  # the j-th of them holds side[j]: now row + j
            values[shared] = _SIDE | np.arange(row, row + side.shape[0], dtype=np.uint32)
            self.side[row:row + side.shape[0]] = side
            self.keys[at] = keys[order]
            self.values[at] = values[order]
            self.months[month] = _Month(base, slots, base + size - 1, keys.size)
            base += size
            row += side.shape[0]
        self.sides = row
        return self.months.get(grow) if grow is not None else None

    def _check(self) -> None:
        version, kept = self.db.execute(_CHECK, self.written or (None, None, None)).fetchone()
        if version != self.version:  # another connection committed: it may have written keys
            self.forget()
            self.version = version
        elif self.written is not None and not kept:
            self.forget()  # the last write was rolled back

    def _load(self, month: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A month's keys, values and side rows, read from the tables."""
        cursor = self.db.execute(
            "select bucket, article_id from lsh_bands where period = ?1 union all "
            "select bucket, article_id from lsh_recent where period = ?1", [month])
        parts = []
        while rows := cursor.fetchmany(_LOAD_ROWS):
            parts.append(np.array(rows, dtype=np.int64).reshape(-1, 2))
        pairs = np.concatenate(parts) if parts else np.zeros((0, 2), np.int64)
        pairs = pairs[pairs[:, 0] != 0]
        order = np.lexsort((-pairs[:, 1], pairs[:, 0]))  # by key, newest article first
        keys, ids = pairs[order, 0].view(np.uint64), pairs[order, 1]
        if not keys.size:
            return keys, ids.astype(np.uint32), np.zeros((0, self.limit), np.uint32)
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        counts = np.diff(np.r_[starts, keys.size])
        values = ids[starts].astype(np.uint32)
        shared = np.flatnonzero(counts > 1)
        side = np.zeros((shared.size, self.limit), np.uint32)
        for rank in range(self.limit):  # the rank-th newest of each shared key
            has = shared[counts[shared] > rank]
            side[np.searchsorted(shared, has), rank] = ids[starts[has] + rank]
        values[shared] = _SIDE | np.arange(shared.size, dtype=np.uint32)
        return keys[starts], values, side


def _layout(keys: np.ndarray, slots: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Where a month's table of ``slots`` puts its keys: the order that sorts them by home
    slot, each one's slot in that order, and the size of the table with its tail. Sorted by
    home, each key takes its home or the slot after the previous key's, whichever is
    later."""
    home = _home(keys * _MULTIPLIER, np.uint64(64 - (slots.bit_length() - 1)))
    order = np.argsort(home, kind="stable")
    at = home[order]
    del home
    if at.size:
        steps = np.arange(at.size)
        at -= steps
        np.maximum.accumulate(at, out=at)
        at += steps
    size = max(slots + _WINDOW, int(at[-1]) + 2 if at.size else 0)
    return order, at, size
