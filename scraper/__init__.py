"""newsarchive: crawl configured news sites into one SQLite archive browsable with Datasette.

The package is laid out as the pipeline. Each stage is a subpackage; an arrow is an import,
and imports only run down this map (``extraction`` and ``store`` are peers that never
import each other)::

    cli.py                  the ``newsarchive`` command: a thin mirror of this API
      sitescli.py           its ``sites`` group: site files, fixtures, drafted files
      warccli.py            ``ingest-warc`` and ``merge-shards``
    demo/                   the bundled demo site, its server and ``newsarchive demo``
    warc/                   WARC files on Dask: one task per file -> a shard -> the archive,
      │                     with the crawl's parse and store steps (needs the extra)
    crawler/                the orchestrators: one run (run.py), one site (sitecrawl.py),
      │                     what to fetch (frontier.py), sitemaps/feeds/links
      │                     (discover.py), hub pages re-checked nightly (hubs.py),
      │                     parsing on threads (parsepage.py), reparse.py, the terminal
      │                     line (progress.py), adapter fixtures (fixtures.py), drafted
      │                     site files (draft.py)
      ├──────────────┐
    extraction/    store/   page -> Article (page.py: selectors, then metadata.py,
      │              │      pagedates.py + textdates.py + dates.py, authors.py,
      │              │      language.py, body.py + parts.py + blocks.py, boilerplate.py +
      │              │      blockwords.py,
      │              │      fallback.py (pages whose body comes out empty), widgets.py;
      │              │      detect.py: which preset, which layout; reconcile.py: theme
      │              │      vs metadata)
      │              │      | the archive (archive.py + reads.py, access.py: opening it,
      │              │      schema.py: migrations, pages.py: raw pages, dedup.py with
      │              │      dedupschema.py, sketch.py, dedupsample.py, shortcopy.py,
      │              │      keyindex.py, lshbands.py, export.py + parquet.py, browsing.py: the
      │              │      Datasette configuration)
    fetch/           │      polite bounded HTTP (fetcher.py, types.py), the address guard
      │              │      (netguard.py), body decoding (decode.py)
      ├──────────────┘
    config.py  sitecheck.py  knobs.py  article.py  urls.py  urlpatterns.py  vocab.py
    search.py  sqlite.py  memory.py  errors.py
                            what every stage shares: site files, their checks and their
                            declared settings, the Article record, URL identity, site-file
                            URL patterns, the outcome and widget vocabulary, what a search
                            box means in FTS5, the one SQLite import, the C allocator's
                            tuning, the errors

``Article`` is the contract between the stages. Everything a user of the library needs is
exported here, and imported on first use (PEP 562): ``from scraper import extract`` loads
the extraction stage only, not the HTTP client, numpy or SQLite layers the crawl needs (an
extraction-only process stays at ~21 MiB instead of ~55). The stage packages are named
``crawler`` and ``extraction``, not ``crawl`` and ``extract``, so that they never shadow
the functions of those names exported here.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .article import Article, Link
from .errors import (
    ArchiveError,
    ConfigError,
    CrawlLockedError,
    ExportError,
    ExtractionError,
    NewerArchiveWarning,
    NewsarchiveError,
    QuerySyntaxError,
    SiteConfigError,
    TooDeepError,
)

if TYPE_CHECKING:
    from .config import SiteConfig, WidgetConfig, load_site, load_sites, site_from_dict
    from .crawler.draft import draft_site
    from .crawler.fixtures import check_site, snapshot
    from .crawler.reparse import ReparseReport, reparse
    from .crawler.run import CrawlReport, crawl, crawl_sites
    from .crawler.sitecrawl import SiteReport
    from .extraction.page import extract
    from .fetch.fetcher import Fetcher
    from .fetch.types import FetchResult, FetchSettings
    from .search import fts_query
    from .store.archive import Archive
    from .store.export import ExportFilters, export_articles
    from .warc.ingest import IngestReport, ingest_warc, merge_shards

__version__ = "0.1.0"

# Public name -> the module that defines it, imported when the name is first used.
_LAZY = {
    "SiteConfig": "config", "WidgetConfig": "config", "load_site": "config",
    "load_sites": "config", "site_from_dict": "config",
    "crawl": "crawler.run", "crawl_sites": "crawler.run", "CrawlReport": "crawler.run",
    "SiteReport": "crawler.sitecrawl", "reparse": "crawler.reparse",
    "check_site": "crawler.fixtures", "snapshot": "crawler.fixtures",
    "draft_site": "crawler.draft",
    "ReparseReport": "crawler.reparse",
    "extract": "extraction.page",
    "Fetcher": "fetch.fetcher", "FetchResult": "fetch.types", "FetchSettings": "fetch.types",
    "Archive": "store.archive", "ExportFilters": "store.export",
    "export_articles": "store.export", "fts_query": "search",
    "ingest_warc": "warc.ingest", "merge_shards": "warc.ingest", "IngestReport": "warc.ingest",
}

__all__ = [
    "Archive",
    "Article",
    "CrawlReport",
    "ExportFilters",
    "FetchResult",
    "FetchSettings",
    "Fetcher",
    "IngestReport",
    "Link",
    "ReparseReport",
    "SiteConfig",
    "SiteReport",
    "WidgetConfig",
    "check_site",
    "crawl",
    "crawl_sites",
    "draft_site",
    "export_articles",
    "extract",
    "fts_query",
    "ingest_warc",
    "load_site",
    "load_sites",
    "merge_shards",
    "reparse",
    "site_from_dict",
    "snapshot",
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
    "__version__",
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
