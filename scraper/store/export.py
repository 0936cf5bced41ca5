"""``newsarchive export``: take a corpus out of the archive into an analyst's own tools.

Formats: JSON Lines (one article per line, every column, JSON columns decoded, its links and
URLs nested), CSV (the article columns as stored; a UTF-8 BOM on request, for Excel), Parquet
(typed columns: tz-aware timestamps with the page's own UTC offset beside them, lists and
structs for the JSON columns, so pandas and DuckDB read it without casts; needs the
``parquet`` extra) and WARC (the stored raw responses, so that any web-archive tool can
re-process the corpus; needs the ``warc`` extra).

A filter naming a site, section, author or tag the archive does not hold is refused with
the names it does hold (an empty corpus written with success is a typo nobody notices).
Sections, authors and tags match whatever their case; the full-text query means what
``scraper.search.fts_query`` makes of it, as in every search box of the archive.

Exports stream: one SQL cursor is read row by row (links and URLs are aggregated per row by
SQLite), and Parquet is written in bounded row groups, so memory stays flat whatever the size
of the archive. The file is written beside its destination and renamed when complete, so a
failed export never leaves half a file under the expected name.

``--since-last-export`` keeps, per named export stream, the highest article and version ids
it has seen in the ``exports`` table (migration m005). Ids, unlike timestamps, are allocated
in commit order, so an article committed by a crawl while an export runs is never skipped.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from http import HTTPStatus
from pathlib import Path
from typing import IO, Any

from ..errors import ExportError, QuerySyntaxError
from ..search import fts_query
from ..sqlite import sqlite3
from .archive import Archive, utcnow
from .pages import PageReader
from .schema import JSON_COLUMNS

__all__ = ["FORMATS", "ExportFilters", "export_articles"]

FORMATS = ("jsonl", "csv", "parquet", "warc")
PARQUET_BATCH = 1000  # rows per Parquet row group: bounds memory, keeps files scannable
# Headers describing the transfer, not the stored (already decoded) body: replaying them
# would make WARC readers decompress or cut the body again. Kept as X-Archive-Orig-*.
TRANSFER_HEADERS = ("content-encoding", "transfer-encoding", "content-length")

_NESTED = """,
    (select json_group_array(json_object(
        'kind', l.kind, 'position', l.position, 'title', l.title, 'url', l.url,
        'teaser', l.teaser, 'heading', l.heading, 'target_url', l.target_url,
        'target_article_id', l.target_article_id))
     from links l where l.article_id = a.id) as links,
    (select json_group_array(json_object('url', u.url, 'source', u.source,
        'first_seen', u.first_seen))
     from article_urls u where u.article_id = a.id) as urls"""


@dataclass
class ExportFilters:
    """Which articles to export; every given filter must hold (lists: any of their values)."""

    sites: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()  # any case
    authors: tuple[str, ...] = ()  # any case
    tags: tuple[str, ...] = ()  # any case
    languages: tuple[str, ...] = ()  # "en" also matches "en-US"
    date_from: date | None = None  # inclusive, on ``date_field``
    date_to: date | None = None  # inclusive
    date_field: str = "published"  # or first_seen
    query: str | None = None  # full-text query over title and text (scraper.search)
    advanced: bool = False  # ``query`` is FTS5 syntax
    dedup: bool = False  # one article per duplicate cluster
    since_last_export: bool = False
    name: str = "default"  # the export stream whose state --since-last-export uses

    def describe(self) -> dict[str, Any]:
        """The filters as JSON-ready values (recorded in the WARC's warcinfo record)."""
        given = {k: v for k, v in vars(self).items() if v not in ((), None, False)}
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in given.items()}


def export_articles(db_path: Path, output: str, fmt: str,
                    filters: ExportFilters | None = None, *, csv_bom: bool = False) -> int:
    """Write the selected articles to ``output`` (``-`` is stdout for jsonl and csv);
    ``csv_bom`` starts a CSV with a UTF-8 byte-order mark (Excel reads UTF-8 only then).

    Returns the number of articles written; records the stream's state on success.
    Raises ExportError for a filter naming what the archive does not hold.
    """
    filters = filters or ExportFilters()
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    if output == "-" and fmt not in ("jsonl", "csv"):
        raise ExportError(f"{fmt} cannot be written to stdout: give a file name")
    if output != "-" and not Path(output).parent.is_dir():
        raise ExportError(f"cannot write {output}: no directory {Path(output).parent}")
    writer = {"jsonl": _write_jsonl, "csv": _write_csv, "parquet": _write_parquet,
              "warc": _write_warc}[fmt]
    # Read-only unless the stream's state is to be recorded: an archive the user may not
    # write (a shared, root-owned one) still exports.
    with Archive(db_path, readonly=not filters.since_last_export) as archive:
        conn = archive.db.conn
        conn.create_function("casefold", 1, _casefold, deterministic=True)
        _check_names(conn, filters)
        where, params, marks = _selection(conn, filters)
        if where != "1":
            # The ids first, then the rows in id order: sorting the selected rows themselves
            # needs a temporary B-tree of whole rows, which SQLite builds with TEMP_STORE=3
            # (pysqlite3-binary's) keep in memory: 209 MB peak against 53 for 24,615
            # articles of one site out of a million (bench/archive_scale.py's archive).
            where = f"a.id in (select a.id from articles a where {where})"
        if fmt == "warc":
            sql = ("select a.id, a.url, p.id as page_id, p.url as page_url, p.final_url, "
                   "p.status, p.headers, p.body, p.compression, p.dictionary_id, p.fetched_at "
                   "from articles a "
                   "join pages p "
                   f"on p.id = a.page_id where {where} order by a.id")
        else:
            sql = f"select a.*{_NESTED if fmt != 'csv' else ''} from articles a " \
                  f"where {where} order by a.id"
        try:
            cursor = conn.execute(sql, params)
            count = _to_output(output, fmt, lambda fh: writer(fh, cursor, filters),
                               bom=csv_bom and fmt == "csv")
        except sqlite3.OperationalError as exc:
            raise ExportError(f"the export query failed: {exc}") from exc
        except OSError as exc:  # permission denied, disk full
            raise ExportError(f"cannot write {output}: {exc.strerror or exc}") from exc
        if marks is not None:
            with conn:
                conn.execute(
                    "insert or replace into exports (name, last_article_id, last_version_id, "
                    "format, path, articles, exported_at) values (?, ?, ?, ?, ?, ?, ?)",
                    [filters.name, *marks, fmt, output, count, utcnow()])
    return count


def _selection(conn: sqlite3.Connection,
               f: ExportFilters) -> tuple[str, list[Any], tuple[int, int] | None]:
    """The WHERE clause over ``articles a``, its parameters, and the new incremental marks."""
    clauses, params = ["1"], []

    def any_of(column: str, values: tuple[str, ...]) -> None:
        clauses.append(f"{column} in ({', '.join('?' * len(values))})")
        params.extend(values)

    if f.sites:
        any_of("a.site", f.sites)
    if f.sections:
        any_of("casefold(a.section)", tuple(map(_casefold, f.sections)))
    for column, values in (("authors", f.authors), ("tags", f.tags)):
        if values:
            clauses.append(f"exists (select 1 from json_each(a.{column}) where "
                           f"casefold(value) in ({', '.join('?' * len(values))}))")
            params.extend(map(_casefold, values))
    if f.languages:
        clauses.append("(" + " or ".join(
            "lower(a.language) = lower(?) or lower(a.language) like lower(?) || '-%'"
            for _ in f.languages) + ")")
        params.extend(v for lang in f.languages for v in (lang, lang))
    if f.date_field not in ("published", "first_seen"):
        raise ExportError(f"dates filter on published or first_seen, not {f.date_field!r}")
    if f.date_from:
        clauses.append(f"a.{f.date_field} >= ?")
        params.append(f.date_from.isoformat())
    if f.date_to:  # ISO strings: everything before the next day, whatever the time zone
        clauses.append(f"a.{f.date_field} < ?")
        params.append((f.date_to + timedelta(days=1)).isoformat())
    if f.query:
        try:
            match = fts_query(f.query, advanced=f.advanced)
        except QuerySyntaxError as exc:
            raise ExportError(str(exc)) from exc
        clauses.append("a.id in (select rowid from articles_fts where articles_fts match ?)")
        params.append(match)
    if f.dedup:  # drop exact copies; of each near-duplicate cluster keep its first non-copy
        clauses.append("a.duplicate_of is null and (a.cluster_id is null or a.id = (select "
                       "min(b.id) from articles b where b.cluster_id = a.cluster_id and "
                       "b.duplicate_of is null))")
    marks = None
    if f.since_last_export:
        row = conn.execute("select last_article_id, last_version_id from exports "
                           "where name = ?", [f.name]).fetchone()
        last_article, last_version = row or (0, 0)
        marks = (conn.execute("select coalesce(max(id), 0) from articles").fetchone()[0],
                 conn.execute("select coalesce(max(id), 0) from article_versions")
                 .fetchone()[0])
        clauses.append("((a.id > ? and a.id <= ?) or a.id in (select article_id from "
                       "article_versions where id > ? and id <= ?))")
        params += [last_article, marks[0], last_version, marks[1]]
    return " and ".join(clauses), params, marks


def _casefold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _check_names(conn: sqlite3.Connection, f: ExportFilters) -> None:
    """ExportError for a site, section, author or tag no article has, naming those that do."""
    lists = {"site": (f.sites, "select distinct site from articles"),
             "section": (f.sections, "select distinct section from articles"),
             "author": (f.authors, "select distinct j.value from articles, "
                                   "json_each(articles.authors) j"),
             "tag": (f.tags, "select distinct j.value from articles, json_each(articles.tags) j")}
    problems = []
    for label, (wanted, sql) in lists.items():
        if not wanted:
            continue
        known = sorted({str(v) for (v,) in conn.execute(sql) if v is not None}, key=str.casefold)
        folded = {_casefold(name) for name in known} if label != "site" else set(known)
        for name in wanted:
            if (_casefold(name) if label != "site" else name) in folded:
                continue
            close = difflib.get_close_matches(name, known, 3, 0.6) or difflib.get_close_matches(
                _casefold(name), [_casefold(k) for k in known], 1, 0.6)
            shown = ", ".join(known[:20]) + (f", ... ({len(known)} in all)"
                                             if len(known) > 20 else "")
            problems.append(f"no {label} named {name!r} in the archive"
                            + (f" (did you mean {', '.join(map(repr, close))}?)" if close else "")
                            + f"; {label}s: {shown or 'none'}")
    if problems:
        raise ExportError("\n".join(problems))


def _to_output(output: str, fmt: str, write: Any, bom: bool = False) -> int:
    """Run ``write(file)`` on stdout or on ``output``.part, renamed to ``output`` when done."""
    binary = fmt in ("parquet", "warc")
    if output == "-":
        if bom:
            sys.stdout.write("\ufeff")
        return write(sys.stdout)
    target = Path(output)
    partial = target.with_name(target.name + ".part")
    try:
        with (open(partial, "wb") if binary
              else open(partial, "w", encoding="utf-8-sig" if bom else "utf-8",
                        newline="")) as fh:
            count = write(fh)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return count


def _records(cursor: sqlite3.Cursor) -> Iterator[dict[str, Any]]:
    names = [c[0] for c in cursor.description]
    for row in cursor:
        yield dict(zip(names, row, strict=True))


def _decoded(record: dict[str, Any]) -> dict[str, Any]:
    """JSON columns as JSON values (authors and tags as lists, links as objects, ...)."""
    for name in (*JSON_COLUMNS["articles"], "links", "urls"):
        if isinstance(record.get(name), str):
            record[name] = json.loads(record[name])
    return record


def _write_jsonl(fh: IO[str], cursor: sqlite3.Cursor, _: ExportFilters) -> int:
    count = 0
    for record in _records(cursor):
        fh.write(json.dumps(_decoded(record), ensure_ascii=False) + "\n")
        count += 1
    return count


def _write_csv(fh: IO[str], cursor: sqlite3.Cursor, _: ExportFilters) -> int:
    writer = csv.writer(fh)
    writer.writerow([c[0] for c in cursor.description])
    count = 0
    for row in cursor:
        writer.writerow(row)
        count += 1
    return count


def _write_parquet(fh: IO[bytes], cursor: sqlite3.Cursor, _: ExportFilters) -> int:
    from .parquet import write_parquet  # pyarrow is an extra: imported only when asked for

    return write_parquet(fh, cursor, _records(cursor), PARQUET_BATCH)


def _write_warc(fh: IO[bytes], cursor: sqlite3.Cursor, filters: ExportFilters) -> int:
    try:
        from warcio.statusandheaders import StatusAndHeaders
        from warcio.warcwriter import WARCWriter
    except ImportError as exc:
        raise ExportError("WARC needs warcio: pip install 'newsarchive[warc]'") from exc
    writer = WARCWriter(fh, gzip=getattr(fh, "name", "").removesuffix(".part").endswith(".gz"))
    writer.write_record(writer.create_warcinfo_record(
        Path(getattr(fh, "name", "export.warc")).name.removesuffix(".part"),
        {"software": "newsarchive", "format": "WARC File Format 1.0",
         "description": "Stored raw responses of archived articles (bodies as received, "
                        "transfer encodings removed)",
         "newsarchive-filters": json.dumps(filters.describe(), default=str)}))
    count = 0
    pages = PageReader(cursor.connection)
    for record in _records(cursor):
        _write_response(writer, StatusAndHeaders, pages, record, {})
        # The later pages of a multi-page article, each a response of its own marked with
        # its place: a replay has every page the text was made from, and ingest-warc
        # knows them for what they are (vocab.WARC_SKIPS "continuation").
        for part in cursor.connection.execute(
                "select part, url as page_url, final_url, status, headers, body, compression, "
                "dictionary_id, fetched_at from pages where part_of = ? order by part",
                [record["page_id"]]):
            names = ("part", "page_url", "final_url", "status", "headers", "body",
                     "compression", "dictionary_id", "fetched_at")
            page = dict(zip(names, part, strict=True)) | {"id": record["id"]}
            _write_response(writer, StatusAndHeaders, pages, page,
                            {PART_HEADER: str(page["part"])})
        count += 1
    return count


# The WARC header that marks a record as a later page of an article (its number: 2, 3, ...).
PART_HEADER = "WARC-Newsarchive-Part"


def _write_response(writer, status_and_headers, pages: PageReader, record: dict,
                    extra: dict[str, str]) -> None:
    """One stored page as a WARC response record of its article."""
    body = pages.body(record["body"], record["compression"], record["dictionary_id"])
    headers = []
    for name, value in json.loads(record["headers"] or "{}").items():
        if name.lower() in TRANSFER_HEADERS:
            name = f"X-Archive-Orig-{name}"
        headers.append((name, value))
    headers.append(("Content-Length", str(len(body))))
    status = record["status"] or 200
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Unknown"
    warc_date = (record["fetched_at"] or utcnow()).replace("+00:00", "Z")
    writer.write_record(writer.create_warc_record(
        record["final_url"] or record["page_url"], "response", payload=io.BytesIO(body),
        length=len(body),
        http_headers=status_and_headers(f"{status} {phrase}", headers, protocol="HTTP/1.1"),
        warc_headers_dict={"WARC-Date": warc_date,
                           "WARC-Newsarchive-Article-Id": str(record["id"]), **extra}))
