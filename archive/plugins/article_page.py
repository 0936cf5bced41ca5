"""The article page: the data ``row-news-articles.html`` shows beside the article's own row.

Datasette's row page knows only the row; a reader wants the article's other URLs, its
earlier versions, its duplicates and its link widgets grouped as the page showed them, with
the linked articles opened inside the archive when they are archived. This plugin runs those
few queries (async, read-only) and hands plain values to the template, which escapes them:
nothing here is ever rendered as raw HTML.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from datasette import hookimpl
from datasette.utils import tilde_decode, urlsafe_components

from scraper.vocab import WIDGET_KINDS

# Dedup columns another part of newsarchive may add; shown when present.
DEDUP_COLUMNS = ("cluster_id", "duplicate_of")


@hookimpl
def extra_template_vars(view_name: str, table: str | None, database: str, request: Any,
                        datasette: Any) -> Any:
    if view_name != "row" or table != "articles" or request is None:
        return None

    async def inner() -> dict[str, Any]:
        pks = urlsafe_components(request.url_vars["pks"])
        db = datasette.get_database(route=tilde_decode(request.url_vars["database"]))
        return {"article": await article_context(db, datasette, database, pks[0])}

    return inner


async def _rows(db: Any, sql: str, params: Any) -> list[dict[str, Any]]:
    return [dict(row) for row in (await db.execute(sql, params)).rows]


async def article_context(db: Any, datasette: Any, database: str,
                          article_id: str) -> dict[str, Any] | None:
    """Everything the article page shows, as plain (unescaped) values."""
    rows = await _rows(db, "select * from articles where id = ?", [article_id])
    if not rows:
        return None
    row = rows[0]

    def article_url(target: Any) -> str:
        return datasette.urls.row(database, "articles", str(target))

    table_url = datasette.urls.table(database, "articles")
    authors = _json_list(row.get("authors"))
    return {
        "id": row["id"], "title": row.get("title") or "(untitled)", "site": row.get("site"),
        "section": row.get("section"), "lead": row.get("lead"), "language": row.get("language"),
        "url": safe_href(row.get("url")), "url_text": row.get("url"),
        "version": row.get("version") or 1, "word_count": row.get("word_count"),
        "authors": [(a, _facet_url(table_url, "authors__arraycontains", a)) for a in authors],
        "tags": [(t, _facet_url(table_url, "tags__arraycontains", t))
                 for t in _json_list(row.get("tags"))],
        "site_url": _facet_url(table_url, "site", row.get("site")),
        "section_url": _facet_url(table_url, "section", row.get("section")),
        "dates": [(label, value, readable_date(value)) for label, value in (
            ("Published", row.get("published")), ("Updated", row.get("modified")),
            ("First archived", row.get("first_seen")), ("Last checked", row.get("last_seen")))
            if value],
        "blocks": text_blocks(row.get("text"), row.get("blocks")),
        "aliases": await _rows(
            db, "select url, source, first_seen from article_urls where article_id = ? "
            "order by first_seen, url", [row["id"]]),
        "versions": [
            {**v, "changed": ", ".join(_json_list(v["changed"])),
             "url": datasette.urls.row(database, "article_versions", str(v["id"]))}
            for v in await _rows(
                db, "select id, title, replaced_at, changed, length(text) as chars "
                "from article_versions where article_id = ? order by replaced_at desc",
                [row["id"]])],
        "link_groups": group_links(await _rows(
            db, "select links.kind, links.heading, links.position, links.title, links.url, "
            "links.teaser, links.target_article_id, articles.title as target_title "
            "from links left join articles on articles.id = links.target_article_id "
            "where links.article_id = ? order by links.id", [row["id"]]), article_url),
        "linked_from": [
            {**r, "href": article_url(r["id"])} for r in await _rows(
                db, "select articles.id, articles.title, group_concat(distinct links.kind) "
                "as kinds from links join articles on articles.id = links.article_id "
                "where links.target_article_id = ? group by articles.id "
                "order by articles.published desc limit 50", [row["id"]])],
        "duplicates": await _duplicates(db, row, article_url),
    }


async def _duplicates(db: Any, row: dict[str, Any], article_url: Any) -> dict[str, Any] | None:
    """The article's copies and near-duplicates, when the archive has the dedup columns: the
    article it copies (``duplicate_of``), its copies, and its cluster (``cluster_id``)."""
    if not any(column in row for column in DEDUP_COLUMNS):
        return None
    original, cluster = row.get("duplicate_of"), row.get("cluster_id")
    related = []
    if cluster is not None:
        related.append("cluster_id = :cluster")
    if "duplicate_of" in row:
        related.append("duplicate_of = :id")
    members = await _rows(
        db, "select id, site, title, published from articles where id != :id and ("
        f"{' or '.join(related)}) order by published",
        {"id": row["id"], "cluster": cluster}) if related else []
    for member in members:
        member["href"] = article_url(member["id"])
    return {"cluster_id": cluster, "duplicate_of": original,
            "duplicate_of_href": article_url(original) if original is not None else None,
            "members": [m for m in members if m["id"] != original]}


def text_blocks(text: str | None, kinds: str | None) -> list[tuple[str, str]]:
    """(kind, text) of each block of the article's text: its subheadings as headings, when
    the archive knows the kinds (``articles.blocks``; every block is a paragraph else)."""
    parts = (text or "").split("\n\n")
    listed = _json_list(kinds)
    if len(listed) != len(parts):  # an article archived before blocks were recorded
        listed = ["paragraph"] * len(parts)
    return [(kind, part.strip()) for kind, part in zip(listed, parts, strict=True)
            if part.strip()]


def group_links(links: list[dict[str, Any]], article_url: Any) -> list[dict[str, Any]]:
    """Link-widget items grouped by kind in reading order, each titled as the page did."""
    groups: dict[str, dict[str, Any]] = {}
    for link in links:
        kind = link["kind"] or "other"
        group = groups.setdefault(kind, {"kind": kind, "heading": link["heading"]
                                         or WIDGET_KINDS.get(kind, kind.replace("_", " ")),
                                         "items": []})
        target = link["target_article_id"]
        group["items"].append({
            **link, "href": safe_href(link["url"]),
            "archived_href": article_url(target) if target is not None else None,
        })
    # Widget kinds in reading order (vocab.WIDGET_KINDS); an unknown kind follows, then "other".
    rank = {kind: i for i, kind in enumerate(WIDGET_KINDS) if kind != "other"}
    ordered = sorted(groups.values(),
                     key=lambda g: (g["kind"] == "other", rank.get(g["kind"], len(rank))))
    for group in ordered:
        group["items"].sort(key=lambda item: item["position"] or 0)
    return ordered


def safe_href(url: str | None) -> str | None:
    """Only http(s) URLs from crawled pages become links (never ``javascript:`` and the like)."""
    if url and urlsplit(url).scheme.lower() in ("http", "https"):
        return url
    return None


def readable_date(value: str) -> str:
    """``2026-03-11T08:10:00+00:00`` -> ``11 March 2026, 08:10 +00:00`` (as given if odd)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if len(value) <= 10:
        return f"{moment.day} {moment:%B %Y}"
    zone = moment.strftime(" %z") if moment.tzinfo else ""
    if zone:
        zone = f"{zone[:-2]}:{zone[-2:]}"
    return f"{moment.day} {moment:%B %Y, %H:%M}{zone}"


def _json_list(value: str | None) -> list[str]:
    try:
        data = json.loads(value or "[]")
    except ValueError:
        return [value] if value else []
    return [str(item) for item in data] if isinstance(data, list) else [str(data)]


def _facet_url(table_url: str, column: str, value: str | None) -> str | None:
    return f"{table_url}?{urlencode({column: value})}" if value else None
