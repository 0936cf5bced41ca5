"""Store step: the archive, one SQLite file written through sqlite-utils.

The schema is built by migrations (``MIGRATIONS``, applied on open), so an archive written
by an older newsarchive opens and upgrades. The database runs in WAL mode, so Datasette
can read while a crawl writes, and every batch of results is one transaction: a kill at
any moment leaves a valid file holding every batch already committed.
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils import Migrations

from .article import Article
from .config import SiteConfig
from .errors import ArchiveError
from .urls import canonical_url

__all__ = ["Archive", "PageOutcome", "MIGRATIONS", "content_hash", "utcnow"]

MIGRATIONS = Migrations("newsarchive")


@MIGRATIONS()
def m001_initial(db: sqlite_utils.Database) -> None:
    db["sites"].create(
        {"name": str, "extends": str, "start_urls": str, "config_path": str,
         "first_crawled": str, "last_crawled": str},
        pk="name",
    )
    db["crawls"].create(
        {"id": int, "started": str, "finished": str, "status": str, "sites": str, "pid": int,
         "fetched": int, "articles_new": int, "articles_updated": int,
         "articles_unchanged": int, "failed": int, "notes": str},
        pk="id",
    )
    db["fetches"].create(
        {"id": int, "crawl_id": int, "site": str, "url": str, "final_url": str,
         "kind": str, "status": int, "outcome": str, "error": str, "content_type": str,
         "bytes": int, "elapsed": float, "attempts": int, "fetched_at": str},
        pk="id", foreign_keys=[("crawl_id", "crawls", "id"), ("site", "sites", "name")],
    )
    db["pages"].create(
        {"id": int, "fetch_id": int, "site": str, "url": str, "final_url": str, "status": int,
         "headers": str, "body": bytes, "body_size": int, "compression": str,
         "fetched_at": str},
        pk="id", foreign_keys=[("fetch_id", "fetches", "id"), ("site", "sites", "name")],
    )
    db["articles"].create(
        {"id": int, "site": str, "url": str, "canonical_url": str, "title": str,
         "section": str, "authors": str, "published": str, "modified": str,
         "language": str, "tags": str, "lead": str, "image": str, "text": str,
         "word_count": int, "content_hash": str, "extraction": str, "first_seen": str,
         "last_seen": str, "page_id": int},
        pk="id", foreign_keys=[("site", "sites", "name"), ("page_id", "pages", "id")],
    )
    db["article_urls"].create(
        {"url": str, "canonical": str, "article_id": int, "source": str, "first_seen": str},
        pk="url", foreign_keys=[("article_id", "articles", "id")],
    )
    db["links"].create(
        {"id": int, "article_id": int, "kind": str, "position": int, "title": str,
         "url": str, "teaser": str, "heading": str, "target_url": str,
         "target_article_id": int},
        pk="id",
        foreign_keys=[("article_id", "articles", "id"), ("target_article_id", "articles", "id")],
    )
    db["articles"].create_index(["url"], unique=True)
    db["articles"].create_index(["site", "published"])
    db["articles"].create_index(["content_hash"])
    db["article_urls"].create_index(["article_id"])
    db["article_urls"].create_index(["canonical"])
    db["links"].create_index(["article_id"])
    db["links"].create_index(["target_url"])
    db["links"].create_index(["target_article_id"])
    db["fetches"].create_index(["crawl_id"])
    db["fetches"].create_index(["url"])
    db["pages"].create_index(["url"])
    db["articles"].enable_fts(["title", "text"], create_triggers=True, tokenize="porter")


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def content_hash(text: str) -> str:
    """Hash of the text as a reader sees it: NFC, whitespace folded, case kept."""
    folded = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


@dataclass
class PageOutcome:
    """Everything one fetched URL produced, written to the archive in one batch."""

    site: str
    url: str
    final_url: str
    kind: str
    status: int | None
    outcome: str
    error: str | None = None
    content_type: str | None = None
    bytes: int = 0
    elapsed: float = 0.0
    attempts: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    article: Article | None = None
    aliases: dict[str, str] = field(default_factory=dict)  # url -> how it was seen
    article_url: str | None = None  # the article's identity when not final_url (rel=canonical)


class Archive:
    """The archive database. Open it, write batches, close it."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite_utils.Database(self.path)
            self.db.execute("PRAGMA busy_timeout = 5000")
            self.db.enable_wal()
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA synchronous = NORMAL")
            MIGRATIONS.apply(self.db)
        except Exception as exc:  # sqlite3.DatabaseError, OSError: say which file
            raise ArchiveError(f"cannot open archive {self.path}: {exc}") from exc

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def upsert_site(self, site: SiteConfig) -> None:
        now = utcnow()
        existing = self.db["sites"].count_where("name = ?", [site.name])
        row = {"name": site.name, "extends": site.extends, "config_path": site.path,
               "start_urls": json.dumps(list(site.start_urls)), "last_crawled": now}
        if not existing:
            row["first_crawled"] = now
        self.db["sites"].upsert(row, pk="name")

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

    def article_id(self, url: str) -> int | None:
        """The article an URL (any variant) belongs to, if it is archived."""
        row = self.db.execute(
            "select article_id from article_urls where canonical = ? limit 1", [canonical_url(url)]
        ).fetchone()
        return row[0] if row else None

    def add_aliases(self, aliases: dict[str, dict[str, str]]) -> None:
        """Record URL variants of archived articles (``{article URL: {variant: source}}``)."""
        now = utcnow()
        with self.db.atomic():
            for url, variants in aliases.items():
                article_id = self.article_id(url)
                if article_id is None:
                    continue
                for variant, source in variants.items():
                    self._add_url(variant, article_id, source, now)

    def _add_url(self, url: str, article_id: int, source: str, now: str) -> None:
        self.db.execute(
            "insert or ignore into article_urls (url, canonical, article_id, source, first_seen)"
            " values (?, ?, ?, ?, ?)", [url.split("#")[0], canonical_url(url), article_id, source,
                                         now],
        )

    def write_batch(self, crawl_id: int, outcomes: list[PageOutcome]) -> dict[str, int]:
        """Write a batch in one transaction; returns counts (new, updated, unchanged)."""
        counts = {"articles_new": 0, "articles_updated": 0, "articles_unchanged": 0}
        with self.db.atomic():
            for outcome in outcomes:
                fetch_id = self._insert_fetch(crawl_id, outcome)
                page_id = self._insert_page(fetch_id, outcome) if outcome.body else None
                if outcome.article is not None:
                    counts[self._store_article(outcome, page_id)] += 1
        return counts

    def _insert_fetch(self, crawl_id: int, o: PageOutcome) -> int:
        return self.db["fetches"].insert(
            {"crawl_id": crawl_id, "site": o.site, "url": o.url, "final_url": o.final_url,
             "kind": o.kind, "status": o.status, "outcome": o.outcome, "error": o.error,
             "content_type": o.content_type, "bytes": o.bytes, "elapsed": round(o.elapsed, 4),
             "attempts": o.attempts, "fetched_at": utcnow()}
        ).last_pk

    def _insert_page(self, fetch_id: int, o: PageOutcome) -> int:
        return self.db["pages"].insert(
            {"fetch_id": fetch_id, "site": o.site, "url": o.url, "final_url": o.final_url,
             "status": o.status, "headers": json.dumps(o.headers),
             "body": zlib.compress(o.body or b"", 6), "body_size": len(o.body or b""),
             "compression": "zlib", "fetched_at": utcnow()}
        ).last_pk

    def _store_article(self, o: PageOutcome, page_id: int | None) -> str:
        article = o.article
        assert article is not None
        key = canonical_url(o.article_url or o.final_url)
        variants = {key: "article", o.final_url: "fetched", o.url: "requested", **o.aliases}
        existing = next((aid for url in variants if (aid := self.article_id(url))), None)
        now = utcnow()
        row = {
            "site": o.site, "canonical_url": article.canonical_url, "title": article.title,
            "section": article.section, "authors": json.dumps(article.authors),
            "published": article.published, "modified": article.modified,
            "language": article.language, "tags": json.dumps(article.tags),
            "lead": article.lead, "image": article.image, "text": article.text,
            "word_count": len(article.text.split()), "content_hash": content_hash(article.text),
            "extraction": json.dumps({"sources": article.sources,
                                      "warnings": article.warnings}),
            "last_seen": now, "page_id": page_id,
        }
        if existing is None:
            article_id = self.db["articles"].insert(
                {**row, "url": key, "first_seen": now}
            ).last_pk
            state = "articles_new"
        else:
            article_id = existing
            old = self.db["articles"].get(article_id)
            changed = (old["content_hash"], old["title"]) != (row["content_hash"], row["title"])
            self.db["articles"].update(article_id, row if changed else {"last_seen": now})
            state = "articles_updated" if changed else "articles_unchanged"
        for url, source in variants.items():
            self._add_url(url, article_id, source, now)
        self._store_links(article_id, article)
        self.db.execute(
            "update links set target_article_id = ? where target_article_id is null and "
            "target_url in (select canonical from article_urls where article_id = ?)",
            [article_id, article_id],
        )
        return state

    def _store_links(self, article_id: int, article: Article) -> None:
        self.db.execute("delete from links where article_id = ?", [article_id])
        rows = []
        for link in article.links:
            target = canonical_url(link.url)
            rows.append({"article_id": article_id, "kind": link.kind, "position": link.position,
                         "title": link.title, "url": link.url, "teaser": link.teaser,
                         "heading": link.heading, "target_url": target,
                         "target_article_id": self.article_id(target)})
        if rows:
            self.db["links"].insert_all(rows)
