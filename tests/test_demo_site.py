"""The bundled demo site, rendered to a temp directory and checked over HTTP."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from scraper.demo import (
    DEMO_ORIGIN,
    POSTS_PER_PAGE,
    SiteServer,
    load_demo_articles,
    render_demo_site,
    serve_site,
)

ARTICLES = load_demo_articles()
SECTIONS = sorted({article["section"] for article in ARTICLES})
DC = "{http://purl.org/dc/elements/1.1/}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    root = render_demo_site(tmp_path_factory.mktemp("demo-site"))
    with serve_site(root) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: SiteServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=10) as http:
        yield http


def page(client: httpx.Client, path: str) -> HTMLParser:
    response = client.get(path)
    assert response.status_code == 200, path
    assert DEMO_ORIGIN not in response.text, f"origin not rewritten in {path}"
    return HTMLParser(response.text)


def widget(tree: HTMLParser, heading: str) -> list[Any]:
    for block in tree.css(".td_block_wrap.td_block_widget"):
        if block.css_first("h4.block-title span").text() == heading:
            return block.css(".td_module_wrap")
    raise AssertionError(f"no widget titled {heading!r}")


def path_of(url: str) -> str:
    return httpx.URL(url).path


def test_articles_json_is_well_formed() -> None:
    slugs = [article["slug"] for article in ARTICLES]
    assert len(slugs) == len(set(slugs)) >= 12
    assert len(SECTIONS) >= 3
    assert len({article["author"] for article in ARTICLES}) == 3
    for article in ARTICLES:
        texts = [block for block in article["paragraphs"] if isinstance(block, str)]
        assert 4 <= len(texts) <= 8, article["slug"]
        assert article["published"].startswith("2026-") and article["published"].endswith("+00:00")
        assert article["modified"] >= article["published"]
        assert article["tags"] and article["description"]
    assert any(isinstance(block, dict) for a in ARTICLES for block in a["paragraphs"])


@pytest.mark.parametrize("article", ARTICLES, ids=lambda article: article["slug"])
def test_article_page(client: httpx.Client, server: SiteServer, article: dict[str, Any]) -> None:
    path = f"/{article['slug']}/"
    tree = page(client, path)
    texts = [block for block in article["paragraphs"] if isinstance(block, str)]
    headings = [block["h3"] for block in article["paragraphs"] if isinstance(block, dict)]

    assert tree.css_first("title").text() == f"{article['title']} - Harbourton Herald"
    assert tree.css_first("h1.entry-title").text() == article["title"]
    assert tree.css_first("body").attributes["class"].split()[2] == "single-post"
    canonical = tree.css_first('link[rel="canonical"]').attributes["href"]
    assert canonical == server.base_url + path
    assert tree.css_first('link[rel="amphtml"]').attributes["href"] == f"{canonical}amp/"
    published = tree.css_first('meta[property="article:published_time"]').attributes["content"]
    assert published == article["published"]
    assert tree.css_first(".td-post-date time").attributes["datetime"] == article["published"]
    assert tree.css_first("ul.td-category li.entry-category a").attributes["href"] == (
        f"/category/{article['section']}/"
    )
    assert tree.css_first(".td-post-author-name a").attributes["href"] == (
        f"/author/{article['author']}/"
    )
    body = tree.css_first(".td-post-content")
    assert [p.text() for p in body.css("p")] == texts
    assert [h.text() for h in body.css("h3")] == headings
    assert body.css_first("figure figcaption").text() == article["title"]
    assert body.css_first("div.td-a-rec") is not None
    assert [a.text() for a in tree.css(".td-tags li a")] == article["tags"]
    assert tree.css_first(".td-social-print").attributes["href"] == f"{path}print/"

    graph = json.loads(tree.css_first("script.yoast-schema-graph").text())["@graph"]
    by_type = {node["@type"]: node for node in graph}
    assert {"Organization", "WebSite", "WebPage", "BreadcrumbList", "Article", "Person"} <= set(
        by_type
    )
    assert by_type["Article"]["headline"] == article["title"]
    assert by_type["Article"]["dateModified"] == article["modified"]
    assert by_type["Article"]["keywords"] == ",".join(article["tags"])
    assert by_type["Article"]["author"]["@id"] == by_type["Person"]["@id"]


@pytest.mark.parametrize("article", ARTICLES, ids=lambda article: article["slug"])
def test_article_widgets(client: httpx.Client, article: dict[str, Any]) -> None:
    tree = page(client, f"/{article['slug']}/")
    by_path = {f"/{a['slug']}/": a for a in ARTICLES}
    own = f"/{article['slug']}/"

    latest = widget(tree, "Latest news")
    assert len(latest) == 6
    assert all(item.css_first(".td-excerpt").text() for item in latest)
    latest_paths = [item.css_first(".entry-title a").attributes["href"] for item in latest]
    newest = sorted((a for a in ARTICLES if a is not article), key=lambda a: a["published"])
    assert latest_paths == [f"/{a['slug']}/" for a in newest[::-1][:6]]

    must_read = widget(tree, "Must read")
    assert len(must_read) == 2
    assert all(item.css_first(".td-excerpt").text() for item in must_read)

    related_block = tree.css_first(".td_block_related_posts")
    assert related_block.css_first(".td-related-left").text() == "You might also like"
    assert related_block.css_first(".td-related-right").text() == "RELATED"
    related = [a.attributes["href"] for a in related_block.css(".entry-title a")]
    assert 1 <= len(related) <= 4 and own not in related
    assert all(by_path[p]["section"] == article["section"] for p in related)

    box = tree.css_first(".td-more-articles-box")
    assert box.css_first(".td-more-articles-box-title").text() == "Recommended to you"
    assert len(box.css(".td_module_wrap")) == 2
    assert tree.css_first("#commentform") and tree.css_first("#cookie-law-info-bar")
    assert tree.css_first(".td-post-next-prev") and tree.css_first(".author-box-wrap")


def test_amp_variant_points_back(client: httpx.Client, server: SiteServer) -> None:
    for article in ARTICLES:
        tree = page(client, f"/{article['slug']}/amp/")
        canonical = tree.css_first('link[rel="canonical"]').attributes["href"]
        assert canonical == f"{server.base_url}/{article['slug']}/"
        assert tree.css_first("h1.entry-title").text() == article["title"]


def test_home_page(client: httpx.Client) -> None:
    tree = page(client, "/")
    assert tree.css_first("title").text().startswith("Harbourton Herald - ")
    assert len(tree.css(".td-big-grid-post")) >= 3
    headings = [span.text() for span in tree.css("h4.block-title span")]
    assert "Top stories" in headings and "Latest news" in headings


@pytest.mark.parametrize("section", SECTIONS)
def test_section_listing_paginates(client: httpx.Client, server: SiteServer, section: str) -> None:
    expected = [f"/{a['slug']}/" for a in sorted(ARTICLES, key=lambda a: a["published"])
                if a["section"] == section][::-1]
    base = f"/category/{section}/"
    pages = -(-len(expected) // POSTS_PER_PAGE)
    assert pages >= 2
    seen: list[str] = []
    path: str | None = base
    previous: str | None = None
    while path:
        tree = page(client, path)
        seen += [a.attributes["href"] for a in tree.css(".td-ss-main-content .entry-title a")]
        prev_link = tree.css_first('link[rel="prev"]')
        assert (path_of(prev_link.attributes["href"]) if prev_link else None) == previous
        assert tree.css_first(".page-nav") is not None
        next_link = tree.css_first('link[rel="next"]')
        previous, path = path, path_of(next_link.attributes["href"]) if next_link else None
    assert previous == f"{base}page/{pages}/"
    assert seen == expected


def test_author_pages(client: httpx.Client) -> None:
    for author in {article["author"] for article in ARTICLES}:
        tree = page(client, f"/author/{author}/")
        assert tree.css_first("h1.td-page-title").text()


def test_robots_and_sitemaps_list_every_article(client: httpx.Client, server: SiteServer) -> None:
    robots = client.get("/robots.txt").text
    assert "Disallow: /wp-admin/" in robots and "Disallow: /*/print/" in robots
    assert f"Sitemap: {server.base_url}/sitemap_index.xml" in robots

    index = ET.fromstring(client.get("/sitemap_index.xml").content)
    children = [path_of(loc.text) for loc in index.iter(f"{SITEMAP}loc")]
    assert children == ["/post-sitemap.xml", "/category-sitemap.xml", "/news-sitemap.xml"]

    posts = ET.fromstring(client.get("/post-sitemap.xml").content)
    lastmod = {path_of(url.findtext(f"{SITEMAP}loc")): url.findtext(f"{SITEMAP}lastmod")
               for url in posts.iter(f"{SITEMAP}url")}
    for article in ARTICLES:
        assert lastmod[f"/{article['slug']}/"] == article["modified"]

    categories = ET.fromstring(client.get("/category-sitemap.xml").content)
    assert {path_of(loc.text) for loc in categories.iter(f"{SITEMAP}loc")} == {
        f"/category/{section}/" for section in SECTIONS
    }

    news = ET.fromstring(client.get("/news-sitemap.xml").content)
    titles = [t.text for t in news.iter("{http://www.google.com/schemas/sitemap-news/0.9}title")]
    newest = sorted(ARTICLES, key=lambda a: a["published"], reverse=True)[:10]
    assert titles == [a["title"] for a in newest]


def test_feed_lists_every_article(client: httpx.Client) -> None:
    response = client.get("/feed/")
    assert response.headers["content-type"] == "application/rss+xml; charset=UTF-8"
    items = ET.fromstring(response.content).findall("./channel/item")
    by_path = {path_of(item.findtext("link")): item for item in items}
    assert len(items) == len(ARTICLES)
    for article in ARTICLES:
        item = by_path[f"/{article['slug']}/"]
        assert item.findtext("title") == article["title"]
        assert item.findtext(f"{DC}creator")
        published = parsedate_to_datetime(item.findtext("pubDate"))
        assert published == datetime.fromisoformat(article["published"])
        assert item.findtext("category") and item.findtext("description") == article["description"]


def test_unknown_path_serves_demo_404(client: httpx.Client) -> None:
    response = client.get("/no-such-story/")
    assert response.status_code == 404
    assert "<title>Page not found - Harbourton Herald</title>" in response.text


def test_rendering_is_deterministic(tmp_path: Path) -> None:
    first = render_demo_site(tmp_path / "a")
    second = render_demo_site(tmp_path / "b")
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)
    assert json.loads((first / "SITE.json").read_text()) == {
        "origin": DEMO_ORIGIN, "not_found_page": "404.html"
    }
