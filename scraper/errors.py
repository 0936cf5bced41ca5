"""Exceptions raised by newsarchive.

Hierarchy::

    NewsarchiveError            base of everything this package raises on purpose
    ├── ConfigError             a site file or the crawl defaults are wrong
    │   └── SiteConfigError     one site file is wrong; carries file, line and reason
    ├── ArchiveError            the SQLite archive cannot be opened or written
    │   └── CrawlLockedError    another crawl holds the archive
    └── ExtractionError         a page cannot be parsed at all (not: "matched nothing")

Network faults are not exceptions here: the fetcher turns every failure into a
recorded outcome (see ``scraper.fetch.OUTCOMES``) so that one bad URL never aborts a crawl.
"""

from __future__ import annotations

__all__ = [
    "NewsarchiveError",
    "ConfigError",
    "SiteConfigError",
    "ArchiveError",
    "CrawlLockedError",
    "ExtractionError",
]


class NewsarchiveError(Exception):
    """Base class for the errors newsarchive raises on purpose."""


class ConfigError(NewsarchiveError):
    """The configuration cannot be used."""


class SiteConfigError(ConfigError):
    """One site file is invalid; the message names the file, the line and what is wrong."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        self.path = path
        self.reason = reason
        self.line = line
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {reason}")


class ArchiveError(NewsarchiveError):
    """The archive database cannot be opened, migrated or written."""


class CrawlLockedError(ArchiveError):
    """Another ``newsarchive crawl`` is running on the same archive."""


class ExtractionError(NewsarchiveError):
    """The document is not parseable HTML at all."""
