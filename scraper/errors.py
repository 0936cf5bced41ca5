"""Exceptions raised by newsarchive: every error the package raises on purpose is one of these.

Hierarchy::

    NewsarchiveError            base of everything this package raises on purpose
    ├── ConfigError             a site file, the crawl defaults or an argument is wrong
    │   └── SiteConfigError     one site file is wrong; carries file, line and reason
    ├── ArchiveError            the SQLite archive cannot be opened, read or written
    │   └── CrawlLockedError    another crawl holds the archive
    ├── ExportError             an export cannot run as asked (bad filter, missing extra)
    ├── QuerySyntaxError        an advanced search query is not valid FTS5 syntax
    └── ExtractionError         a document cannot be parsed at all (not: "matched nothing")
        └── TooDeepError        it nests elements deeper than the parser is allowed to go

    NewerArchiveWarning         (a UserWarning) an archive written by a newer version is read

Network faults are not exceptions here: the fetcher turns every failure into a recorded
outcome (``scraper.vocab.OUTCOMES``) so that one bad URL never aborts a crawl, and the
crawl records a page it cannot parse as ``parse_error`` with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "NewsarchiveError",
    "ConfigError",
    "SiteConfigError",
    "ArchiveError",
    "CrawlLockedError",
    "ExportError",
    "QuerySyntaxError",
    "ExtractionError",
    "TooDeepError",
    "NewerArchiveWarning",
]


class NewsarchiveError(Exception):
    """Base class for the errors newsarchive raises on purpose."""


class ConfigError(NewsarchiveError):
    """The configuration cannot be used."""


class SiteConfigError(ConfigError):
    """One site file is invalid; the message names the file, the line and what is wrong.

    ``reason`` and ``line`` are the first mistake; ``problems`` lists every one found as
    ``(line, reason)`` pairs, and the message has a line for each."""

    def __init__(self, path: str, reason: str, line: int | None = None,
                 more: Iterable[tuple[int | None, str]] = ()) -> None:
        self.path = path
        self.reason = reason
        self.line = line
        self.problems = [(line, reason), *more]
        super().__init__("\n".join(f"{path}:{n}: {why}" if n else f"{path}: {why}"
                                   for n, why in self.problems))


class ArchiveError(NewsarchiveError):
    """The archive database cannot be opened, migrated, read or written."""


class CrawlLockedError(ArchiveError):
    """Another ``newsarchive crawl`` is running on the same archive."""


class ExportError(NewsarchiveError):
    """An export that cannot run as asked (bad filter, missing extra, missing columns)."""


class QuerySyntaxError(NewsarchiveError):
    """A search query given as FTS5 syntax (the advanced switch) that FTS5 refuses."""


class ExtractionError(NewsarchiveError):
    """The document cannot be parsed at all."""


class TooDeepError(ExtractionError):
    """The document nests elements deeper than ``MAX_NESTING`` (refused unparsed)."""


class NewerArchiveWarning(UserWarning):
    """An archive written by a newer newsarchive is read (writing to it is refused)."""
