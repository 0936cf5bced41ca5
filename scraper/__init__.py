"""newsarchive: crawl configured news sites into one SQLite archive browsable with Datasette.

The pipeline runs one way, one module per step: discover (``scraper.discover``) -> fetch
(``scraper.fetch``) -> parse (``scraper.extract``: site adapter, then generic fallback) ->
normalise and store (``scraper.urls``, ``scraper.store``). ``Article`` is the contract
between the steps.
"""

from .article import Article, Link
from .config import SiteConfig, load_site, load_sites
from .errors import (
    ArchiveError,
    ConfigError,
    CrawlLockedError,
    ExtractionError,
    NewsarchiveError,
    SiteConfigError,
)
from .extract import extract

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Link",
    "SiteConfig",
    "extract",
    "load_site",
    "load_sites",
    "NewsarchiveError",
    "ConfigError",
    "SiteConfigError",
    "ArchiveError",
    "CrawlLockedError",
    "ExtractionError",
    "__version__",
]
