"""The built-in presets on real pages of the dev sets.

tagDiv pages are kept as fixtures (tests/fixtures/real, see SOURCES.md there): three of the
classic single-post template and three of tagDiv's "tdb" cloud templates, chosen for what
went wrong on them before (a theme <time> hours off, a login as byline, alphabetical
category pills, ad and rating text in the body, a one-item related block). The wordpress
and drupal presets are checked on the dev set pages in ../shared, when it is there.
"""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path

import pytest

from scraper import extract, site_from_dict
from scraper.extraction.detect import detect_preset
from scraper.extraction.page import _select

REAL = Path(__file__).parent / "fixtures" / "real"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "bench" / "trafilatura-eval"
TAGDIV = site_from_dict({"name": "t", "extends": "wordpress-tagdiv",
                         "start_urls": ["https://t.example/"]})

# file -> (URL, family, what the page's own metadata says the article is)
PAGES = {
    "wildundhund.de-bonn": (
        "https://wildundhund.de/bonn-un-konvention-veroeffentlicht-empfehlungen-zur-"
        "vogelgrippe-und-zum-umgang-mit-wildvoegeln/", "classic",
        {"published": "2022-01-26T13:52:00+00:00", "section": "Meldungen", "authors": []}),
    "elenacional.com-carta": (
        "https://www.elnacional.com/venezuela/carta-abierta-un-nuevo-espacio-donde-el-nacional-"
        "recibira-las-denuncias-de-sus-lectores/", "classic",
        {"published": "2022-05-11T11:30:40+00:00", "section": "VENEZUELA"}),
    "boxen1.com-ring-rueckkehr": (
        "https://www.boxen1.com/morgen-abend-chris-eubank-jr-mit-ring-rueckkehr-gegen-liam-"
        "williams-60586/", "classic",
        {"published": "2022-02-04T10:38:37+00:00", "authors": ["Patrick Czerny"]}),
    "groove.de-Anti-A100-Aktivist": (
        "https://groove.de/2023/10/31/anti-a100-aktivist-tobias-trommer-es-wird-an-der-zeit-"
        "dass-die-clubs-verantwortung-nehmen/", "tdb",
        {"published": "2023-10-31T16:15:20+00:00", "authors": ["Charlotte Elsen"]}),
    "stluciatimes.com-dea": (
        "https://stluciatimes.com/dea-officials-arrest-bvi-premier-on-drug-charges-"
        "territorys-governor-calls-for-calm/", "tdb",
        {"published": "2022-04-29T02:08:28+00:00", "authors": ["Editorial Staff"]}),
    "ultimasnoticias.com.ve-ucraina": (
        "https://ultimasnoticias.com.ve/noticias/mundo/ucrania-interrumpe-paso-de-gas-ruso-a-"
        "europa-por-su-territorio/", "tdb",
        {"published": "2022-05-10T21:25:44+00:00", "section": "Mundo"}),
}


def _page(name: str) -> bytes:
    return gzip.decompress((REAL / f"tagdiv-{name}.html.gz").read_bytes())


def _tree(name: str):
    from selectolax.lexbor import LexborHTMLParser
    return LexborHTMLParser(_page(name).decode("utf-8", "replace"))


@pytest.mark.parametrize("name", list(PAGES))
def test_tagdiv_pages_are_detected_as_tagdiv(name: str) -> None:
    assert detect_preset(_tree(name)).preset == "wordpress-tagdiv"


@pytest.mark.parametrize("name", list(PAGES))
def test_every_tagdiv_selector_for_a_field_the_page_shows_matches(name: str) -> None:
    tree = _tree(name)
    for field in ("title", "section", "authors", "published", "body"):
        assert _select(tree, TAGDIV.selectors[field], many=True), (name, field)
    article = extract(_page(name), PAGES[name][0], TAGDIV)
    assert article.selector_misses == []
    assert not any("matched nothing" in w for w in article.warnings)


@pytest.mark.parametrize("name", list(PAGES))
def test_tagdiv_dates_are_on_the_instant_the_page_metadata_gives(name: str) -> None:
    url, _, truth = PAGES[name]
    article = extract(_page(name), url, TAGDIV)
    assert datetime.fromisoformat(article.published) == datetime.fromisoformat(
        truth["published"])


def test_a_theme_time_under_the_wrong_offset_is_corrected_and_says_why() -> None:
    url, _, _ = PAGES["wildundhund.de-bonn"]
    article = extract(_page("wildundhund.de-bonn"), url, TAGDIV)
    # the theme wrote 14:52 local time as "+00:00"; the page's own meta has the offset
    assert article.published == "2022-01-26T14:52:00+01:00"
    assert any("1 h off" in w and "wrong offset" in w for w in article.warnings)


@pytest.mark.parametrize("name", [n for n, (_, _, t) in PAGES.items() if "section" in t])
def test_tagdiv_section_is_the_primary_category_not_the_first_pill(name: str) -> None:
    url, _, truth = PAGES[name]
    assert extract(_page(name), url, TAGDIV).section == truth["section"]


def test_an_alphabetical_category_list_is_not_the_section() -> None:
    url, _, _ = PAGES["ultimasnoticias.com.ve-ucraina"]
    # JSON-LD articleSection is ["Especial", "Mundo", "ZXGeneral"]; the breadcrumb says Mundo
    article = extract(_page("ultimasnoticias.com.ve-ucraina"), url, TAGDIV)
    assert (article.section, article.sources["section"]) == ("Mundo", "json-ld-breadcrumb")


@pytest.mark.parametrize("name", [n for n, (_, _, t) in PAGES.items() if "authors" in t])
def test_tagdiv_authors_are_display_names(name: str) -> None:
    url, _, truth = PAGES[name]
    article = extract(_page(name), url, TAGDIV)
    assert article.authors == truth["authors"]


def test_a_login_shown_as_byline_is_dropped() -> None:
    url, _, _ = PAGES["wildundhund.de-bonn"]
    article = extract(_page("wildundhund.de-bonn"), url, TAGDIV)
    assert "fhaacker" not in article.authors
    assert any("user name" in w for w in article.warnings)


@pytest.mark.parametrize("name", list(PAGES))
def test_tagdiv_bodies_hold_no_ads_ratings_or_share_buttons(name: str) -> None:
    text = extract(_page(name), PAGES[name][0], TAGDIV).text
    assert len(text) > 500
    for leak in ("- Advertisement -", "Rate this post", "ANZEIGE", "twittern", "teilen"):
        assert leak not in text, (name, leak)


def test_trailing_related_headlines_become_links_not_text() -> None:
    url, _, _ = PAGES["wildundhund.de-bonn"]
    article = extract(_page("wildundhund.de-bonn"), url, TAGDIV)
    assert "Rattengift tötet Greifvögel" not in article.text
    assert "Rattengift tötet Greifvögel" in [
        link.title for link in article.links if link.kind == "inline_related"]


@pytest.mark.parametrize(("name", "count"), [("wildundhund.de-bonn", 6),
                                             ("groove.de-Anti-A100-Aktivist", 1)])
def test_related_blocks_become_related_links_on_both_families(name: str, count: int) -> None:
    url, family, _ = PAGES[name]
    related = [link for link in extract(_page(name), url, TAGDIV).links
               if link.kind == "related"]
    assert len(related) == count, family
    assert all(link.url.startswith("https://") and link.title for link in related)


def test_tdb_sidebar_blocks_become_widgets_with_their_heading() -> None:
    url, _, _ = PAGES["stluciatimes.com-dea"]
    links = extract(_page("stluciatimes.com-dea"), url, TAGDIV).links
    assert [(link.kind, link.heading) for link in links] == [("popular", "TRENDING")] * 3


def _shared_pages(preset: str) -> list[tuple[str, bytes]]:
    if not SHARED.is_dir():
        pytest.skip(f"the dev set is missing: {SHARED} (../shared beside the checkout)")
    data = json.loads((SHARED / "evaldata.json").read_text("utf-8"))
    chosen = {"wordpress": ("rete-mirabile.net.15jahre.html", "heiko-adams.de.laufen.html",
                            "campino2k.de.uberspace.html"),
              "drupal": ("amnesty.de-waffensysteme.html", "agrarheute.com.abfallholz.html",
                         "haus.de-Vorsatzschallung.html")}[preset]
    return [(url, gzip.decompress((SHARED / "html" / f"{d['file']}.gz").read_bytes()))
            for url, d in data.items() if d["file"] in chosen]


@pytest.mark.parametrize("preset", ["wordpress", "drupal"])
def test_cms_presets_are_detected_and_read_the_title_and_date(preset: str) -> None:
    from selectolax.lexbor import LexborHTMLParser
    site = site_from_dict({"name": "s", "extends": preset,
                           "start_urls": ["https://s.example/"]})
    pages = _shared_pages(preset)
    data = json.loads((SHARED / "evaldata.json").read_text("utf-8"))
    assert len(pages) == 3
    for url, body in pages:
        tree = LexborHTMLParser(body.decode("utf-8", "replace"))
        assert detect_preset(tree).preset == preset
        article = extract(body, url, site)
        truth = data[url]
        assert " ".join(article.title.split()) == " ".join(truth["title"].split())
        assert article.published[:10] == truth["date"]


def test_wordpress_reads_the_category_links_of_the_theme() -> None:
    site = site_from_dict({"name": "s", "extends": "wordpress",
                           "start_urls": ["https://s.example/"]})
    url, body = next(p for p in _shared_pages("wordpress") if "rete-mirabile" in p[0])
    article = extract(body, url, site)
    assert (article.section, article.authors) == ("Notizen", ["Andreas Kalt"])
