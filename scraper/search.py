"""What a person types into a search box, as an SQLite FTS5 query.

FTS5 reads ``Al-Qaeda`` as the column ``Al`` minus ``Qaeda``, ``U.S.`` and ``Iran's`` as
syntax errors and ``ferry AND`` as half an expression, so a query passed through unchanged
breaks on ordinary words. ``fts_query`` is the one translation every search path uses
(Datasette's table search and search-all through the archive's plugin, the ranked
``search`` query, ``newsarchive export -q``):

- plain (the default): every word is searched as written, each one quoted as an FTS5
  string, so punctuation inside a word only joins its parts into a phrase (``"Al-Qaeda"``
  finds "Al-Qaeda", "al qaeda" and "Al Qaeda"); ``"two words"`` stays a phrase and a
  trailing ``*`` a prefix; words are ANDed; operators are ordinary words.
- advanced: the text is FTS5 syntax (``AND``/``OR``/``NOT``, ``NEAR(...)``, ``title:``,
  ``^``, prefixes), used as written once FTS5 accepts it; otherwise QuerySyntaxError.

Validation runs the query against an empty in-memory FTS5 table with the archive's
columns, so what FTS5 accepts here it accepts on the archive.
"""

from __future__ import annotations

import re
import threading

from .errors import QuerySyntaxError
from .sqlite import sqlite3

__all__ = ["FTS_COLUMNS", "check_fts_syntax", "fts_query"]

FTS_COLUMNS = ("title", "text")  # articles_fts, as store/schema.py creates it
# A double-quoted phrase, or a run of anything else up to the next space or quote.
_PARTS = re.compile(r'"([^"]*)"|([^\s"]+)')
_WORD = re.compile(r"\w")
_local = threading.local()


def fts_query(text: str | None, advanced: bool = False) -> str:
    """The FTS5 query for ``text``; ``advanced``: ``text`` is FTS5 syntax (checked)."""
    text = (text or "").strip()
    if advanced and text:
        check_fts_syntax(text)
        return text
    terms = []
    for phrase, word in _PARTS.findall(text):
        if phrase:
            if _WORD.search(phrase):
                terms.append(f'"{phrase}"')
            continue
        prefix = word.endswith("*")
        word = word.rstrip("*")
        if _WORD.search(word):
            terms.append(f'"{word}"' + ("*" if prefix else ""))
    # No word at all (empty, or punctuation only): the empty phrase matches nothing.
    return " ".join(terms) or '""'


def check_fts_syntax(query: str) -> None:
    """Raise QuerySyntaxError unless FTS5 accepts ``query`` (with the archive's columns)."""
    conn = getattr(_local, "conn", None)
    if conn is None:  # one per thread: Datasette calls SQL functions from its pool
        conn = _local.conn = sqlite3.connect(":memory:")
        conn.execute(f"create virtual table q using fts5({', '.join(FTS_COLUMNS)})")
    try:
        conn.execute("select 1 from q where q match ?", [query]).fetchall()
    except sqlite3.Error as exc:
        raise QuerySyntaxError(
            f"not a valid FTS5 query: {query!r} ({exc}); without the advanced switch every "
            "word is searched as written") from exc
