"""Parquet for analysts: typed columns that pandas, Polars and DuckDB read without casts.

The archive keeps dates as ISO 8601 text with the page's own offset and the JSON columns as
text. Here ``published``, ``modified``, ``first_seen`` and ``last_seen`` become timestamps
in UTC (``timestamp[us, tz=UTC]``); the offset the page wrote (``+02:00`` -> 120) is kept in
``published_offset`` and ``modified_offset`` (minutes east of UTC, null when the page gave
none), so local time is one addition away and nothing the page said is lost. Authors, tags
and block kinds are lists of strings; ``extraction``, ``discovery``, ``links`` and ``urls``
are structs and lists of structs. Rows are written in bounded row groups (memory stays flat).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import IO, Any

from ..errors import ExportError
from ..sqlite import sqlite3
from .schema import JSON_COLUMNS

__all__ = ["OFFSET_COLUMNS", "TIMESTAMP_COLUMNS", "write_parquet"]

TIMESTAMP_COLUMNS = ("published", "modified", "first_seen", "last_seen")
OFFSET_COLUMNS = {"published": "published_offset", "modified": "modified_offset"}


def _schema(pa: Any, names: list[str], declared: dict[str, str]) -> Any:
    strings = pa.list_(pa.string())
    stamp = pa.timestamp("us", tz="UTC")
    special = {
        "authors": strings, "tags": strings, "blocks": strings,
        "extraction": pa.struct([("sources", pa.map_(pa.string(), pa.string())),
                                 ("warnings", strings), ("selector_misses", strings)]),
        "discovery": pa.struct([
            ("source", pa.string()), ("found_in", pa.string()), ("lastmod", pa.string()),
            ("title", pa.string()), ("keywords", pa.string()), ("authors", strings),
            ("also", pa.list_(pa.struct([("source", pa.string()),
                                         ("found_in", pa.string())])))]),
        "links": pa.list_(pa.struct([
            ("kind", pa.string()), ("position", pa.int64()), ("title", pa.string()),
            ("url", pa.string()), ("teaser", pa.string()), ("heading", pa.string()),
            ("target_url", pa.string()), ("target_article_id", pa.int64())])),
        "urls": pa.list_(pa.struct([("url", pa.string()), ("source", pa.string()),
                                    ("first_seen", stamp)])),
        **{name: stamp for name in TIMESTAMP_COLUMNS},
    }
    types = {"INTEGER": pa.int64(), "REAL": pa.float64(), "FLOAT": pa.float64()}
    fields = []
    for name in names:
        fields.append((name, special.get(name) or types.get(declared.get(name, ""),
                                                             pa.string())))
        if name in OFFSET_COLUMNS:
            fields.append((OFFSET_COLUMNS[name], pa.int32()))
    return pa.schema(fields)


def moment(value: str | None) -> tuple[datetime | None, int | None]:
    """ISO 8601 text -> (the instant in UTC, the offset it was written with in minutes).

    A date or a time without an offset is read as UTC with no offset; text that is not ISO
    8601 gives (None, None) rather than a guess."""
    if not value:
        return None, None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None, None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC), None
    offset = parsed.utcoffset()
    return parsed.astimezone(UTC), int(offset.total_seconds() // 60) if offset else 0


def _typed(record: dict[str, Any]) -> dict[str, Any]:
    for name in (*JSON_COLUMNS["articles"], "links", "urls"):
        if isinstance(record.get(name), str):
            record[name] = json.loads(record[name])
    for name in ("authors", "tags", "blocks", "links", "urls"):
        record[name] = record.get(name) or []
    for name in TIMESTAMP_COLUMNS:
        record[name], offset = moment(record.get(name))
        if name in OFFSET_COLUMNS:
            record[OFFSET_COLUMNS[name]] = offset
    for url in record["urls"]:
        url["first_seen"] = moment(url.get("first_seen"))[0]
    return record


def write_parquet(fh: IO[bytes], cursor: sqlite3.Cursor, records: Iterable[dict[str, Any]],
                  batch_rows: int) -> int:
    """Write ``records`` (rows of ``cursor``) to ``fh``; returns how many."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ExportError("Parquet needs pyarrow: pip install 'newsarchive[parquet]'") from exc
    declared = {row[1]: (row[2] or "").upper() for row in
                cursor.connection.execute("pragma table_info(articles)")}
    schema = _schema(pa, [c[0] for c in cursor.description], declared)
    count = 0
    with pq.ParquetWriter(fh, schema, compression="zstd") as writer:
        batch: list[dict[str, Any]] = []
        for record in records:
            batch.append(_typed(record))
            if len(batch) >= batch_rows:
                writer.write_table(pa.Table.from_pylist(batch, schema))
                count += len(batch)
                batch.clear()
        if batch:
            writer.write_table(pa.Table.from_pylist(batch, schema))
            count += len(batch)
    return count
