"""The archive's read side: what the crawl, reparse and the commands look up.

``ArchiveReads`` holds the queries that only read (``Archive`` adds the writes), so that
the write path, which a crawl's speed depends on, reads in one sitting in ``archive.py``.
It needs ``self.db`` (the open archive) and keeps one ``PageReader``, so that each page
dictionary is loaded once.
"""

from __future__ import annotations

from typing import Any

from ..sqlite import sqlite_utils
from .pages import PageDictionary, PageReader

__all__ = ["ArchiveReads"]


class ArchiveReads:
    """Read-only queries of the archive (``Archive`` is the class to use)."""

    db: sqlite_utils.Database
    _pages: PageReader | None = None

    def _page_reader(self) -> PageReader:
        if self._pages is None:  # one reader per archive: each dictionary is loaded once
            self._pages = PageReader(self.db.conn)
        return self._pages

    def page_dictionary(self, site: str) -> PageDictionary | None:
        """The site's newest page dictionary (scraper/store/pages.py), if one was trained."""
        row = self.db.execute("select id, dictionary from page_dictionaries where site = ? "
                              "order by id desc limit 1", [site]).fetchone()
        return PageDictionary(row[0], row[1]) if row else None

    def page_samples(self, site: str, limit: int) -> list[bytes]:
        """The site's newest pages stored without a dictionary (zstd), as stored: what its
        dictionary is trained on, across runs when one run brings too few pages."""
        return [body for (body,) in self.db.execute(
            "select body from pages where site = ? and compression = 'zstd' and "
            "dictionary_id is null order by id desc limit ?", [site, limit])]

    def recent_crawls(self, limit: int = 10) -> list[dict[str, Any]]:
        return list(self.db["crawls"].rows_where(order_by="id desc", limit=limit))

    def article_ids(self, sites: list[str]) -> list[tuple[str, int]]:
        """(site, id) of every article of ``sites``, by site then id."""
        marks = ", ".join("?" * len(sites))
        return [tuple(row) for row in self.db.execute(
            f"select site, id from articles where site in ({marks}) order by site, id", sites)]

    def article_counts(self, exclude: list[str] = ()) -> dict[str, int]:
        """Articles per site, for every site not in ``exclude``."""
        marks = ", ".join("?" * len(exclude))
        return dict(self.db.execute(f"select site, count(*) from articles where site not in "
                                    f"({marks}) group by site", list(exclude)).fetchall())

    def stored_page(self, article_id: int) -> dict[str, Any] | None:
        """The raw page an article was extracted from, as fetched (``body`` decompressed),
        with the frontier depth it was found at and whether later pages were joined to it
        (``continuation``: their count), or None when no page is stored."""
        cursor = self.db.execute(
            "select p.id, p.url, p.final_url, p.status, p.headers, p.body, p.compression, "
            "p.dictionary_id, p.fetched_at, f.depth, "
            "(select count(*) from article_urls u where u.article_id = a.id "
            "and u.source = 'next-page') as continuation "
            "from articles a join pages p on p.id = a.page_id "
            "left join frontier f on f.url = p.url where a.id = ?", [article_id])
        row = cursor.fetchone()
        if row is None:
            return None
        page = dict(zip([c[0] for c in cursor.description], row, strict=True))
        page["body"] = self._page_reader().body(page.pop("body"), page.pop("compression"),
                                        page.pop("dictionary_id"))
        return page

    def stored_parts(self, page_id: int) -> list[dict[str, Any]]:
        """The later pages stored with an article's first page ``page_id``, in order, each
        with ``url``, ``final_url``, ``headers`` and ``body`` (decompressed); none in
        archives from before migration m012."""
        pages = self._page_reader()
        return [{"url": url, "final_url": final_url, "headers": headers,
                 "body": pages.body(body, compression, dictionary_id)}
                for url, final_url, headers, body, compression, dictionary_id in self.db.execute(
                    "select url, final_url, headers, body, compression, dictionary_id from pages "
                    "where part_of = ? order by part", [page_id])]

    def duplicate_summary(self) -> dict[str, int]:
        """Clusters, the articles in them, those spanning several sites, exact copies."""
        clusters, in_clusters, sites = self.db.execute(
            "select count(*), coalesce(sum(size), 0), coalesce(sum(sites > 1), 0) "
            "from clusters").fetchone()
        exact = self.db.execute(
            "select count(*) from articles where duplicate_of is not null").fetchone()[0]
        return {"clusters": clusters, "in_clusters": in_clusters, "multi_site": sites,
                "exact_copies": exact}

    def frontier_get(self, url: str) -> dict[str, Any] | None:
        """The frontier row of a canonical URL, if it was ever discovered."""
        cursor = self.db.execute("select * from frontier where url = ?", [url])
        row = cursor.fetchone()
        return dict(zip([c[0] for c in cursor.description], row, strict=True)) if row else None

    def frontier_due(self, site: str, recent_since: str) -> list[dict[str, Any]]:
        """URLs a run of ``site`` starts from: unfinished ones (a killed or failed run),
        every sitemap and feed, and articles published since ``recent_since``."""
        cursor = self.db.execute(
            "select f.* from frontier f left join articles a on a.id = f.article_id "
            "where f.site = ? and (f.state in ('pending', 'failed') "
            "or f.kind in ('sitemap', 'feed') or a.published >= ?) order by f.rowid",
            [site, recent_since],
        )
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def frontier_listings(self, site: str, max_depth: int, limit: int) -> list[tuple[str, int]]:
        """(url, depth) of pages of ``site`` once fetched as listings (``not_article``) at
        depth 1 to ``max_depth`` that answered 200 or 304 last time: its hub candidates
        (scraper/crawler/hubs.py), shallowest and oldest first."""
        return [tuple(row) for row in self.db.execute(
            "select f.url, f.depth from frontier f where f.site = ? and f.kind = 'page' "
            "and f.article_id is null and f.state = 'done' and f.depth between 1 and ? "
            "and f.last_status in (200, 304) and exists (select 1 from fetches x "
            "where x.url = f.url and x.outcome = 'not_article') order by f.depth, f.rowid "
            "limit ?", [site, max_depth, limit])]

