"""Link widgets: both paths (generic detection, site-file selectors) treat headings, one-item
blocks and links to the page itself alike; the README's table of heading words is derived
from extraction/widgets.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from regexparts import top_level_alternatives

from scraper import extract, site_from_dict
from scraper.extraction.widgetwords import HEADING_KINDS
from scraper.vocab import WIDGET_KINDS

URL = "https://news.example/2021/03/04/the-story-itself/"
README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def _page(extra: str) -> str:
    text = "".join(f"<p>Paragraph {i} of the story, long enough to be prose here.</p>"
                   for i in range(6))
    return (f"<html><body><article><h1>The story itself</h1>{text}</article>{extra}"
            "</body></html>")


def _items(prefix: str, count: int) -> str:
    return "".join(f'<li><a href="/2021/03/0{i}/{prefix}-story-number-{i}/">{prefix.title()} '
                   f"story number {i}</a></li>" for i in range(1, count + 1))


def test_each_heading_owns_the_items_that_follow_it():
    box = (f"<aside><h3>Most read</h3><ul>{_items('popular', 3)}</ul>"
           f"<h3>Latest</h3><ul>{_items('fresh', 2)}</ul></aside>")
    links = extract(_page(box), URL).links
    assert [(link.kind, link.heading, link.title.split()[0]) for link in links] == [
        ("popular", "Most read", "Popular")] * 3 + [("latest", "Latest", "Fresh")] * 2


def test_a_related_block_of_one_item_counts_on_both_paths():
    box = f'<div class="related-posts"><h4>Related</h4><ul>{_items("near", 1)}</ul></div>'
    generic = extract(_page(box), URL).links
    site = site_from_dict({"name": "s", "start_urls": ["https://news.example/"],
                           "widgets": [{"kind": "related", "heading": "Related"}]})
    configured = extract(_page(box), URL, site).links
    for links in (generic, configured):
        assert [(link.kind, link.position, link.title) for link in links] == [
            ("related", 1, "Near story number 1")]


@pytest.mark.parametrize(("heading", "kind"), [
    ("Leia também", "related"), ("Mais lidas", "popular"), ("Meest gelezen", "popular"),
    ("Читайте также", "related"), ("İlgili Haberler", "related"), ("Son Dakika", "latest"),
    ("Baca Juga", "related"), ("Berita Terkini", "latest"), ("الأكثر قراءة", "popular"),
    ("Související články", "related"), ("Läs också", "related")])
def test_a_one_item_box_headed_in_the_site_s_language_is_a_widget_of_its_kind(
        heading: str, kind: str) -> None:
    box = f"<div><h4>{heading}</h4><ul>{_items('near', 1)}</ul></div>"
    links = extract(_page(box), URL).links
    assert [(link.kind, link.heading) for link in links] == [(kind, heading)]


def test_a_link_to_the_page_itself_keeps_its_place_on_both_paths():
    own = '<li><a href="/2021/03/04/the-story-itself/">The story itself, again</a></li>'
    box = f'<div class="most-read"><h3>Most read</h3><ul>{_items("popular", 1)}{own}' \
          f'{_items("other", 1)}</ul></div>'
    site = site_from_dict({"name": "s", "start_urls": ["https://news.example/"],
                           "widgets": [{"kind": "popular", "selector": ".most-read",
                                        "item": "li"}]})
    generic, configured = extract(_page(box), URL).links, extract(_page(box), URL, site).links
    assert [(x.position, x.url) for x in generic] == [(x.position, x.url) for x in configured]
    assert [x.url for x in generic][1] == URL


def test_a_link_to_the_page_itself_is_no_evidence_of_a_widget():
    own = '<li><a href="/2021/03/04/the-story-itself/">The story itself, again</a></li>'
    box = f"<div><h3>Picked by us</h3><ul>{own}{_items('one', 1)}</ul></div>"
    assert extract(_page(box), URL).links == []


def test_selector_widgets_record_the_heading_the_page_shows():
    box = (f'<div class="box"><div class="box-title">From the archive</div>'
           f'<ul>{_items("old", 2)}</ul></div>'
           f'<h2>Editors choice</h2><div class="picks"><ul>{_items("pick", 2)}</ul></div>')
    site = site_from_dict({"name": "s", "start_urls": ["https://news.example/"], "widgets": [
        {"kind": "auto", "selector": ".box", "item": "li"},
        {"kind": "featured", "selector": ".picks", "item": "li"}]})
    links = extract(_page(box), URL, site).links
    assert [(x.kind, x.heading) for x in links] == [("other", "From the archive")] * 2 + [
        ("featured", "Editors choice")] * 2


def test_menus_are_no_widgets():
    menu = f'<div><button aria-label="Open the navigation">=</button><ul>{_items("menu", 5)}' \
           f'</ul></div><div><h3>Main menu</h3><ul>{_items("also", 4)}</ul></div>'
    mega = f"<div><h3>Everything</h3><ul>{_items('many', 9) * 6}</ul></div>"
    assert extract(_page(menu), URL).links == []
    many = "".join(f'<li><a href="/2021/01/{i:02d}/story-number-{i}-of-many/">Story number {i} '
                   f"of many</a></li>" for i in range(1, 60))
    assert extract(_page(f"<div><h3>Sitemap of stories</h3><ul>{many}</ul></div>"),
                   URL).links == []
    assert mega  # (a repeated list is one list of 9 distinct items: a widget)


def heading_table() -> str:
    """The README's table of widget kinds and the heading words that map to each."""
    rows = ["| kind | shown as | headings that map to it (regular expressions, any case, "
            "anywhere in the heading) |", "|---|---|---|"]
    words = {kind: pattern.pattern for kind, pattern in HEADING_KINDS}
    for kind, label in WIDGET_KINDS.items():
        if kind in words:
            found = ", ".join(f"`{a}`" for a in top_level_alternatives(words[kind]))
        elif kind == "other":
            found = "any other heading (its words are kept in `links.heading`)"
        else:
            found = f'none: only a site file\'s `[[widgets]]` entry with `kind = "{kind}"`'
        rows.append(f"| `{kind}` | {label} | {found} |")
    return "\n".join(rows)


def test_share_and_contact_links_are_no_widget_items_whatever_their_query_says():
    share = "".join(
        f'<li><a href="{scheme}?subject=Read-the-story-number-{i}&body=https://news.example'
        f'/2021/03/0{i}/shared-story-number-{i}/">Share story number {i} by {scheme[:-1]}</a></li>'
        for i, scheme in enumerate(("mailto:", "whatsapp:", "MAILTO:", "tel:", "sms:"), 1))
    box = (f"<aside><h3>Share this story</h3><ul>{share}</ul>"
           f"<h3>Related</h3><ul>{_items('near', 2)}</ul></aside>")
    links = extract(_page(box), URL).links
    assert [(link.kind, link.url.rsplit("/", 2)[1]) for link in links] == [
        ("related", "near-story-number-1"), ("related", "near-story-number-2")]


def test_readme_lists_the_heading_words_of_every_widget_kind():
    table = heading_table()
    assert table in README, f"README's widget kinds table is out of date; it should read:\n{table}"
    assert re.search(r"Most read.{0,40}popular", README)
