"""Hub pages: the listings a nightly run re-checks so that no new article is missed.

A site without a sitemap or feed announces new articles only on its listing pages: the home
page, section and category pages. Once the home page answers 304, nothing else would lead
the crawl to a section page that changed. So every run re-checks the site's hubs with a
conditional GET (a 304 costs one request and no parse; a 200 is parsed and its new links
followed). The policy:

- **which pages**: pages of the site that an earlier run fetched as a listing (an HTML page
  that is not an article: outcome ``not_article``) and that still answered 200 or 304 last
  time, other than numbered pagination pages (``/page/2/``, ``?page=3``: a listing's head
  is checked, and its further pages are followed from it when it changed). The start URLs
  are hubs too and are fetched every run anyway.
- **how deep**: at most ``recrawl.hub_depth`` link hops from a start URL (default 1: the
  sections and categories the start pages link to).
- **how often**: every run, shallowest first, at most ``recrawl.max_hubs`` of them (default
  50), and within the run's page budget (``limits.max_pages``): a hub costs one page of it,
  and hubs are queued with the articles, ahead of other listing pages.
- **how far down**: listings are newest first, so a page that changed shows what is new at
  its top. Its numbered pagination links (``/page/2/``) are followed only while the page led
  to at least as many new articles as to articles earlier runs archived (skip reason
  ``older_pages``): a section with three new stories costs its first page, not all of them;
  one with a page-full of new stories is followed to the page where they end. A first crawl
  knows no article, so it follows every page.
"""

from __future__ import annotations

import re

from ..config import SiteConfig
from ..store.archive import Archive

__all__ = ["due_hubs", "is_pagination"]

_PAGE_NUMBER = re.compile(r"/page/\d+/?$|[?&](?:page|paged|pg|p)=\d+(?:&|$)")


def is_pagination(url: str) -> bool:
    """A numbered page of a listing (not its head)."""
    return bool(_PAGE_NUMBER.search(url))


def due_hubs(site: SiteConfig, archive: Archive) -> list[tuple[str, int]]:
    """The hubs ``site`` re-checks this run: (URL, depth), shallowest first."""
    if site.max_hubs == 0 or site.hub_depth == 0:
        return []
    rows = archive.frontier_listings(site.name, site.hub_depth, 4 * site.max_hubs)
    return [(url, depth) for url, depth in rows if not is_pagination(url)][:site.max_hubs]
