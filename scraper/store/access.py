"""Opening the archive file: for writing, or read-only, and in either case its schema's
version checked against this one's.

For writing (``crawl``, ``reparse``, ``dedup``): WAL mode, and the migrations applied, so
an archive made by an older version upgrades; one recording a migration this version does
not know (a newer newsarchive wrote it) is refused before anything is written.

Read-only (``runs``, ``export``): ``mode=ro``, so an archive the user cannot write (a
root-owned nightly one) can be read; a newer one is read with a ``NewerArchiveWarning``.
An older one is upgraded first, which is a write and needs write access.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

from ..errors import ArchiveError, NewerArchiveWarning
from ..sqlite import sqlite3, sqlite_utils
from .schema import MIGRATIONS, schema_state

__all__ = ["open_readonly", "open_writable"]


def _newer(path: Path, newer: list[str], action: str) -> str:
    known = MIGRATIONS.pending(sqlite_utils.Database(memory=True))[-1].name
    return (f"archive {path} was written by a newer newsarchive: its schema has "
            f"{', '.join(newer)}, this version's ends at {known}; {action} (upgrade "
            "newsarchive to use it)")


def open_writable(path: Path, pragmas: Iterable[str],
                  cached_statements: int = 128) -> sqlite_utils.Database:
    """The archive at ``path`` (created if missing), migrated to this version's schema;
    its connection keeps ``cached_statements`` prepared statements."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(sqlite3.connect(path, cached_statements=cached_statements))
    for pragma in pragmas:  # busy_timeout first: switching to WAL may wait
        db.execute(f"PRAGMA {pragma}")
    newer, _pending = schema_state(db)
    if newer:
        db.close()
        raise ArchiveError(_newer(path, newer, "refusing to write to it"))
    db.enable_wal()
    MIGRATIONS.apply(db)
    return db


def open_readonly(path: Path, pragmas: Iterable[str]) -> sqlite_utils.Database:
    """The existing archive at ``path``, opened so that nothing can be written to it."""
    if not path.is_file():
        raise ArchiveError(f"cannot open archive {path}: no such file")
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        db = sqlite_utils.Database(sqlite3.connect(uri, uri=True))
        db.execute("PRAGMA busy_timeout = 5000")
        newer, pending = schema_state(db)
    except sqlite3.OperationalError:
        # A WAL archive in a directory we cannot write, with no -shm file, so no writer
        # has it open: SQLite cannot set up its shared memory, and immutable=1 reads the
        # file as it is (a crawl starting meanwhile is not seen by this reader).
        db = sqlite_utils.Database(sqlite3.connect(uri + "&immutable=1", uri=True))
        newer, pending = schema_state(db)
    if newer:
        warnings.warn(_newer(path, newer, "reading it anyway"), NewerArchiveWarning,
                      stacklevel=4)
    if pending:  # an older archive: upgraded once, through a writable open
        db.close()
        try:
            open_writable(path, pragmas).close()
        except (ArchiveError, sqlite3.Error, OSError) as exc:
            raise ArchiveError(
                f"archive {path} needs upgrading to this version's schema "
                f"({', '.join(pending)}), which needs write access: {exc}") from exc
        return open_readonly(path, pragmas)
    return db
