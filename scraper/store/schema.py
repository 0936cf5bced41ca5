"""The archive's schema, as migrations: an archive made by an older version opens and upgrades.

Each function runs once per database, in order, inside a transaction (sqlite-utils'
``Migrations``); a released migration is never edited, only followed by a new one.
"""

from __future__ import annotations

from ..sqlite import Migrations, sqlite_utils
from ..urls import canonical_url, view_of
from .dedupschema import migrate_dedup, migrate_lsh_periods, migrate_samples
from .lshbands import create_recent

__all__ = ["JSON_COLUMNS", "MIGRATIONS", "schema_state"]

MIGRATIONS = Migrations("newsarchive")
# Columns holding JSON text, per table: exports decode them, the Datasette plugin shows them
# as values (names, objects) rather than as escaped JSON.
JSON_COLUMNS: dict[str, tuple[str, ...]] = {
    "articles": ("authors", "tags", "extraction", "discovery", "blocks"),
    "article_versions": ("changed",),
    "crawls": ("sites", "notes"),
    "sites": ("start_urls",),
    "frontier": ("hint",),
    "pages": ("headers",),
}


def schema_state(db: sqlite_utils.Database) -> tuple[list[str], list[str]]:
    """The migrations ``db`` records that this version does not know (a newer newsarchive
    wrote it), and those it lacks (an older one did). Reads only; raises sqlite3's
    DatabaseError for a file that is not a database."""
    db.execute("select count(*) from sqlite_master").fetchone()
    known = {m.name for m in MIGRATIONS.pending(sqlite_utils.Database(memory=True))}
    applied = [m.name for m in MIGRATIONS.applied(db)]
    return [n for n in applied if n not in known], [m.name for m in MIGRATIONS.pending(db)]


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
    """Near-duplicate clustering (scraper/store/dedup.py) and a view of each article's copies."""
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
    """Near-duplicate candidates are looked up by month (``dedupschema.WINDOW_MONTHS``): the LSH
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
    """Raw pages compressed with a zstd dictionary trained per site (scraper/store/pages.py)."""
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
def m009_body_blocks(db: sqlite_utils.Database) -> None:
    """``articles.blocks``: the kind of each block of ``text`` (``vocab.BLOCK_KINDS``), so
    that subheadings read as subheadings; empty for articles archived before (``newsarchive
    reparse`` fills it in from the stored pages)."""
    db["articles"].add_column("blocks", str)


@MIGRATIONS()
def m010_copies_once(db: sqlite_utils.Database) -> None:
    """The ``copies`` view lists each pair of copies once (the earlier archived article
    first) instead of once from each side; one article's copies are the canned query
    ``copies_of_article`` and its page."""
    db.execute("drop view if exists copies")
    db.execute("""
        create view copies as
        select a.id as article_id, a.site as article_site, a.title as article_title,
               b.id as copy_id, b.site, b.title, b.url, b.published, b.first_seen,
               case when b.duplicate_of = a.id or a.duplicate_of = b.id
                    or b.content_hash = a.content_hash then 'exact' else 'near' end as kind,
               (select n.similarity from near_duplicates n
                where (n.article_id = a.id and n.other_id = b.id)
                   or (n.article_id = b.id and n.other_id = a.id)) as similarity
        from articles a join articles b on b.cluster_id = a.cluster_id and b.id > a.id
        where a.cluster_id is not null""")


@MIGRATIONS()
def m011_url_rules_of_peers(db: sqlite_utils.Database) -> None:
    """The URL rules changed (``scraper/urls.py``): query names and values read as a form
    reads them (``+`` is ``%20``, ``%28`` is ``(``), sub-delimiters decoded in paths, ``//``
    folded, more tracking parameters, ``/amp`` and ``/print`` removed only after an article's
    URL. Stored lookup keys are recomputed from the key itself (so that a site's own host and
    trailing-slash policies stay applied), or from the URL where the old rules removed a
    view suffix the new ones keep; keys none of these rules touch are not read."""
    for table, column, pk in (("article_urls", "canonical", "url"), ("links", "target_url", "id")):
        rows = db.execute(
            f"select {pk}, url, {column} from {table} where {column} like '%?%' "
            f"or {column} like '%\\%%' escape '\\' or instr(substr({column}, 9), '//') > 0 "
            f"or url like '%/amp%' or url like '%/print%'").fetchall()
        updates = []
        for key, url, old in rows:
            fresh = canonical_url(url or "")
            new = fresh if view_of(fresh) else canonical_url(old or "")
            if new != old:
                updates.append((new, key))
        db.conn.executemany(f"update {table} set {column} = ? where {pk} = ?", updates)


@MIGRATIONS()
def m012_article_page_parts(db: sqlite_utils.Database) -> None:
    """Every page of a multi-page article is stored: later pages name the article's first
    page (``part_of``) and their number (``part``), so ``reparse`` rebuilds the whole text."""
    db["pages"].add_column("part_of", int)
    db["pages"].add_column("part", int)
    db["pages"].create_index(["part_of"])


@MIGRATIONS()
def m013_dedup_samples(db: sqlite_utils.Database) -> None:
    """Near-duplicate candidates are verified from a bottom-k sample of each text stored in
    ``minhashes`` (``scraper/store/dedupsample.py``) instead of re-shingling their texts;
    articles indexed before get theirs the first time they are candidates."""
    migrate_samples(db)


@MIGRATIONS()
def m014_warc_shards(db: sqlite_utils.Database) -> None:
    """The WARC shards merged into the archive (``newsarchive merge-shards``): one row per
    shard, written in the transaction that merged it, so that a rerun adds nothing twice.
    ``key`` names the shard's content: its source, size or ETag, and the site files'
    hash (``scraper/warc/shard.py``)."""
    db["warc_shards"].create(
        {"key": str, "source": str, "shard": str, "crawl_id": int, "records": int,
         "articles": int, "merged_at": str},
        pk="key", foreign_keys=[("crawl_id", "crawls", "id")])


@MIGRATIONS()
def m015_lsh_recent(db: sqlite_utils.Database) -> None:
    """New LSH keys are written to a small table, moved to ``lsh_bands`` in key order every
    ``lshbands.RECENT_LIMIT`` rows (``scraper/store/lshbands.py``): the big table's random
    leaves are then written once for many keys. An archive made before simply starts empty."""
    create_recent(db)


# m016: which of two frontier rows of one URL is kept (the further one: fetched to the end,
# then failed, then only discovered; the later fetch among equals).
_FRONTIER_PROGRESS = {"done": 2, "failed": 1}


@MIGRATIONS()
def m016_frontier_keys(db: sqlite_utils.Database) -> None:
    """m011 recomputed the lookup keys of ``article_urls`` and ``links`` but not the
    frontier's own key (its ``url``): a URL found again after the upgrade missed its row, so
    it was fetched again without its validators and its old row stayed due. The keys the
    rules of m011 change are recomputed from the key itself (as m011 does); where both
    spellings have a row, the further one is kept, under the new key."""
    rows = db.execute(
        "select url, state, last_fetched from frontier where url like '%?%' "
        "or url like '%\\%%' escape '\\' or instr(substr(url, 9), '//') > 0").fetchall()
    for old, state, fetched in rows:
        new = canonical_url(old)
        if new == old:
            continue
        there = db.execute("select state, last_fetched from frontier where url = ?",
                           [new]).fetchone()
        if there is not None:
            if _progress(*there) >= _progress(state, fetched):
                db.execute("delete from frontier where url = ?", [old])
                continue
            db.execute("delete from frontier where url = ?", [new])
        db.execute("update frontier set url = ? where url = ?", [new, old])


def _progress(state: str | None, fetched: str | None) -> tuple[int, str]:
    return _FRONTIER_PROGRESS.get(state or "", 0), fetched or ""
