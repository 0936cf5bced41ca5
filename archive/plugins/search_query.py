"""Every search box of the archive means what ``newsarchive export -q`` means.

One translation, ``scraper.search.fts_query``, for:

- Datasette's table search (``?_search=``) and datasette-search-all, which calls it for
  each table: Datasette runs ``escape_fts(:search)`` on the query (``searchmode`` is not
  ``raw`` in metadata.yml); this plugin registers its own ``escape_fts`` on every
  connection, after Datasette's (``trylast``), so ``Al-Qaeda`` is the word, not a column.
- the ranked ``search`` canned query, whose SQL calls ``fts_query(:q, :advanced)``.

The advanced switch keeps FTS5 syntax for those who write it on purpose: the ``advanced``
box of the ranked search, ``?_searchmode=raw`` on a table (Datasette's own switch),
``--advanced`` for exports. A browser never shows an SQL error for a query: an advanced
query FTS5 refuses is searched as plain words (the ranked search says so), and a table
search in raw mode whose query FTS5 refuses falls back to the plain search.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl

from scraper.errors import QuerySyntaxError
from scraper.search import check_fts_syntax, fts_query

ON = ("1", "on", "true", "yes")


def browser_query(text: str | None, advanced: Any = None) -> str:
    """The FTS5 query for a search box; never raises (an SQL function must not)."""
    if str(advanced or "").strip().lower() in ON:
        try:
            return fts_query(text, advanced=True)
        except QuerySyntaxError:
            pass
    return fts_query(text)


def syntax_note(text: str | None, advanced: Any = None) -> str:
    """Why an advanced query was searched as plain words, or '' when it was not."""
    if not text or str(advanced or "").strip().lower() not in ON:
        return ""
    try:
        check_fts_syntax(text)
    except QuerySyntaxError:
        return f"{text} is not valid FTS5 syntax (AND, OR and NOT need words on both sides)"
    return ""


@hookimpl(trylast=True)
def prepare_connection(conn: Any) -> None:
    conn.create_function("escape_fts", 1, lambda text: fts_query(text), deterministic=True)
    conn.create_function("fts_query", 2, browser_query, deterministic=True)


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    env.filters["fts_syntax_note"] = syntax_note


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    """Table searches as a search box means them: a blank ``_search`` is no search (not a
    search for nothing), and ``_searchmode=raw`` with a query FTS5 refuses is dropped (the
    plain search runs instead of an SQL error)."""

    def wrap(app: Any) -> Any:
        async def forgiving_search(scope: dict, receive: Any, send: Any) -> None:
            query = scope.get("query_string", b"") if scope.get("type") == "http" else b""
            if b"_search" in query:
                pairs = parse_qsl(query.decode("utf-8", "replace"), keep_blank_values=True)
                kept = [(k, v) for k, v in pairs
                        if not (_is_search(k) and not v.strip())]
                if ("_searchmode", "raw") in kept and any(
                        syntax_note(v, "on") for k, v in kept if _is_search(k)):
                    kept = [(k, v) for k, v in kept if k != "_searchmode"]
                if kept != pairs:
                    scope = {**scope, "query_string": urlencode(kept).encode()}
            await app(scope, receive, send)

        return forgiving_search

    return wrap


def _is_search(key: str) -> bool:
    return key.startswith("_search") and key != "_searchmode"
