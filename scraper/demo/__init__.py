"""The bundled demo: a tagDiv news site rendered to files (``site``, ``templates``), served
on 127.0.0.1 (``siteserver``), crawled by ``newsarchive demo`` (``run``); ``synthetic``
makes larger sites of the same markup for tests and benchmarks, ``sections`` a site without
sitemap or feed whose articles are listed on section pages only."""

from .run import SITE_FILE, run_demo
from .sections import add_section_articles, render_section_site, section_data
from .site import (
    DEMO_ORIGIN,
    POSTS_PER_PAGE,
    load_demo_articles,
    load_demo_data,
    render_demo_site,
)
from .siteserver import SiteServer, serve_site
from .synthetic import add_articles, edit_articles, synthetic_data

__all__ = [
    "DEMO_ORIGIN", "POSTS_PER_PAGE", "SITE_FILE", "SiteServer", "add_articles",
    "add_section_articles", "edit_articles", "load_demo_articles", "load_demo_data",
    "render_demo_site", "render_section_site", "run_demo", "section_data", "serve_site",
    "synthetic_data",
]
