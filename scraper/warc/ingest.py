"""``ingest-warc``: WARC files -> shards (one Dask task per file) -> the archive.

The run: the SOURCES are expanded and sized (``sources``), the site files read once and
hashed, the archive locked as a crawl locks it, the temporary files of tasks that died deleted
(before the run and after it). A file
whose shard the archive already merged (same source, size or ETag, site files and shard
version) is skipped; a complete shard left by an earlier run is merged without a task;
every other file becomes a task (``shard.make_shard``) with ``TASK_RETRIES`` retries,
submitted to Dask (or, with ``workers=0``, run in this process one after another). Shards
are merged by this process alone, in the order of the files, as soon as the shards before
them are merged (``merge.merge_shard``): the archive grows while the tasks run, and two runs
over the same files give the same archive. A file whose task failed is reported with its
reason and left for the next run. The run is a row of ``crawls`` (``newsarchive runs``).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from ..config import select_sites
from ..crawler.run import fetch_settings
from ..errors import ArchiveError
from ..store.archive import Archive
from ..vocab import OK_OUTCOMES
from .cluster import TASK_RETRIES, dask_client
from .merge import merge_shard
from .shard import SHARD_VERSION, ShardJob, clean_stale, make_shard, read_info, shard_key
from .sources import expand_sources, stat_sources

__all__ = ["IngestReport", "default_shard_dir", "ingest_warc", "merge_shards", "plan_jobs"]

Log = Callable[[dict[str, Any]], None]


@dataclass
class IngestReport:
    """What one ``ingest-warc`` run did, for its summary."""

    crawl_id: int | None = None
    files: int = 0
    shards_made: int = 0
    shards_reused: int = 0  # complete shards of an earlier run, merged without a task
    already_merged: int = 0
    merged: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # source -> why its task failed
    records: int = 0
    seconds: float = 0.0  # wall time from the first task to the last merge
    counts: Counter = field(default_factory=Counter)  # articles_new, duplicates, ...
    outcomes: Counter = field(default_factory=Counter)  # fetches.outcome of each response
    skipped: Counter = field(default_factory=Counter)  # vocab.WARC_SKIPS

    @property
    def records_per_second(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0

    @property
    def failures(self) -> Counter:
        """Failed responses by outcome, and failed files by the exception that failed them."""
        out = Counter({k: v for k, v in self.outcomes.items() if k not in OK_OUTCOMES})
        out.update(f"file: {why.split(':')[0]}" for why in self.failed.values())
        return out

    def notes(self) -> dict[str, Any]:
        return {"warc": {"files": self.files, "merged": self.merged,
                         "already_merged": self.already_merged, "failed": self.failed,
                         "records": self.records, "outcomes": dict(self.outcomes),
                         "skipped": dict(self.skipped), **self.counts}}


def default_shard_dir(db_path: Path) -> Path:
    """Where shards go unless ``--shards`` says: beside the archive."""
    return db_path.parent / f"{db_path.stem}-shards"


def _shard_name(source: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", source.rstrip("/").rsplit("/", 1)[-1])[:80]
    return f"{stem}-{hashlib.sha1(source.encode()).hexdigest()[:10]}.db"


def plan_jobs(sources: list[str], shard_dir: Path, config_dir: Path | None = None,
              site_name: str | None = None, base_url: str | None = None) -> list[ShardJob]:
    """One job per WARC file the SOURCES name, in their order."""
    site_files: list[tuple[str, str]] = []
    if site_name or (config_dir is not None and (config_dir / "sites").is_dir()):
        sites, _ = select_sites(config_dir or Path("config"), [site_name] if site_name else None,
                                refuse_invalid=bool(site_name))
        site_files = [(s.path or s.name, Path(s.path).read_text("utf-8")) for s in sites
                      if s.path]
    settings = fetch_settings(config_dir if config_dir and config_dir.is_dir() else None)
    config_hash = hashlib.sha256(json.dumps(
        [version("newsarchive"), SHARD_VERSION, sorted(site_files), site_name,
         settings.max_body_bytes]).encode()).hexdigest()[:16]
    files = stat_sources(expand_sources(sources, base_url))
    return [ShardJob(f, str(shard_dir.resolve() / _shard_name(f.url)), config_hash,
                     tuple(site_files), site_name, settings.max_body_bytes) for f in files]


def ingest_warc(sources: list[str], db_path: Path, *, config_dir: Path | None = None,
                site_name: str | None = None, scheduler: str | None = None, workers: int = 2,
                shard_dir: Path | None = None, base_url: str | None = None,
                merge: bool = True, log: Log = lambda _: None) -> IngestReport:
    """Ingest the WARC files of ``sources`` into the archive at ``db_path``.

    ``workers=0`` runs every task in this process without Dask. ``merge=False`` only makes
    the shards (``merge-shards`` merges them later). Raises ConfigError for sources or site
    files that cannot be read, CrawlLockedError when a crawl holds the archive.
    """
    shard_dir = shard_dir or default_shard_dir(db_path)
    shard_dir.mkdir(parents=True, exist_ok=True)
    jobs = plan_jobs(sources, shard_dir, config_dir, site_name, base_url)
    report = IngestReport(files=len(jobs))
    with Archive(db_path) as archive:
        archive.lock_for_crawl()
        clean_stale(shard_dir)
        merged = {k for (k,) in archive.db.execute("select key from warc_shards")}
        todo = []
        for job in jobs:
            if job.key in merged:
                report.already_merged += 1
            else:
                todo.append(job)
        report.crawl_id = archive.start_crawl([])
        status = "interrupted"
        try:
            _run(archive, todo, report, scheduler, workers, merge, log)
            clean_stale(shard_dir)  # what the tasks of lost workers left
            status = "failed" if report.failed else "ok"
        finally:
            archive.finish_crawl(report.crawl_id, status, {
                "fetched": report.records, "failed": sum(report.failures.values()),
                **{k: report.counts[k] for k in ("articles_new", "articles_updated",
                                                 "articles_unchanged")}}, report.notes())
    return report


def _run(archive: Archive, jobs: list[ShardJob], report: IngestReport, scheduler: str | None,
         workers: int, merge: bool, log: Log) -> None:
    ready: dict[int, Path | None] = {}  # job index -> its complete shard (None: failed)
    next_merge = 0
    finished = 0
    started = time.perf_counter()

    def done(index: int, info: dict[str, Any] | None, error: str | None = None) -> None:
        nonlocal next_merge, finished
        job = jobs[index]
        finished += 1
        if info is None:
            report.failed[job.source.url] = error or "failed"
            ready[index] = None
            log({"event": "failed", "source": job.source.url, "error": error})
        else:
            report.records += info["records"]
            report.outcomes.update(info["outcomes"])
            report.skipped.update(info["skipped"])
            ready[index] = Path(job.shard)
            log({"event": "shard", "source": job.source.url, "records": info["records"],
                 "articles": info["articles"], "seconds": info.get("seconds"),
                 "done": finished, "total": len(jobs)})
        while next_merge in ready:
            shard = ready.pop(next_merge)
            next_merge += 1
            if shard is not None and merge:
                counts = merge_shard(archive, shard, report.crawl_id)
                if counts is not None:
                    report.merged += 1
                    report.counts.update({k: v for k, v in counts.items()
                                          if isinstance(v, int) and k != "records"})
                    log({"event": "merged", "source": counts["source"], **{
                        k: v for k, v in counts.items() if k != "source"}})
        report.seconds = time.perf_counter() - started

    pending = []
    for index, job in enumerate(jobs):
        info = read_info(Path(job.shard)) if Path(job.shard).exists() else None
        if info is not None and info.get("key") == shard_key(job.source, job.config_hash):
            report.shards_reused += 1
            done(index, info)
        else:
            pending.append(index)
    if not pending:
        return
    if workers == 0:
        for index in pending:
            try:
                info = make_shard(jobs[index])
            except Exception as exc:  # reported, left for the next run
                done(index, None, f"{type(exc).__name__}: {exc}")
                continue
            report.shards_made += 1
            done(index, info)
        return
    with dask_client(scheduler, workers) as client:
        from distributed import as_completed  # importable: dask_client said so

        run = uuid.uuid4().hex[:8]
        futures = {client.submit(make_shard, jobs[i], key=f"newsarchive-shard-{run}-{i}",
                                 retries=TASK_RETRIES, pure=False): i for i in pending}
        for future in as_completed(futures):
            index = futures[future]
            try:
                info = future.result()
            except Exception as exc:  # KilledWorker, or the task's own error after retries
                done(index, None, f"{type(exc).__name__}: {exc}")
                continue
            report.shards_made += 1
            done(index, info)


def merge_shards(db_path: Path, shards: list[Path], log: Log = lambda _: None) -> IngestReport:
    """Merge complete shards into the archive, ordered by their source (then path); those
    it holds already are skipped. Raises ArchiveError for a file that is no shard."""
    infos = []
    for shard in shards:
        info = read_info(shard)
        if info is None:
            raise ArchiveError(f"{shard} is not a complete WARC shard")
        infos.append((info["source"], str(shard), info))
    report = IngestReport(files=len(infos))
    with Archive(db_path) as archive:
        archive.lock_for_crawl()
        report.crawl_id = archive.start_crawl([])
        started = time.perf_counter()
        status = "interrupted"
        try:
            for _source, path, info in sorted(infos, key=lambda item: item[:2]):
                counts = merge_shard(archive, Path(path), report.crawl_id)
                if counts is None:
                    report.already_merged += 1
                    continue
                report.merged += 1
                report.records += info["records"]
                report.outcomes.update(info["outcomes"])
                report.skipped.update(info["skipped"])
                report.counts.update({k: v for k, v in counts.items()
                                      if isinstance(v, int) and k != "records"})
                log({"event": "merged", "source": info["source"], **{
                    k: v for k, v in counts.items() if k != "source"}})
                report.seconds = time.perf_counter() - started
            status = "ok"
        finally:
            archive.finish_crawl(report.crawl_id, status, {
                "fetched": report.records, **{k: report.counts[k] for k in (
                    "articles_new", "articles_updated", "articles_unchanged")}},
                report.notes())
    return report
