"""The crawl: discover -> fetch -> parse -> store for every configured site.

Each site has its own frontier (``scraper.frontier``: seeds, re-crawl policy, trap
defences), sites crawl concurrently, and politeness (robots.txt, per-host delay and
concurrency) lives in the fetcher. Results are written in batches, each one transaction,
together with the URLs they revealed, so a run killed at any moment resumes where it
stopped. One crawl at a time per archive (an flock); SIGTERM/SIGINT stop the scheduling,
give in-flight requests a few seconds, commit, and mark the run ``interrupted``.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import SiteConfig, load_crawl_settings, select_sites
from ..errors import ArchiveError, ConfigError, SiteConfigError
from ..fetch.fetcher import Fetcher, FetchSettings
from ..fetch.netguard import AddressGuard
from ..knobs import check, knobs
from ..memory import tune_for_crawl
from ..sqlite import sqlite3
from ..store.archive import Archive, PageOutcome
from ..vocab import OK_OUTCOMES
from .parsepage import PageParser
from .sitecrawl import SiteCrawl, SiteReport

__all__ = ["CrawlReport", "SiteReport", "crawl", "crawl_sites", "fetch_settings"]

BATCH_SIZE = 25  # results per transaction: large enough to amortise the commit
BATCH_SECONDS = 2.0  # ...but never hold finished work in memory longer than this


@dataclass
class CrawlReport:
    crawl_id: int | None
    status: str  # ok, failed, interrupted
    sites: dict[str, SiteReport]
    config_errors: list[SiteConfigError]
    counts: dict[str, int]


def fetch_settings(config_dir: Path | None) -> FetchSettings:
    """FetchSettings with the ``[fetch]`` overrides of ``config_dir/crawl.toml``, each checked
    against its knob (type, range); ConfigError names the file and every bad key."""
    overrides = load_crawl_settings(config_dir).get("fetch", {}) if config_dir else {}
    declared = {k.key: k for k in knobs(FetchSettings)}
    problems = [f"unknown [fetch] key {key!r}" if key not in declared
                else check(declared[key], value) for key, value in overrides.items()]
    if problems := [p for p in problems if p]:
        raise ConfigError(f"{config_dir}/crawl.toml: " + "; ".join(problems))
    return FetchSettings(**{key: float(value) if declared[key].kind is float else value
                            for key, value in overrides.items()})


def _write_error(archive: Archive, what: str, exc: Exception) -> ArchiveError:
    return ArchiveError(f"cannot write {what} to {archive.path}: {exc} (that transaction was "
                        "rolled back; every earlier batch is intact, the next run carries on)")


async def crawl_sites(sites: list[SiteConfig], archive: Archive, settings: FetchSettings,
                      max_pages: int | None = None,
                      log: Callable[[dict[str, Any]], None] = lambda _: None) -> CrawlReport:
    """Crawl ``sites`` concurrently into ``archive``; the crawl row records the result.

    Raises ArchiveError when a batch cannot be written (disk full, database locked): the
    run stops at once, as going on would fetch pages it cannot keep.
    """
    crawl_id = archive.start_crawl(s.name for s in sites)
    for site in sites:
        archive.upsert_site(site)
    counts = Counter({"fetched": 0, "failed": 0, "articles_new": 0, "articles_updated": 0,
                      "articles_unchanged": 0})
    pending: list[PageOutcome] = []
    last_flush = time.monotonic()
    failure: ArchiveError | None = None
    stop = asyncio.Event()

    def flush() -> None:
        nonlocal last_flush, failure
        if pending and failure is None:
            try:
                counts.update(archive.write_batch(crawl_id, pending))
            except sqlite3.Error as exc:
                failure = _write_error(archive, f"a batch of {len(pending)} results", exc)
                stop.set()
        pending.clear()  # after a failure: dropped, their URLs stay pending in the frontier
        last_flush = time.monotonic()

    def sink(outcome: PageOutcome) -> None:
        counts["fetched"] += outcome.requested
        counts["failed"] += outcome.outcome not in OK_OUTCOMES
        queue = queues.get(outcome.site)
        log({"event": "fetch", "site": outcome.site, "url": outcome.url,
             "outcome": outcome.outcome, "status": outcome.status,
             "elapsed": round(outcome.elapsed, 3), "error": outcome.error,
             "article": outcome.article is not None and outcome.outcome == "ok",
             "queued": queue.qsize() if queue is not None else 0})
        pending.append(outcome)
        if len(pending) >= BATCH_SIZE or time.monotonic() - last_flush > BATCH_SECONDS:
            flush()

    loop = asyncio.get_running_loop()
    handled = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(signum, stop.set)
            handled.append(signum)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread
            pass
    status = "interrupted"
    runs: list[SiteCrawl] = []
    queues: dict[str, asyncio.Queue] = {}  # per site: URLs waiting, for the progress display
    guard = AddressGuard(host for site in sites for host in site.private_ok)
    try:
        async with Fetcher(settings, guard) as fetcher, PageParser() as parser:
            runs = [SiteCrawl(site, fetcher, parser, archive, sink, stop, max_pages)
                    for site in sites]
            queues.update((run.site.name, run.frontier.queue) for run in runs)
            results = await asyncio.gather(*(run.run() for run in runs), return_exceptions=True)
        for result in results:
            if isinstance(result, sqlite3.Error):
                failure = failure or _write_error(archive, "the frontier", result)
            elif isinstance(result, BaseException):
                raise result
        flush()
        if failure is None:
            try:
                for run in runs:
                    archive.add_aliases({k: v for k, v in run.frontier.seen.items() if v},
                                        run.site.name)
            except sqlite3.Error as exc:
                failure = _write_error(archive, "URL aliases", exc)
        if failure is not None:
            status = "failed"
            raise failure
        if not stop.is_set():
            status = "failed" if any(run.report.broken for run in runs) else "ok"
    finally:
        for signum in handled:
            loop.remove_signal_handler(signum)
        flush()
        reports = {run.site.name: run.report for run in runs}
        try:
            archive.finish_crawl(crawl_id, status, dict(counts),
                                 {name: r.notes() for name, r in reports.items()})
        except sqlite3.Error as exc:  # the next run marks this one "interrupted"
            if failure is None:
                raise _write_error(archive, "the crawl record", exc) from exc
    return CrawlReport(crawl_id, status, reports, [], dict(counts))


def crawl(config_dir: Path, db_path: Path, site_names: list[str] | None = None,
          max_pages: int | None = None,
          log: Callable[[dict[str, Any]], None] = lambda _: None) -> CrawlReport:
    """Load the site files of ``config_dir`` and crawl them (or the named ones) into the archive.

    Bad site files are reported in ``CrawlReport.config_errors`` and skipped; the others run.
    Raises CrawlLockedError when another crawl holds the archive.
    """
    sites, errors = select_sites(config_dir, site_names)
    settings = fetch_settings(config_dir)
    tune_for_crawl()  # a crawl's pages are freed as fast as they come: scraper/memory.py
    with Archive(db_path) as archive:
        archive.lock_for_crawl()
        report = asyncio.run(crawl_sites(sites, archive, settings, max_pages, log))
    report.config_errors = errors
    return report
