"""Which LSH keys the archive holds, known in memory, so that placing an article seeks only
the keys some other article has (``scraper/store/dedup.py``).

An article looks up 96 keys (32 bands in its month and the adjacent ones), and most of them
are held by no one: an article's bands are mostly made of its own text. On
bench/dedup_scale.py's shared-paragraph archive, 2 of the 96 keys are present at 1,000
stored articles, 12 at 100,000. Each absent key still cost SQLite a descent to a leaf of
``lsh_bands``, a page the 2 MiB page cache no longer holds once the table outgrows it: the
lookup statement went from 60 to 310 us per article between 1,000 and 100,000 articles,
180 of them for keys no one holds.

A Bloom filter per month answers "absent" for certain and "present" with a small false
positive rate (a false positive costs one seek): 3 hash functions, 8 bits per key of its
capacity, a power of two at least twice the month's keys when the filter is made, so 0.5 %
false positives then and 3 % when full. It is made from the month's keys on the first
lookup of that month, and again, four times larger, when it fills up (about 1 s per
million keys, a third of a read per key written). 2 to 4 bytes per key: 2 to 4 MiB for a
month of 30,000 articles. The filters of the ``MONTHS_HELD`` months looked up last are kept
(an article needs three), so a crawl of old articles does not hold the whole archive's.

The filter is exact about absence only if every key written reaches it: the connection's
own writes go through ``add`` (``Deduplicator._place``, ``warc/placing.py``), and a commit
by any other connection (another process on the archive) changes SQLite's
``data_version``, which empties the filter. Deleted keys stay set: a false positive.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict

import numpy as np

from ..sqlite import sqlite_utils
from .lshbands import TABLES

__all__ = ["MONTHS_HELD", "BandFilter"]

# Months whose filters are kept, those looked up last: an article looks up three.
MONTHS_HELD = 12

_HASHES = 3
_BITS_PER_KEY = 8  # at capacity; a power of two
_MIN_CAPACITY = 1 << 14  # keys: 16 KiB of bits
# Rows read at a time when a filter is made. 65,536 made ~6 MB of row tuples and ints at
# once when a crawl's month refilled at 100,000 keys, and the crawl's RSS kept 3 MiB of it
# to its end (CPython frees an arena only when all of it is free): its peak, 95 MiB on
# bench/crawl_pipeline.py's shared site. 4,096 (~0.4 MB) fit in the memory already free.
_LOAD_ROWS = 1 << 12
# Multiply-shift hashing of the (already uniform, blake2b) 64-bit bucket keys: odd constants.
_MULTIPLIERS = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9],
                        dtype=np.uint64)[:_HASHES]
_FILTERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class _MonthFilter:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        bits = capacity * _BITS_PER_KEY
        self.shift = np.uint64(64 - (bits.bit_length() - 1))
        self.words = np.zeros(bits // 64, dtype=np.uint64)
        self.count = 0

    def _index(self, keys: np.ndarray) -> np.ndarray:
        return (keys[:, None] * _MULTIPLIERS[None, :]) >> self.shift

    def add(self, keys: np.ndarray) -> None:
        index = self._index(keys).ravel()
        np.bitwise_or.at(self.words, index >> np.uint64(6),
                         np.uint64(1) << (index & np.uint64(63)))
        self.count += keys.size

    def contains(self, keys: np.ndarray) -> np.ndarray:
        index = self._index(keys)
        return ((self.words[index >> np.uint64(6)] >> (index & np.uint64(63)))
                & np.uint64(1)).all(axis=1)


class BandFilter:
    """The (period, bucket) keys of ``lsh_bands``, one Bloom filter per month; one per
    ``sqlite_utils.Database`` (``BandFilter.of``), shared by every Deduplicator on it."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.months: OrderedDict[int, _MonthFilter] = OrderedDict()  # least recent first
        self.version: int | None = None

    @classmethod
    def of(cls, db: sqlite_utils.Database) -> BandFilter:
        found = _FILTERS.get(db)
        if found is None:
            found = _FILTERS[db] = cls(db)
        return found

    def present(self, months: range, buckets: list[int]) -> list[tuple[int, int]]:
        """The (month, bucket) keys that may be in ``lsh_bands``: every one that is."""
        version = self.db.execute("pragma data_version").fetchone()[0]
        if version != self.version:  # another connection committed: it may have written keys
            self.months.clear()
            self.version = version
        keys = np.array(buckets, dtype=np.int64).view(np.uint64)
        out = []
        for month in months:
            found = self.months.get(month) or self._load(month)
            self.months.move_to_end(month)
            out.extend((month, buckets[i]) for i in np.flatnonzero(found.contains(keys)).tolist())
        return out

    def add(self, month: int, buckets: list[int]) -> None:
        """Note keys written to ``lsh_bands`` by this connection (before or after)."""
        found = self.months.get(month)
        if found is None:
            return  # loaded from the table when first looked up
        if found.count + len(buckets) > found.capacity:
            self._load(month, found.count + len(buckets))  # the table holds the new keys too
            return
        found.add(np.array(buckets, dtype=np.int64).view(np.uint64))

    def _load(self, month: int, at_least: int = 0) -> _MonthFilter:
        count = max(at_least, sum(self.db.execute(
            f"select count(*) from {table} where period = ?", [month]).fetchone()[0]
            for table in TABLES))
        capacity = max(_MIN_CAPACITY, 1 << (count * 2 - 1).bit_length())
        loaded = _MonthFilter(capacity)
        cursor = self.db.execute("select bucket from lsh_bands where period = ?1 union all "
                                 "select bucket from lsh_recent where period = ?1", [month])
        while rows := cursor.fetchmany(_LOAD_ROWS):
            loaded.add(np.fromiter((r[0] for r in rows), np.int64, len(rows)).view(np.uint64))
        self.months[month] = loaded
        while len(self.months) > MONTHS_HELD:
            self.months.popitem(last=False)
        return loaded
