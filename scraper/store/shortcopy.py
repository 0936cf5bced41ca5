"""Exact copies of short texts: linked only when the title is the same too.

A text under ``dedup.MIN_WORDS`` words is too short for shingles to say anything, and too
short for its hash alone to name one article: two unrelated paywall stubs ("This article is
for subscribers only ...") or live-blog placeholders share their text. A news brief copied
by two sites shares its title as well. So a short text is an exact copy of an earlier
article when both the ``content_hash`` and the title (NFKC, case and spacing folded) agree:
on the same site it is an alias (one article, more URLs), on another a duplicate
(``duplicate_of``, and one cluster with its twin at similarity 1.0). No title, no link.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .dedup import Deduplicator

__all__ = ["place_short", "same_title"]


def same_title(title: str | None) -> str:
    """A title as short copies compare it: NFKC, case-folded, spacing folded."""
    return " ".join(unicodedata.normalize("NFKC", title or "").casefold().split())


def place_short(dedup: Deduplicator, row: dict) -> None:
    """Link a short article (a row as ``Deduplicator`` reads it) to its earliest exact copy
    with the same title: another site's first, like any exact copy."""
    db = dedup.db
    title = same_title(db.execute("select title from articles where id = ?",
                                  [row["id"]]).fetchone()[0])
    if not row["text"] or not title:
        return
    for twin, site, other in db.execute(
            "select id, site, title from articles where content_hash = ? and id < ? "
            "order by site != ?, id", [row["content_hash"], row["id"], row["site"]]):
        if same_title(other) == title:
            db.execute("update articles set duplicate_of = ? where id = ?", [twin, row["id"]])
            if site != row["site"]:
                dedup._link(row["id"], [(twin, 1.0)])
            return
