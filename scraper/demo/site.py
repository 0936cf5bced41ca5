"""The bundled demo site: a fictional city paper, the "Harbourton Herald", rendered to files.

``newsarchive demo`` needs a news site to crawl without touching the internet. This renders
one in the tagDiv "Newspaper" WordPress markup that the ``wordpress-tagdiv`` preset targets,
with everything a crawler meets on the real thing: listings with pagination, an RSS feed,
robots.txt, Yoast sitemaps, AMP duplicates, link widgets and a 404 page. Articles live in
``articles.json`` so their text can be checked against what the crawler extracted; the markup
lives in ``templates``. The output is deterministic (no clock), so tests can rely on it.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from email.utils import format_datetime
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

from . import templates

__all__ = [
    "DEMO_ORIGIN", "POSTS_PER_PAGE", "load_demo_articles", "load_demo_data", "render_demo_site",
    "write_site_files",
]

DEMO_ORIGIN = "https://www.harbourton-herald.example"
# Small on purpose: every section then spans at least two listing pages.
POSTS_PER_PAGE = 2
_LATEST_COUNT = 6
_RELATED_COUNT = 4
_RECOMMENDED_COUNT = 2
_GRID_COUNT = 4
_TOP_STORIES_COUNT = 6
_EXCERPT_WORDS = 20
_NEWS_SITEMAP_COUNT = 10  # Google News sitemaps list only the newest articles
# The pages every page's menus link to (header: About us, Contact; footer: Privacy Policy):
# a site that links to pages it does not have makes every crawl of it report 404s.
_STATIC_PAGES = {
    "about-us": ("About us", [
        "The {name} has covered the city by the estuary since 1887.",
        "Our newsroom reports on the council, the harbour, transport, culture and sport."]),
    "contact": ("Contact", [
        "Write to the newsdesk at {email}.",
        "Letters for publication should include a name and a postal address."]),
    "privacy-policy": ("Privacy Policy", [
        "This website uses cookies to remember your consent and to count visits.",
        "We keep no personal data beyond what you send us; ask the newsdesk at {email}."]),
}
_STYLESHEET = """/* Theme Name: Newspaper (Harbourton Herald demo stub) */
body{font-family:Georgia,serif;margin:0 auto;max-width:1068px}
.td-post-content p{font-size:15px;line-height:26px}
.td-category a,.td-post-category{background:#0b3d5c;color:#fff;padding:2px 6px}
#cookie-law-info-bar{position:fixed;bottom:0}
"""


def _load_data() -> dict[str, Any]:
    text = resources.files("scraper.demo").joinpath("articles.json").read_text(encoding="utf-8")
    return json.loads(text)


def load_demo_data() -> dict[str, Any]:
    """The whole demo data set (site, sections, authors, articles): tests generate bigger or
    changed sites by editing a copy and passing it to ``render_demo_site``."""
    return _load_data()


def load_demo_articles() -> list[dict[str, Any]]:
    """The demo articles as stored in ``articles.json`` (oldest first), for tests to compare."""
    return _load_data()["articles"]


def render_demo_site(dest: Path, data: dict[str, Any] | None = None) -> Path:
    """Write the whole site under ``dest`` (created if needed) and return ``dest``.

    ``data`` replaces the bundled ``articles.json`` (same shape; optional keys
    ``posts_per_page`` and ``feed_items``). Serve the result with
    ``scraper.demo.serve_site(dest)``: ``SITE.json`` tells it the placeholder origin
    to rewrite and the not-found page. Files are written only when their content changed, so
    a re-render keeps the validators (ETag, Last-Modified) of untouched pages.
    """
    dest = Path(dest)
    data = data or _load_data()
    site = _site(data)
    posts = _posts(data, site)  # newest first
    by_slug = {post["slug"]: post for post in posts}
    must_read = [by_slug[slug] for slug in data["must_read"]]
    per_page = data.get("posts_per_page", POSTS_PER_PAGE)
    sidebar = (posts[:_LATEST_COUNT], must_read)
    files: dict[str, str] = {
        "index.html": templates.home_page(
            site, posts[:_GRID_COUNT], posts[_GRID_COUNT:_GRID_COUNT + _TOP_STORIES_COUNT],
            sidebar,
        ),
        "404.html": templates.not_found_page(site, sidebar),
        "feed/index.xml": _feed(site, posts[:data.get("feed_items", len(posts))]),
        "robots.txt": _robots(),
        "sitemap_index.xml": _sitemap_index(posts),
        "post-sitemap.xml": _post_sitemap(posts),
        "news-sitemap.xml": _news_sitemap(site, posts[:_NEWS_SITEMAP_COUNT]),
        "category-sitemap.xml": _category_sitemap(site),
        "wp-content/themes/Newspaper/style.css": _STYLESHEET,
        "SITE.json": json.dumps({"origin": DEMO_ORIGIN, "not_found_page": "404.html"}, indent=2),
    }
    for slug, (title, paragraphs) in _STATIC_PAGES.items():
        files[f"{slug}/index.html"] = templates.static_page(
            site, f"/{slug}/", title, [p.format(**site) for p in paragraphs], sidebar)
    for index, post in enumerate(posts):
        widgets = _widgets(post, posts, must_read)
        widgets["next"] = posts[index - 1] if index > 0 else None
        widgets["previous"] = posts[index + 1] if index + 1 < len(posts) else None
        files[f"{post['slug']}/index.html"] = templates.article_page(site, post, widgets)
        files[f"{post['slug']}/amp/index.html"] = templates.amp_page(site, post)
    for section in site["sections"]:
        members = [post for post in posts if post["section"] == section["slug"]]
        files.update(_listing(site, f"/category/{section['slug']}/", section["name"],
                              f"{section['name']} Archives", members, "archive category",
                              sidebar, per_page))
    for author in data["authors"]:
        members = [post for post in posts if post["author"] == author["slug"]]
        files.update(_listing(site, f"/author/{author['slug']}/", author["name"],
                              f"{author['name']}, Author at", members, "archive author",
                              sidebar, per_page))
    return write_site_files(dest, files)


def write_site_files(dest: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (path under ``dest`` -> text), each only when its content changed: a
    re-render keeps the validators (ETag, Last-Modified) of untouched pages."""
    for name, text in files.items():
        path = dest / name
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return dest


def _site(data: dict[str, Any]) -> dict[str, Any]:
    newest = max(article["published"] for article in data["articles"])
    return {
        **data["site"],
        "origin": DEMO_ORIGIN,
        "sections": data["sections"],
        "date_label": _date_label(newest, weekday=True),
    }


def _posts(data: dict[str, Any], site: dict[str, Any]) -> list[dict[str, Any]]:
    """Articles enriched with everything the templates print, newest first."""
    sections = {section["slug"]: section["name"] for section in data["sections"]}
    authors = {author["slug"]: author for author in data["authors"]}
    oldest_first = sorted(data["articles"], key=lambda article: article["published"])
    posts = []
    for number, article in enumerate(oldest_first, start=1):
        path = f"/{article['slug']}/"
        author = authors[article["author"]]
        first = next(block for block in article["paragraphs"] if isinstance(block, str))
        words = first.split()
        posts.append({
            **article,
            "post_id": 2600 + number,
            "path": path,
            "url": f"{site['origin']}{path}",
            "section_name": sections[article["section"]],
            "section_path": f"/category/{article['section']}/",
            "author_name": author["name"],
            "author_bio": author["bio"],
            "author_path": f"/author/{author['slug']}/",
            "date_label": _date_label(article["published"]),
            "excerpt": " ".join(words[:_EXCERPT_WORDS]) + "..." * (len(words) > _EXCERPT_WORDS),
            "image_base": f"/wp-content/uploads/{article['published'][:4]}/"
                          f"{article['published'][5:7]}/{article['slug'][:40]}",
            "tag_links": [(tag, _slugify(tag)) for tag in article["tags"]],
        })
        posts[-1]["schema"] = _schema_graph(site, posts[-1])
    return posts[::-1]


def _schema_graph(site: dict[str, Any], post: dict[str, Any]) -> dict[str, Any]:
    """The Yoast SEO JSON-LD graph, the richest metadata source an extractor can use."""
    origin, url = site["origin"], post["url"]
    author_hash = hashlib.md5(post["author"].encode(), usedforsecurity=False).hexdigest()
    person_id = f"{origin}/#/schema/person/{author_hash}"
    trail = [("Home", f"{origin}/"), (post["section_name"], f"{origin}{post['section_path']}"),
             (post["title"], url)]
    graph = [
        {"@type": "Organization", "@id": f"{origin}/#organization", "name": site["name"],
         "url": f"{origin}/"},
        {"@type": "WebSite", "@id": f"{origin}/#website", "url": f"{origin}/",
         "name": site["name"], "description": site["tagline"],
         "publisher": {"@id": f"{origin}/#organization"}, "inLanguage": site["language"]},
        {"@type": "WebPage", "@id": f"{url}#webpage", "url": url,
         "name": f"{post['title']} - {site['name']}", "isPartOf": {"@id": f"{origin}/#website"},
         "datePublished": post["published"], "dateModified": post["modified"],
         "description": post["description"], "breadcrumb": {"@id": f"{url}#breadcrumb"},
         "inLanguage": site["language"]},
        {"@type": "BreadcrumbList", "@id": f"{url}#breadcrumb", "itemListElement": [
            {"@type": "ListItem", "position": position,
             "item": {"@type": "WebPage", "@id": item_url, "url": item_url, "name": name}}
            for position, (name, item_url) in enumerate(trail, start=1)
        ]},
        {"@type": "Article", "@id": f"{url}#article", "isPartOf": {"@id": f"{url}#webpage"},
         "author": {"@id": person_id}, "headline": post["title"],
         "datePublished": post["published"], "dateModified": post["modified"],
         "mainEntityOfPage": {"@id": f"{url}#webpage"}, "commentCount": 0,
         "publisher": {"@id": f"{origin}/#organization"}, "keywords": ",".join(post["tags"]),
         "articleSection": post["section_name"], "inLanguage": site["language"]},
        {"@type": "Person", "@id": person_id, "name": post["author_name"]},
    ]
    return {"@context": "https://schema.org", "@graph": graph}


def _widgets(post: dict[str, Any], posts: list[dict[str, Any]],
             must_read: list[dict[str, Any]]) -> dict[str, Any]:
    """What the theme would put around one article: newest others, same-section picks and
    two older stories from other sections that the sidebar does not already show."""
    others = [other for other in posts if other is not post]
    latest = others[:_LATEST_COUNT]
    related = [o for o in others if o["section"] == post["section"]][:_RELATED_COUNT]
    recommended = [
        o for o in others if o["section"] != post["section"] and o not in latest
    ][:_RECOMMENDED_COUNT]
    return {"latest": latest, "must_read": must_read, "related": related,
            "recommended": recommended}


def _listing(site: dict[str, Any], base: str, heading: str, title_prefix: str,
             members: list[dict[str, Any]], body_class: str,
             sidebar: tuple[list[dict[str, Any]], list[dict[str, Any]]],
             per_page: int) -> dict[str, str]:
    pages = max(1, -(-len(members) // per_page))
    files = {}
    for page in range(1, pages + 1):
        page_label = f" - Page {page} of {pages}" if page > 1 else ""
        html = templates.listing_page(
            site, heading=heading, title=f"{title_prefix}{page_label} - {site['name']}",
            base=base, page=page, pages=pages, body_class=body_class, sidebar=sidebar,
            posts=members[(page - 1) * per_page:page * per_page],
        )
        folder = base.strip("/") + ("" if page == 1 else f"/page/{page}")
        files[f"{folder}/index.html"] = html
    return files


def _feed(site: dict[str, Any], posts: list[dict[str, Any]]) -> str:
    items = "".join(
        f"""	<item>
		<title>{escape(post["title"])}</title>
		<link>{post["url"]}</link>
		<comments>{post["url"]}#respond</comments>
		<dc:creator>{_cdata(post["author_name"])}</dc:creator>
		<pubDate>{_rfc822(post["published"])}</pubDate>
		<category>{_cdata(post["section_name"])}</category>
"""
        + "".join(f"\t\t<category>{_cdata(tag)}</category>\n" for tag in post["tags"])
        + f"""		<guid isPermaLink="false">{DEMO_ORIGIN}/?p={post["post_id"]}</guid>
		<description>{_cdata(post["description"])}</description>
		<content:encoded>{_cdata(_content_html(post))}</content:encoded>
	</item>
"""
        for post in posts
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	>
<channel>
	<title>{escape(site["name"])}</title>
	<atom:link href="{DEMO_ORIGIN}/feed/" rel="self" type="application/rss+xml" />
	<link>{DEMO_ORIGIN}</link>
	<description>{escape(site["tagline"])}</description>
	<lastBuildDate>{_rfc822(max(post["modified"] for post in posts))}</lastBuildDate>
	<language>{site["language"]}</language>
{items}</channel>
</rss>
"""


def _content_html(post: dict[str, Any]) -> str:
    return "".join(
        f"<h3>{escape(block['h3'])}</h3>" if isinstance(block, dict) else f"<p>{escape(block)}</p>"
        for block in post["paragraphs"]
    )


def _robots() -> str:
    return f"""User-agent: *
Disallow: /wp-admin/
Allow: /wp-admin/admin-ajax.php
Disallow: /*/print/
Disallow: /?s=

Sitemap: {DEMO_ORIGIN}/sitemap_index.xml
"""


def _sitemap_index(posts: list[dict[str, Any]]) -> str:
    lastmod = max(post["modified"] for post in posts)
    entries = "".join(
        f"\t<sitemap>\n\t\t<loc>{DEMO_ORIGIN}/{name}</loc>\n\t\t<lastmod>{lastmod}</lastmod>\n"
        "\t</sitemap>\n"
        for name in ("post-sitemap.xml", "category-sitemap.xml", "news-sitemap.xml")
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}'
        "</sitemapindex>\n"
    )


def _post_sitemap(posts: list[dict[str, Any]]) -> str:
    oldest_first = posts[::-1]
    entries = "".join(
        f"\t<url>\n\t\t<loc>{post['url']}</loc>\n\t\t<lastmod>{post['modified']}</lastmod>\n"
        f"\t\t<image:image>\n\t\t\t<image:loc>{DEMO_ORIGIN}{post['image_base']}.jpg</image:loc>\n"
        "\t\t</image:image>\n\t</url>\n"
        for post in oldest_first
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/'
        'sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">\n'
        f"\t<url>\n\t\t<loc>{DEMO_ORIGIN}/</loc>\n\t\t<lastmod>{posts[0]['modified']}</lastmod>\n"
        f"\t</url>\n{entries}</urlset>\n"
    )


def _news_sitemap(site: dict[str, Any], posts: list[dict[str, Any]]) -> str:
    """A Google News sitemap of the newest posts, with title, date and keywords."""
    entries = "".join(
        f"\t<url>\n\t\t<loc>{post['url']}</loc>\n\t\t<news:news>\n"
        f"\t\t\t<news:publication><news:name>{escape(site['name'])}</news:name>"
        f"<news:language>en</news:language></news:publication>\n"
        f"\t\t\t<news:publication_date>{post['published']}</news:publication_date>\n"
        f"\t\t\t<news:title>{escape(post['title'])}</news:title>\n"
        f"\t\t\t<news:keywords>{escape(', '.join(post['tags']))}</news:keywords>\n"
        "\t\t</news:news>\n\t</url>\n"
        for post in posts
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/'
        'sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
        f"{entries}</urlset>\n"
    )


def _category_sitemap(site: dict[str, Any]) -> str:
    entries = "".join(
        f"\t<url>\n\t\t<loc>{DEMO_ORIGIN}/category/{section['slug']}/</loc>\n\t</url>\n"
        for section in site["sections"]
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</urlset>\n'
    )


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _rfc822(iso: str) -> str:
    return format_datetime(datetime.fromisoformat(iso))


def _date_label(iso: str, *, weekday: bool = False) -> str:
    moment = datetime.fromisoformat(iso)
    label = f"{moment:%B} {moment.day}, {moment.year}"
    return f"{moment:%A}, {label}" if weekday else label


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
