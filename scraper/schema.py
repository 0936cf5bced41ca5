"""The archive's schema, as migrations: an archive made by an older version opens and upgrades.

Each function runs once per database, in order, inside a transaction (sqlite-utils'
``Migrations``); a released migration is never edited, only followed by a new one.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

from .dedup import migrate_dedup, migrate_lsh_periods, migrate_samples
from .urls import canonical_url

__all__ = ["MIGRATIONS"]

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


@MIGRATIONS()
def m002_frontier_and_versions(db: sqlite_utils.Database) -> None:
    """The persistent frontier (resumable, incremental crawls) and article versions."""
    db["frontier"].create(
        {"url": str, "site": str, "kind": str, "depth": int, "state": str, "source": str,
         "first_seen": str, "last_fetched": str, "last_status": int, "etag": str,
         "last_modified": str, "hint": str, "article_id": int},
        pk="url", foreign_keys=[("site", "sites", "name"), ("article_id", "articles", "id")],
    )
    db["frontier"].create_index(["site", "state"])
    db["frontier"].create_index(["site", "kind"])
    db["article_versions"].create(
        {"id": int, "article_id": int, "title": str, "text": str, "content_hash": str,
         "modified": str, "first_seen": str, "replaced_at": str, "crawl_id": int,
         "changed": str},
        pk="id", foreign_keys=[("article_id", "articles", "id"), ("crawl_id", "crawls", "id")],
    )
    db["article_versions"].create_index(["article_id"])
    db["articles"].add_column("discovery", str)
    db["articles"].add_column("version", int)


@MIGRATIONS()
def m003_dedup(db: sqlite_utils.Database) -> None:
    """Near-duplicate clustering (scraper/dedup.py) and a view of each article's copies."""
    migrate_dedup(db)
    db.execute("""
        create view if not exists copies as
        select a.id as article_id, b.id as copy_id, b.site, b.title, b.url, b.published,
               b.first_seen,
               case when b.duplicate_of = a.id or a.duplicate_of = b.id
                    or b.content_hash = a.content_hash then 'exact' else 'near' end as kind,
               (select n.similarity from near_duplicates n
                where (n.article_id = a.id and n.other_id = b.id)
                   or (n.article_id = b.id and n.other_id = a.id)) as similarity
        from articles a join articles b on b.cluster_id = a.cluster_id and b.id != a.id
        where a.cluster_id is not null""")


@MIGRATIONS()
def m004_recanonicalise_urls(db: sqlite_utils.Database) -> None:
    """The canonicalisation rules grew (percent-encoding kept for reserved characters,
    more tracking parameters): recompute the stored lookup keys with the current rules."""
    for table, column, pk in (("article_urls", "canonical", "url"), ("links", "target_url", "id")):
        rows = db.execute(f"select {pk}, url from {table}").fetchall()
        for key, url in rows:
            db.execute(f"update {table} set {column} = ? where {pk} = ?", [canonical_url(url), key])


@MIGRATIONS()
def m005_exports(db: sqlite_utils.Database) -> None:
    """State of named incremental exports (``newsarchive export --since-last-export``)."""
    db.execute(
        "create table if not exists exports (name text primary key, last_article_id integer "
        "not null, last_version_id integer not null, format text, path text, articles integer,"
        " exported_at text)")


@MIGRATIONS()
def m006_lsh_periods(db: sqlite_utils.Database) -> None:
    """Near-duplicate candidates are looked up by month (``dedup.WINDOW_MONTHS``): the LSH
    bands get the month first in their key, so that writes stay local at a million articles."""
    migrate_lsh_periods(db)


@MIGRATIONS()
def m007_fts_automerge(db: sqlite_utils.Database) -> None:
    """FTS5 merges its index segments 16 at a time instead of 4: a fifth less CPU per
    inserted article at a million articles (0.23 ms against 0.31 in bench/archive_scale.py,
    medians of 3 runs), for at most 15 segments per level for a query to read."""
    db.execute("insert into articles_fts (articles_fts, rank) values ('automerge', 16)")


@MIGRATIONS()
def m008_page_dictionaries(db: sqlite_utils.Database) -> None:
    """Raw pages compressed with a zstd dictionary trained per site (scraper/pages.py)."""
    db["page_dictionaries"].create(
        {"id": int, "site": str, "samples": int, "size": int, "created": str,
         "dictionary": bytes},
        pk="id", foreign_keys=[("site", "sites", "name")])
    db["page_dictionaries"].create_index(["site"])
    db["pages"].add_column("dictionary_id", int)
    # A crawl of a site without a dictionary starts from its stored pages without one
    # (Archive.page_samples): found by this index, not by scanning every page of the archive.
    db["pages"].create_index(["site", "dictionary_id"])


@MIGRATIONS()
def m009_dedup_samples(db: sqlite_utils.Database) -> None:
    """Near-duplicate candidates are verified from a bottom-k sample of each text stored in
    ``minhashes`` (``scraper/dedupsample.py``) instead of re-shingling their texts; articles
    indexed before get theirs the first time they are candidates."""
    migrate_samples(db)
