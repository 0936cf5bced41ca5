"""The low byte of every position of each indexed article's MinHash signature, in memory, so
that ``Deduplicator`` drops most LSH candidates before it reads their ``minhashes`` rows.

At 100,000 stored articles of bench/dedup_scale.py's shared-paragraph kind an article has
14 candidates, most of them old articles that only share a paragraph (J ~ 0.1), and
``PREFILTER`` (signature agreement under 0.15) drops nearly all of them. Reading their rows
first (signature and sample, ~1.3 kB each of a ~130 MB table, pages the page cache does not
hold) made the candidate statement 159 us per article against 35 us at 1,000 stored.

The low bytes of two signatures agree wherever the signatures agree, and elsewhere by chance
(1/256), so their share of agreeing positions is J + (1 - J)/256: never less than the
signatures' own. A candidate is dropped only when fewer than ``PREFILTER`` of its low bytes
agree, so every candidate the full prefilter keeps is kept (a pair at THRESHOLD 0.4 agrees
on 25.6 of 64 positions on average, its low bytes on 25.8): the cache changes no decision,
it only spares reading the rows of those the full prefilter would drop. A pair at J = 0.1
passes with P ~ 0.1 % more often than by its signature.

64 bytes per indexed article (NUM_PERM positions), in an array indexed by article id,
grown by doubling: at most 128 bytes per stored article, 6.4 to 12.8 MB at 100,000.

What it holds is what this connection knows to be current:
- filled once from ``minhashes`` when first used (``load``), then by every new article
  ``Deduplicator._place`` or ``warc/placing.py`` indexes;
- an article detached (``_detach``: its text changed, it was removed or re-placed) leaves
  the cache for good (``forget``): its next signature, written in a transaction that may be
  rolled back, is read from SQL whenever it is a candidate, until the cache is loaded again;
- a commit by another connection (another process on the archive: a second crawl, a WARC
  merge) changes SQLite's ``data_version``: the cache is emptied, and loaded again from
  the table at most once per ``RELOAD_LOOKUPS`` lookups; meanwhile every candidate is read
  from SQL, as before the cache.
Ids the cache does not hold are always read from SQL, so a stale entry is the only way it
could change a decision, and the rules above leave none.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from ..sqlite import sqlite_utils

__all__ = ["RELOAD_LOOKUPS", "SignatureCache"]

# Lookups between two loads after other connections' commits: a load at 100,000 stored
# articles reads the whole minhashes table (see the README's dedup_scale section), so a
# second writer committing every batch costs at most that much per this many articles.
RELOAD_LOOKUPS = 4096
_LOAD_ROWS = 1 << 12  # rows read at a time: ~1 MB of row tuples (bandfilter._LOAD_ROWS)
_CACHES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class SignatureCache:
    """Low signature bytes by article id; one per ``sqlite_utils.Database`` and signature
    width (``SignatureCache.of``), shared by every Deduplicator on it."""

    def __init__(self, db: sqlite_utils.Database, width: int) -> None:
        self.db = db
        self.width = width
        self.bits = np.zeros((0, width), dtype=np.uint8)
        self.held = np.zeros(0, dtype=bool)
        self.version: int | None = None
        self.since_load: int | None = None  # lookups since the last load; None: never loaded
        self.stale = False  # emptied by another connection's commit since the last load
        self.distrusted: set[int] = set()  # detached: never held again (until a rebuild)

    @classmethod
    def of(cls, db: sqlite_utils.Database, width: int) -> SignatureCache:
        found = _CACHES.get(db)
        if found is None or found.width != width:
            found = _CACHES[db] = cls(db, width)
        return found

    def add(self, article_id: int, signature: np.ndarray) -> None:
        """Hold the signature of an article just indexed (one with no earlier entry)."""
        if self.since_load is None or article_id in self.distrusted:
            return  # not loaded yet (the load reads it), or detached once: read from SQL
        if article_id >= self.held.size:
            self._grow(article_id + 1)
        self.bits[article_id] = signature.astype(np.uint8)  # the low byte of each position
        self.held[article_id] = True

    def forget(self, article_id: int) -> None:
        """Drop an article's entry: its signature may change (see the module docstring)."""
        self.distrusted.add(article_id)
        if article_id < self.held.size:
            self.held[article_id] = False

    @contextmanager
    def rebuilding(self) -> Iterator[None]:
        """Around ``Deduplicator.rebuild``: filled from empty by its adds; if it fails (rolled
        back), loaded again from the table when next used."""
        self._reset(0)
        try:
            yield
        except BaseException:
            self._reset(None)
            raise

    def _reset(self, since_load: int | None) -> None:
        self.held[:] = False
        self.distrusted.clear()
        self.stale = False
        self.since_load = since_load

    def keep(self, ids: list[int], signature: np.ndarray, cut: float) -> list[int]:
        """Those of ``ids`` the cache does not hold, and those whose low bytes agree with
        ``signature``'s on at least ``cut`` of the positions; in their order."""
        self._check()
        if not ids:
            return ids
        index = np.array(ids, dtype=np.int64)
        if int(index.max()) >= self.held.size:
            self._grow(int(index.max()) + 1)  # not held: read from SQL
        agree = np.count_nonzero(self.bits[index] == signature.astype(np.uint8), axis=1)
        passed = ~self.held[index] | (agree >= cut * self.width)
        return [ids[i] for i in np.flatnonzero(passed).tolist()]

    def _check(self) -> None:
        version = self.db.execute("pragma data_version").fetchone()[0]
        if self.version is not None and version != self.version:
            self.held[:] = False  # another connection committed: it may have changed a text
            self.stale = True
        self.version = version
        if self.since_load is None or (self.stale and self.since_load >= RELOAD_LOOKUPS):
            self.load()
        self.since_load += 1

    def load(self) -> None:
        """Read every indexed signature of this width from ``minhashes``."""
        top = self.db.execute("select max(article_id) from minhashes").fetchone()[0] or 0
        self.bits = np.zeros((0, self.width), dtype=np.uint8)
        self.held = np.zeros(0, dtype=bool)
        self._grow(top + 1)
        cursor = self.db.execute("select article_id, signature from minhashes "
                                 "where length(signature) = ?", [4 * self.width])
        while rows := cursor.fetchmany(_LOAD_ROWS):
            ids = np.fromiter((r[0] for r in rows), np.int64, len(rows))
            signatures = np.frombuffer(b"".join([r[1] for r in rows]), "<u4")
            self.bits[ids] = signatures.reshape(-1, self.width).astype(np.uint8)
            self.held[ids] = True
        self.held[[i for i in self.distrusted if i < self.held.size]] = False
        self.since_load = 0
        self.stale = False

    def _grow(self, size: int) -> None:
        capacity = max(1024, self.held.size)
        while capacity < size:
            capacity *= 2
        if capacity == self.held.size:
            return
        bits = np.zeros((capacity, self.width), dtype=np.uint8)
        bits[:self.held.size] = self.bits
        held = np.zeros(capacity, dtype=bool)
        held[:self.held.size] = self.held
        self.bits, self.held = bits, held
