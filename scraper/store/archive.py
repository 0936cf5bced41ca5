"""Store step: the archive, one SQLite file written through sqlite-utils.

The schema is built by migrations (``MIGRATIONS``, applied on open), so an archive written
by an older newsarchive opens and upgrades. The database runs in WAL mode, so Datasette
can read while a crawl writes, and every batch of results is one transaction: a kill at
any moment leaves a valid file holding every batch already committed.

The SQLite library is the one sqlite-utils loads, imported through ``scraper.sqlite``.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..article import Article
from ..config import SiteConfig
from ..errors import ArchiveError, CrawlLockedError
from ..urls import canonical_url, without_anchor
from ..vocab import TRANSIENT_OUTCOMES
from .access import open_readonly, open_writable
from .dedup import Deduplicator
from .pages import PAGE_COMPRESSION, Packed, PageDictionary, compress_page
from .reads import ArchiveReads
from .sketch import content_hash

__all__ = ["Archive", "PageOutcome", "utcnow"]

# Set on every connection, before WAL. The page cache stays at SQLite's 2 MiB default: it is
# most of what a crawl's memory can be traded for. On the 5,000-article crawl benchmark
# (bench/crawl_pipeline.py) peak RSS was 159 MiB with 64 MiB of cache, 96 with 8, 93 with 4
# and 90 with 2, at the same pages/s (80-86). At a million articles a bigger cache did not
# speed inserts up (appending 6,000 articles: 1,719/s with 4 MiB, 596/s with 64 MiB, noisy);
# bench/archive_scale.py measures the whole archive with this setting.
PRAGMAS = ("busy_timeout = 5000", "foreign_keys = ON", "synchronous = NORMAL")
# Prepared statements the connection keeps (Python's default: 128). A crawl batch runs more
# distinct statements than that (IN lists of every length, sqlite-utils' savepoints, each
# named anew), and the cache then evicted dedup's candidate query (96 subqueries): prepared
# again for every article it cost 0.6-1.1 ms of CPU instead of 0.1 (bench/dedup_scale.py).
STATEMENT_CACHE = 1024


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class PageOutcome:
    """Everything one fetched URL produced, written to the archive in one batch."""

    site: str
    url: str  # the frontier key that was fetched (canonical form)
    final_url: str
    kind: str  # page, sitemap, feed
    status: int | None
    outcome: str
    error: str | None = None
    content_type: str | None = None
    bytes: int = 0
    elapsed: float = 0.0
    attempts: int = 1
    depth: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    packed: Packed | None = None  # the CPU-heavy part of storing the article, done already
    article: Article | None = None
    aliases: dict[str, str] = field(default_factory=dict)  # url -> how it was seen
    article_url: str | None = None  # the article's identity when not final_url (rel=canonical)
    hint: dict[str, Any] | None = None  # what a sitemap or feed said about this URL
    discovered: list[tuple] = field(default_factory=list)  # (url, kind, depth, source, hint)
    page_id: int | None = None  # set by reparse: the stored page was re-read, nothing fetched
    parts: list[PageOutcome] = field(default_factory=list)  # later pages of the article

    @property
    def requested(self) -> bool:
        """Whether a request went out: not for a trap, a robots.txt refusal or a paused host
        (no attempt, no redirect followed), which are recorded but never counted as fetched."""
        return self.attempts > 0 or self.final_url != self.url

    @property
    def retry_next_run(self) -> bool:
        """Transient failures stay in the frontier as ``failed`` and are tried again."""
        return self.outcome in TRANSIENT_OUTCOMES or (
            self.outcome == "http_error" and (self.status or 500) >= 500)


class Archive(ArchiveReads):
    """The archive database. Open it, write batches, close it.

    ``readonly`` opens an existing archive without writing to it (``runs``, ``export``): it
    works on a file and directory the user cannot write, unless the archive is older than
    this version, since upgrading it is a write. An archive written by a newer version
    (a migration this one does not know) is refused for writing, and read with a
    ``NewerArchiveWarning``.
    """

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self._lock_file: Any = None
        self._url_keys: dict[str, Callable[[str], str]] = {}
        # Articles this crawl created: found again in the same run (another URL, its
        # rel=canonical) they are neither new again nor "unchanged" (crawl id, article ids).
        self._created: tuple[int | None, set[int]] = (None, set())
        self._sql: dict[tuple, str] = {}  # statements of _insert and _update
        try:
            self.db = (open_readonly(self.path, PRAGMAS) if readonly
                       else open_writable(self.path, PRAGMAS, STATEMENT_CACHE))
            if not readonly:
                self.dedup = Deduplicator(self.db)
        except ArchiveError:
            raise
        except Exception as exc:  # sqlite3.DatabaseError, OSError: say which file
            raise ArchiveError(f"cannot open archive {self.path}: {exc}") from exc

    def close(self) -> None:
        self.db.close()
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lock_for_crawl(self) -> None:
        """Take the archive's crawl lock, or raise CrawlLockedError.

        An flock on ``<db>.lock`` beside the file the path resolves to, so that a symlink
        to the same archive meets the same lock. The kernel drops it when the process
        dies, even by kill -9, so a crash never leaves a stale lock. Runs still marked
        ``running`` once the lock is ours were killed: they are marked ``interrupted``.
        """
        if self.readonly:
            raise ArchiveError(f"archive {self.path} was opened read-only")
        lock_file = open(f"{self.path.resolve()}.lock", "a+")  # noqa: SIM115 - until close()
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock_file.seek(0)
            holder = lock_file.read().strip() or "another process"
            lock_file.close()
            raise CrawlLockedError(
                f"another crawl ({holder}) is running on {self.path}") from None
        lock_file.seek(0)
        lock_file.truncate()
        lock_file.write(f"pid {os.getpid()}")
        lock_file.flush()
        self._lock_file = lock_file
        self.db.execute("update crawls set status = 'interrupted' where status = 'running'")
        if self.dedup.needs_rebuild:  # the dedup parameters changed since the last run
            self.dedup.rebuild()

    def upsert_site(self, site: SiteConfig) -> None:
        now = utcnow()
        existing = self.db["sites"].count_where("name = ?", [site.name])
        row = {"name": site.name, "extends": site.extends, "config_path": site.path,
               "start_urls": json.dumps(list(site.start_urls)), "last_crawled": now}
        if not existing:
            row["first_crawled"] = now
        self.db["sites"].upsert(row, pk="name")
        # memoised as the frontier's: every article names the same widget and menu targets
        self._url_keys[site.name] = lru_cache(maxsize=1 << 12)(site.url_key)

    def start_crawl(self, sites: Iterable[str]) -> int:
        return self.db["crawls"].insert(
            {"started": utcnow(), "status": "running", "sites": json.dumps(list(sites)),
             "pid": os.getpid(), "fetched": 0, "articles_new": 0, "articles_updated": 0,
             "articles_unchanged": 0, "failed": 0}
        ).last_pk

    def finish_crawl(self, crawl_id: int, status: str, counts: dict[str, int],
                     notes: dict[str, Any]) -> None:
        self.db["crawls"].update(
            crawl_id,
            {"finished": utcnow(), "status": status, "notes": json.dumps(notes), **counts},
        )

    def add_page_dictionary(self, site: str, data: bytes, samples: int) -> PageDictionary:
        """Store a dictionary trained on ``samples`` pages of ``site``; committed at once,
        before any page compressed with it."""
        with self.db.atomic():
            key = self.db["page_dictionaries"].insert(
                {"site": site, "samples": samples, "size": len(data), "created": utcnow(),
                 "dictionary": data}).last_pk
        return PageDictionary(key, data)

    def url_key(self, site: str | None) -> Callable[[str], str]:
        """The identity-key function of a site (its declared host variants and trailing-slash
        policy; the plain rules for a site this archive object has not been told about)."""
        return self._url_keys.get(site or "", canonical_url)

    def article_id(self, url: str, site: str | None = None) -> int | None:
        """The article an URL (any variant) belongs to, if it is archived."""
        row = self.db.execute(
            "select article_id from article_urls where canonical = ? limit 1",
            [self.url_key(site)(url)]).fetchone()
        return row[0] if row else None

    def frontier_add(self, site: str, entries: list[tuple]) -> None:
        """Persist newly discovered URLs (outside a batch: the seeds of a run)."""
        with self.db.atomic():
            self._insert_discovered(site, entries)

    def add_aliases(self, aliases: dict[str, dict[str, str]], site: str | None = None) -> None:
        """Record URL variants of archived articles (``{article URL: {variant: source}}``)."""
        now = utcnow()
        with self.db.atomic():
            for url, variants in aliases.items():
                article_id = self.article_id(url, site)
                if article_id is None:
                    continue
                for variant, source in variants.items():
                    self._add_url(variant, article_id, source, now, site)

    def write_batch(self, crawl_id: int, outcomes: list[PageOutcome]) -> dict[str, int]:
        """Write a batch in one transaction; returns counts (new, updated, unchanged)."""
        counts = {"articles_new": 0, "articles_updated": 0, "articles_unchanged": 0}
        if crawl_id != self._created[0]:
            self._created = (crawl_id, set())
        with self.db.atomic():
            for outcome in outcomes:
                fetch_id = self._insert_fetch(crawl_id, outcome)
                article_id = None
                if outcome.article is not None:
                    page_id = outcome.page_id or self._insert_page(fetch_id, outcome)
                    if outcome.parts and outcome.page_id is None:
                        self._insert_parts(crawl_id, page_id, outcome.parts)
                    article_id, state = self._store_article(outcome, page_id, crawl_id)
                    if state:
                        counts[state] += 1
                elif outcome.outcome == "not_modified":
                    row = self.frontier_get(outcome.url)
                    if row and row["article_id"]:
                        self._update("articles", row["article_id"], {"last_seen": utcnow()})
                        counts["articles_unchanged"] += 1
                if outcome.page_id is None:
                    self._update_frontier(outcome, article_id)
                self._insert_discovered(outcome.site, outcome.discovered)
        return counts

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        """Insert one row of a crawl batch; returns its rowid. Plain SQL: sqlite-utils'
        ``insert`` looks the table up in sqlite_master and builds its statement every call,
        a dozen queries per article in a batch that holds the event loop."""
        columns = tuple(row)
        sql = self._sql.get((table, columns))
        if sql is None:
            sql = self._sql[(table, columns)] = (
                f"insert into {table} ({', '.join(columns)}) values "
                f"({', '.join('?' * len(columns))})")
        return self.db.execute(sql, list(row.values())).lastrowid

    def _update(self, table: str, key: int, values: dict[str, Any]) -> None:
        """Update one row by id (see ``_insert``)."""
        columns = tuple(values)
        sql = self._sql.get((table, columns, "update"))
        if sql is None:
            sql = self._sql[(table, columns, "update")] = (
                f"update {table} set {', '.join(f'{c} = ?' for c in columns)} where id = ?")
        self.db.execute(sql, [*values.values(), key])

    def _insert_discovered(self, site: str, entries: list[tuple]) -> None:
        now = utcnow()
        for url, kind, depth, source, hint in entries:
            self.db.execute(
                "insert or ignore into frontier (url, site, kind, depth, state, source, "
                "first_seen, hint) values (?, ?, ?, ?, 'pending', ?, ?, ?)",
                [url, site, kind, depth, source, now, json.dumps(hint) if hint else None],
            )

    def _update_frontier(self, o: PageOutcome, article_id: int | None) -> None:
        """One statement per fetched URL: insert it, or update it keeping ``first_seen``, and
        the validators, hint and article a failed or 304 answer did not replace."""
        now = utcnow()
        fresh = o.status == 200  # articles and listing pages alike: next run asks conditionally
        self.db.execute(
            "insert into frontier (url, site, kind, depth, state, first_seen, last_fetched, "
            "last_status, etag, last_modified, hint, article_id) values (:url, :site, :kind, "
            ":depth, :state, :now, :now, :status, :etag, :last_modified, :hint, :article_id) "
            "on conflict(url) do update set site = excluded.site, kind = excluded.kind, "
            "depth = excluded.depth, state = excluded.state, "
            "last_fetched = excluded.last_fetched, last_status = excluded.last_status, "
            "etag = iif(:fresh, excluded.etag, frontier.etag), "
            "last_modified = iif(:fresh, excluded.last_modified, frontier.last_modified), "
            "hint = coalesce(excluded.hint, frontier.hint), "
            "article_id = coalesce(excluded.article_id, frontier.article_id)",
            {"url": o.url, "site": o.site, "kind": o.kind, "depth": o.depth,
             "state": "failed" if o.retry_next_run else "done", "now": now,
             "status": o.status, "fresh": fresh,
             "etag": o.headers.get("etag") if fresh else None,
             "last_modified": o.headers.get("last-modified") if fresh else None,
             "hint": json.dumps(o.hint) if o.hint else None, "article_id": article_id})

    def _insert_fetch(self, crawl_id: int, o: PageOutcome) -> int:
        return self._insert("fetches", {
            "crawl_id": crawl_id, "site": o.site, "url": o.url, "final_url": o.final_url,
            "kind": o.kind, "status": o.status, "outcome": o.outcome, "error": o.error,
            "content_type": o.content_type, "bytes": o.bytes, "elapsed": round(o.elapsed, 4),
            "attempts": o.attempts, "fetched_at": utcnow()})

    def _insert_page(self, fetch_id: int, o: PageOutcome) -> int:
        return self._insert("pages", {
            "fetch_id": fetch_id, "site": o.site, "url": o.url, "final_url": o.final_url,
            "status": o.status, "headers": json.dumps(o.headers),
            "body": o.packed.body if o.packed else compress_page(o.body or b""),
            "body_size": o.packed.size if o.packed else len(o.body or b""),
            "compression": PAGE_COMPRESSION, "fetched_at": utcnow(),
            "dictionary_id": o.packed.dictionary_id if o.packed else None})

    def _insert_parts(self, crawl_id: int, page_id: int, parts: list[PageOutcome]) -> None:
        """The later pages of a multi-page article, numbered from 2, beside its first page
        (``part_of``): what ``stored_parts`` gives ``reparse``."""
        for number, part in enumerate(parts, start=2):
            fetch = self.db.execute("select id from fetches where crawl_id = ? and url = ? "
                                    "order by id desc limit 1", [crawl_id, part.url]).fetchone()
            part_id = self._insert_page(fetch[0] if fetch else None, part)
            self.db.execute("update pages set part_of = ?, part = ? where id = ?",
                            [page_id, number, part_id])

    def _store_article(self, o: PageOutcome, page_id: int | None,
                       crawl_id: int) -> tuple[int, str | None]:
        article = o.article
        assert article is not None
        key = self.url_key(o.site)(o.article_url or o.final_url)
        variants: dict[str, str] = {}
        for url, source in [(key, "article"), (o.final_url, "fetched"), (o.url, "requested"),
                            *o.aliases.items()]:
            variants.setdefault(without_anchor(url, self.url_key(o.site)), source)
        existing = next((aid for url in variants if (aid := self.article_id(url, o.site))),
                        None)
        now = utcnow()
        row = {
            "site": o.site, "canonical_url": article.canonical_url, "title": article.title,
            "section": article.section, "authors": json.dumps(article.authors),
            "published": article.published, "modified": article.modified,
            "language": article.language, "tags": json.dumps(article.tags),
            "lead": article.lead, "image": article.image, "text": article.text,
            "blocks": json.dumps(article.blocks),
            "word_count": len(article.text.split()), "content_hash": content_hash(article.text),
            "extraction": json.dumps({"sources": article.sources,
                                      "warnings": article.warnings,
                                      "selector_misses": article.selector_misses,
                                      "adapter": article.adapter}),
            "last_seen": now, "page_id": page_id,
        }
        if o.hint:
            row["discovery"] = json.dumps(o.hint)
        if existing is None:
            article_id = self._insert("articles",
                                      {**row, "url": key, "first_seen": now, "version": 1})
            state = "articles_new"
            self._created[1].add(article_id)
        else:
            article_id = existing
            cursor = self.db.execute("select * from articles where id = ?", [article_id])
            old = dict(zip([c[0] for c in cursor.description], cursor.fetchone(), strict=True))
            changed = [f for f in ("title", "text") if old[f] != row[f]]
            if changed:
                self._insert("article_versions", {
                    "article_id": article_id, "title": old["title"], "text": old["text"],
                    "content_hash": old["content_hash"], "modified": old["modified"],
                    "first_seen": old["first_seen"], "replaced_at": now,
                    "crawl_id": crawl_id, "changed": json.dumps(changed)})
                row["version"] = (old["version"] or 1) + 1
                self._update("articles", article_id, row)
            else:
                self._update("articles", article_id, {"last_seen": now, "page_id": page_id,
                                                      "blocks": row["blocks"]})
            state = "articles_updated" if changed else (
                None if article_id in self._created[1] else "articles_unchanged")
        for url, source in variants.items():
            self._add_url(url, article_id, source, now, o.site)
        self._store_links(article_id, article, o.site)
        # Links to this article's URLs, found by target_url: the unary + keeps SQLite off the
        # target_article_id index, where "is null" matched every unresolved link of the
        # archive (sections, other sites: they only grow), once per article stored. Updated
        # one row per statement: a single UPDATE of the thousands of links to a popular
        # article journals every page it touches for its own rollback, in memory where
        # SQLite is built with TEMP_STORE=3 as pysqlite3-binary is (+17 MiB of crawl peak).
        inbound = self.db.execute(
            "select id from links where target_url in (select canonical from article_urls "
            "where article_id = ?) and +target_article_id is null", [article_id]).fetchall()
        self.db.conn.executemany("update links set target_article_id = ? where id = ?",
                                 [(article_id, key) for (key,) in inbound])
        found = self.dedup.add(article_id, o.packed.sketch if o.packed else None)
        if found.kind == "alias" and found.alias_of not in (None, article_id):
            # The same text under another URL of the same site: one article, more URLs.
            self.merge_into(article_id, found.alias_of)
            return found.alias_of, (None if found.alias_of in self._created[1]
                                    else "articles_unchanged")
        return article_id, state

    def merge_into(self, alias: int, article_id: int) -> None:
        """Fold article ``alias`` (same site, same text) into ``article_id`` and delete it."""
        for sql in (
            "update article_urls set article_id = :keep where article_id = :alias",
            "update links set target_article_id = :keep where target_article_id = :alias",
            "delete from links where article_id = :alias",
            "update frontier set article_id = :keep where article_id = :alias",
            "update article_versions set article_id = :keep where article_id = :alias",
        ):
            self.db.execute(sql, {"keep": article_id, "alias": alias})
        self.dedup.remove(alias)
        self.db.execute("delete from articles where id = ?", [alias])

    def _add_url(self, url: str, article_id: int, source: str, now: str,
                 site: str | None) -> None:
        self.db.execute(
            "insert or ignore into article_urls (url, canonical, article_id, source, first_seen)"
            " values (?, ?, ?, ?, ?)",
            [without_anchor(url, self.url_key(site)), self.url_key(site)(url), article_id,
             source, now],
        )

    def _store_links(self, article_id: int, article: Article, site: str) -> None:
        self.db.execute("delete from links where article_id = ?", [article_id])
        rows = []
        for link in article.links:
            target = self.url_key(site)(link.url)
            rows.append({"article_id": article_id, "kind": link.kind, "position": link.position,
                         "title": link.title, "url": link.url, "teaser": link.teaser,
                         "heading": link.heading, "target_url": target,
                         "target_article_id": self.article_id(target, site)})
        for link_row in rows:
            self._insert("links", link_row)
