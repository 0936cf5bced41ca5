"""One task: one WARC file -> one archive shard, complete or absent.

A shard is an archive like any other (``store.Archive``: the same schema and migrations,
written by the crawl's own ``write_batch``, so articles, pages, links, article_urls and the
dedup state are what a crawl of those responses would have stored), plus two tables of its
own: ``shard_info`` (its source, size, ETag, the site files' hash, the newsarchive version,
the counts) and ``shard_sketches`` (each article's dedup sketch: shingle hashes, MinHash
signature, sample and LSH keys, made in the task so that the merge only reads them).

It is written under a temporary name (``<shard>.tmp-<random>``), switched out of WAL mode,
closed and renamed: a worker killed at any moment leaves no file under the shard's name,
only a temporary one that the next run deletes (``clean_stale``). Two runs of the same task
(a retry after a lost worker) write equal shards and the second rename wins.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import tomllib
import uuid
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..config import SiteConfig, site_from_dict
from ..sqlite import sqlite3
from ..store.archive import Archive, PageOutcome
from ..store.sketch import TextSketch
from .outcome import SitePicker, to_outcome
from .records import responses
from .sources import WarcFile, open_source

__all__ = ["SHARD_VERSION", "ShardJob", "clean_stale", "make_shard", "read_info",
           "read_sketches", "shard_key"]

# Bumped when what a shard holds changes meaning: a shard of another version is made again.
SHARD_VERSION = 1
BATCH = 200  # outcomes per shard transaction: no reader waits on a shard, so bigger batches
TEMP_MARK = ".tmp-"


def shard_key(source: WarcFile, config_hash: str) -> str:
    """What names a shard's content: its file (URL, size, ETag) and the site files."""
    text = json.dumps([source.url, source.size, source.etag, config_hash, SHARD_VERSION])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class ShardJob:
    """Everything a worker needs, picklable: the file, where its shard goes, the site files
    as text (a worker on another machine has no config directory)."""

    source: WarcFile
    shard: str  # the shard's final path
    config_hash: str
    site_files: tuple[tuple[str, str], ...] = ()  # (path, TOML text)
    only_site: str | None = None  # --site: this site for every record
    max_body_bytes: int = 10 * 2**20

    @property
    def key(self) -> str:
        return shard_key(self.source, self.config_hash)


@lru_cache(maxsize=4)
def _sites(site_files: tuple[tuple[str, str], ...]) -> list[SiteConfig]:
    return [site_from_dict(tomllib.loads(text), path, text) for path, text in site_files]


def _picker(job: ShardJob) -> SitePicker:
    sites = _sites(job.site_files)
    only = next((s for s in sites if s.name == job.only_site), None) if job.only_site else None
    return SitePicker(sites, only)


def clean_stale(shard_dir: Path) -> int:
    """Delete the temporary files killed tasks left in ``shard_dir``; returns how many."""
    removed = 0
    for path in shard_dir.glob(f"*{TEMP_MARK}*"):
        path.unlink(missing_ok=True)
        removed += 1
    return removed


def read_info(shard: Path) -> dict[str, Any] | None:
    """A complete shard's ``shard_info`` (None when the file is not a shard)."""
    try:
        conn = sqlite3.connect(f"file:{shard}?mode=ro", uri=True)
        try:
            rows = conn.execute("select key, value from shard_info").fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return {key: json.loads(value) for key, value in rows}


def make_shard(job: ShardJob) -> dict[str, Any]:
    """Read the WARC file and write its shard; returns the shard's ``shard_info``."""
    final = Path(job.shard)
    temp = final.with_name(f"{final.name}{TEMP_MARK}{uuid.uuid4().hex[:10]}")
    started = time.perf_counter()
    try:
        info = _write(job, temp)
        info["seconds"] = round(time.perf_counter() - started, 3)
        conn = sqlite3.connect(temp)
        with conn:
            conn.execute("insert or replace into shard_info values ('seconds', ?)",
                         [json.dumps(info["seconds"])])
        conn.close()
        os.replace(temp, final)
        return info
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{temp}{suffix}").unlink(missing_ok=True)


def _write(job: ShardJob, temp: Path) -> dict[str, Any]:
    picker = _picker(job)
    skipped: Counter = Counter()
    outcomes: Counter = Counter()
    records = 0
    dates: dict[int, tuple[str, str]] = {}  # article id -> first and last WARC-Date
    with Archive(temp) as archive, open_source(job.source.url) as stream:
        _create_tables(archive)
        crawl_id = archive.start_crawl([])
        known_sites: set[str] = set()
        batch: list[tuple[PageOutcome, str | None]] = []
        for response in responses(stream, skipped, job.max_body_bytes):
            records += 1
            outcome = to_outcome(response, picker)
            outcomes[outcome.outcome] += 1
            site = picker(response.url)
            if site.name not in known_sites:
                archive.upsert_site(site)
                known_sites.add(site.name)
            batch.append((outcome, response.date))
            if len(batch) >= BATCH:
                _flush(archive, crawl_id, batch, dates)
        _flush(archive, crawl_id, batch, dates)
        with archive.db.atomic():
            for article_id, (first, last) in dates.items():
                archive.db.execute(
                    "update articles set first_seen = ?, last_seen = ? where id = ?",
                    [first, last, article_id])
                archive.db.execute(
                    "update pages set fetched_at = ? where id = (select page_id from "
                    "articles where id = ?)", [last, article_id])
        articles = archive.db.execute("select count(*) from articles").fetchone()[0]
        info = {"source": job.source.url, "size": job.source.size, "etag": job.source.etag,
                "config_hash": job.config_hash, "version": SHARD_VERSION, "key": job.key,
                "records": records + sum(skipped.values()), "responses": records,
                "articles": articles, "outcomes": dict(outcomes), "skipped": dict(skipped),
                "pid": os.getpid()}
        archive.finish_crawl(crawl_id, "ok", {"fetched": records,
                                              "articles_new": articles}, info)
        with archive.db.atomic():
            archive.db.conn.executemany("insert into shard_info values (?, ?)",
                                        [(k, json.dumps(v)) for k, v in info.items()])
        archive.db.execute("pragma journal_mode = delete")  # one file: renamed whole
    return info


def _create_tables(archive: Archive) -> None:
    archive.db.execute("create table shard_info (key text primary key, value text)")
    archive.db.execute(
        "create table shard_sketches (article_id integer primary key, words integer, "
        "hashes blob, signature blob, sample blob, rows integer, buckets blob)")


def _flush(archive: Archive, crawl_id: int, batch: list[tuple[PageOutcome, str | None]],
           dates: dict[int, tuple[str, str]]) -> None:
    if not batch:
        return
    archive.write_batch(crawl_id, [outcome for outcome, _ in batch])
    with archive.db.atomic():
        for outcome, date in batch:
            if outcome.article is None or outcome.packed is None:
                continue
            article_id = archive.article_id(outcome.article_url or outcome.final_url,
                                            outcome.site)
            if article_id is None:
                continue
            s = outcome.packed.sketch
            archive.db.execute(
                "insert or replace into shard_sketches values (?, ?, ?, ?, ?, ?, ?)",
                [article_id, s.words, s.hashes.tobytes(), s.signature.tobytes(),
                 s.sample.astype("<u4").tobytes(), s.rows,
                 np.array(s.buckets, dtype="<i8").tobytes()])
            if date:
                first, last = dates.get(article_id, (date, date))
                dates[article_id] = (min(first, date), max(last, date))
    batch.clear()


def read_sketches(conn: sqlite3.Connection, schema: str, first: int,
                  last: int) -> dict[int, TextSketch]:
    """The sketches of the shard's articles ``first`` .. ``last`` by their ids (``schema``:
    the name the shard is attached as)."""
    out = {}
    for article_id, words, hashes, signature, sample, rows, buckets in conn.execute(
            f"select article_id, words, hashes, signature, sample, rows, buckets "
            f"from {schema}.shard_sketches where article_id between ? and ?", [first, last]):
        out[article_id] = TextSketch(
            words, np.frombuffer(hashes, np.uint64), np.frombuffer(signature, "<u4"),
            np.frombuffer(sample, "<u4"), rows, np.frombuffer(buckets, "<i8").tolist())
    return out
