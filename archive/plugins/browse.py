"""The archive as an analyst scans it: any archive file served as ``news``, values in cells,
article ids as links, the home page in reading order.

- Any archive, any file name: metadata.yml describes the database ``news``, and templates
  are named after it; at startup the first database holding an archive (``articles`` and
  newsarchive's migrations) is served under that name when no ``news`` is served already,
  so ``newsarchive serve --db other/corpus.db`` reads like ``datasette archive/``.
- JSON columns (``scraper.store.schema.JSON_COLUMNS``) show their values: authors and tags
  as names, objects as JSON with their characters (``’``, not ``\\u2019``).
- In query results (canned queries and SQL alike) and in the ``copies`` view, columns named
  ``article_id``, ``copy_id``, ``source_id``, ``target_id`` and ``target_article_id`` hold
  article ids and link to the article's page; a title beside one links there too. Tables
  already link their foreign keys themselves.

Every value is escaped (crawled text never becomes markup).
"""

from __future__ import annotations

import json
from typing import Any

from datasette import hookimpl
from markupsafe import Markup, escape

from scraper.store.schema import JSON_COLUMNS

ARCHIVE_NAME = "news"
ARCHIVE_TABLES = {"articles", "_sqlite_migrations"}
ARTICLE_IDS = ("article_id", "copy_id", "source_id", "target_id", "target_article_id")
# A title column -> the id columns (first present wins) of the article it names.
TITLES = {"title": ("copy_id", "article_id"), "article_title": ("article_id",),
          "source_title": ("source_id",), "target_title": ("target_id",)}
# The home page and the database page list an archive's tables in the order a reader wants them.
READING_ORDER = ("articles", "links", "article_versions", "article_urls", "copies",
                 "clusters", "crawls", "sites", "fetches", "frontier")


@hookimpl
def startup(datasette: Any) -> Any:
    async def serve_archive_as_news() -> None:
        if ARCHIVE_NAME in datasette.databases:
            return
        for name, db in list(datasette.databases.items()):
            if db.is_memory or name.startswith("_"):
                continue
            if set(await db.table_names()) >= ARCHIVE_TABLES:
                datasette.remove_database(name)
                datasette.add_database(db, name=ARCHIVE_NAME)
                return

    return serve_archive_as_news


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    env.filters["json_list"] = json_list
    env.filters["reading_order"] = reading_order


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str,
                datasette: Any) -> Any:
    if database != ARCHIVE_NAME or value is None:
        return None
    if table is None or table == "copies":
        target = value if column in ARTICLE_IDS else _titled(row, column)
        if target not in (None, ""):
            href = datasette.urls.row(database, "articles", str(target))
            return Markup(f'<a href="{escape(href)}">{escape(value)}</a>')
    if table and column in JSON_COLUMNS.get(table, ()) and isinstance(value, str):
        return json_cell(value)
    return None


def _titled(row: Any, column: str) -> Any:
    keys = row.keys()
    for id_column in TITLES.get(column, ()):
        if id_column in keys:
            return row[id_column]
    return None


def json_cell(value: str) -> str:
    """A list of names as ``a, b``; any other JSON value compact, its characters unescaped."""
    try:
        data = json.loads(value)
    except ValueError:
        return value
    if isinstance(data, list) and all(isinstance(item, str | int | float) for item in data):
        return ", ".join(str(item) for item in data)
    return json.dumps(data, ensure_ascii=False, separators=(", ", ": "))


def json_list(value: Any) -> list[str]:
    """A JSON array column as a list of strings (``[]`` for anything else)."""
    try:
        data = json.loads(value or "[]")
    except (TypeError, ValueError):
        return []
    return [str(item) for item in data] if isinstance(data, list) else []


def reading_order(tables: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rank = {name: i for i, name in enumerate(READING_ORDER)}
    return sorted(tables, key=lambda t: rank.get(t["name"], len(rank)))
