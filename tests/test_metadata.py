"""Generic metadata: what a page says about itself (JSON-LD, OpenGraph, <meta>, <time>,
URL, visible dateline), cleaned, with the source of each field and warnings for bad dates."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from scraper import extract
from scraper.extraction.authors import clean_authors
from scraper.extraction.dates import normalise_date
from scraper.extraction.language import detect_language, normalise_language
from scraper.extraction.titles import clean_title

URL = "https://news.example/world/a-story-about-things/"
BODY = "".join(f"<p>Paragraph {i}. The council voted on Tuesday to expand the city's bus "
               "network, a decision officials said would shorten commutes.</p>" for i in range(4))


def page(head: str = "", body: str = "", lang: str = ' lang="en"') -> str:
    return f"<html{lang}><head>{head}</head><body><article>{body}{BODY}</article></body></html>"


def jsonld(**fields: object) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", **fields}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_title_never_keeps_the_site_name_suffix():
    html = page('<meta property="og:site_name" content="The Daily Example">'
                '<meta property="og:title" content="Buses return | The Daily Example">')
    article = extract(html, URL)
    assert (article.title, article.sources["title"]) == ("Buses return", "opengraph")


def title_of(og_title: str, body: str = "", url: str = URL) -> str | None:
    """The title extracted from a page whose og:title is ``og_title``."""
    return extract(page(f'<meta property="og:title" content="{og_title}">', body), url).title


def test_title_decorated_around_the_h1_gives_the_h1():
    html = page("<title>World - Buses return to the east - Example News</title>",
                "<h1>Buses return to the east</h1>")
    assert extract(html, URL).title == "Buses return to the east"
    for decorated in ("Schneewittchen-Kuchen Rezept | LECKER",
                      "Schneewittchen-Kuchen von jesusfreak | Chefkoch"):
        assert title_of(decorated, "<h1>Schneewittchen-Kuchen</h1>") == "Schneewittchen-Kuchen"


def test_a_title_never_ends_in_a_separator():
    assert title_of("Pferdesport bei Olympia 2028 dabei -") == "Pferdesport bei Olympia 2028 dabei"


def test_the_title_is_typeset_as_the_page_shows_it_when_the_metadata_types_it_plainly():
    assert title_of("Keks'n Cream - neu...", "<h1>Keks’n Cream – neu…</h1>") == (
        "Keks’n Cream – neu…")
    # a blog's name in the <h1>: the story's heading is an <h2>, and the story's dateline
    # is read by it, not by the blog's name
    html = ('<html><head><meta property="og:title" content="Alles hat seine Zeit..."></head>'
            '<body><h1>Marktplatz</h1><p>1. Januar 2019</p><div class="post"><h2>Alles hat '
            f'seine Zeit…</h2><p>31. Oktober 2023</p>{BODY}</div></body></html>')
    article = extract(html, URL)
    assert (article.title, article.published) == ("Alles hat seine Zeit…", "2023-10-31")


def test_a_kicker_the_metadata_puts_before_the_headline_is_no_part_of_the_title():
    kicker = '<span class="dachzeile">Nach Corona-Lockerungen</span> <span>Autohäuser rechnen'
    assert title_of("Corona-Lockerungen: Autohäuser rechnen mit Anlauf",
                    f"<h1>{kicker} mit Anlauf</span></h1>") == "Autohäuser rechnen mit Anlauf"
    assert title_of("SARS-2/COVID-19 Heute schon an morgen denken",
                    "<h1>Heute schon an morgen denken</h1>") == "Heute schon an morgen denken"
    # a headline that is all of the metadata's title keeps its first element
    assert title_of("How to fix a bike in ten minutes",
                    "<h1><em>How</em> to fix a bike in ten minutes</h1>") == (
        "How to fix a bike in ten minutes")


def test_a_part_of_the_title_naming_the_site_s_domain_is_cut_but_a_headline_naming_it_is_not():
    for title, url in (("La voix des nuls | ARTE Radio", "https://www.arteradio.com/son/1/"),
                       ("EFC Bayrische Bembel Regensburg - La voix des nuls",
                        "http://bayrische-bembel.de/bbr/article.php?id=504"),
                       ("La voix des nuls | MDR.DE", "https://www.mdr.de/nachrichten/a-1.html"),
                       ("La voix des nuls - BBC News", "https://www.bbc.co.uk/news/a-b-c"),
                       ("La voix des nuls - Bundeskanzleramt Österreich",
                        "https://www.bundeskanzleramt.gv.at/a/b.html")):
        assert title_of(title, url=url) == "La voix des nuls", title
    headline = "Glasgow - DRK: Immer mehr Menschen in Not"
    assert title_of(headline, url="https://www.drk.de/a/") == headline


def test_a_site_name_after_an_unspaced_separator_in_a_title_without_spaces_is_cut():
    headline = "武汉的声音：有英勇的你，才有英雄的城！"
    assert title_of(f"{headline}-新华网") == headline
    story = "子どもへの体罰を禁止する法律ができる"
    named = page('<meta property="og:site_name" content="NEWS WEB EASY">'
                 f'<meta property="og:title" content="NEWS WEB EASY|{story}">')
    assert extract(named, URL).title == story
    # in Latin script an unspaced hyphen joins words
    site = page('<meta property="og:site_name" content="Privatkredit">'
                '<meta property="og:title" content="Privatkredit-Zinsen: So rechnen Sie">')
    assert extract(site, URL).title == "Privatkredit-Zinsen: So rechnen Sie"


def test_the_headline_as_printed_is_the_title_when_the_metadata_rewords_it():
    printed = "Der Nervenkrieg um den Brexit geht in die nächste Runde"
    assert title_of("Brexit: Nervenkrieg geht in nächste Runde", f"<h1>{printed}</h1>") == printed
    # a heading that adds a site name, or a kicker of its own, to the title is not the title
    title = "Was wir über uns nicht hören wollen"
    for h1 in (f"{title} | FASSETTE.NET", f"<span>Einheit der Woche</span> {title}"):
        assert title_of(title, f"<h1>{h1}</h1>") == title, h1
    assert title_of("Buses return", "<h1>Rain in Paris</h1>") == "Buses return"  # not reworded


def test_without_metadata_the_heading_the_html_title_names_is_the_title_not_a_menu_h1():
    headline = "Was ist der Unterschied zwischen privaten und staatlichen Geheimdiensten?"
    html = (f"<html><head><title>{headline} – DOBSZAYs Ansichten</title></head><body>"
            "<header><h1 class='menu-toggle'>Menu</h1><h1 class='site-title'>DOBSZAYs "
            f"Ansichten</h1></header><article><h1>{headline}</h1>{BODY}</article></body></html>")
    assert extract(html, URL).title == headline
    # a first <h1> the <title> names stays the headline
    html = html.replace("Menu", headline)
    assert extract(html, URL).title == headline
    # a headline without spaces counts by its characters (a Chinese portal's <h2>)
    chinese = "山西品牌丝路行（南美站）正式启动"
    html = (f"<html><head><title>{chinese} - 山西省人民政府门户网站</title></head><body>"
            f"<h1>山西省人民政府网站</h1><h2>{chinese}</h2>{BODY}</body></html>")
    assert extract(html, URL).title == chinese


def test_dublin_core_and_a_headline_meta_give_title_and_lead():
    head = ('<meta name="DC.title" content="Buses return"><meta name="DC.description" '
            'content="The council votes on the bus network.">')
    article = extract(f"<html><head>{head}</head><body><p>Text.</p></body></html>", URL)
    assert article.title == "Buses return"
    assert article.lead == "The council votes on the bus network."
    assert article.sources["title"] == article.sources["lead"] == "meta"
    head = '<meta itemprop="headline" content="Buses return">'
    assert extract(f"<html><head>{head}</head><body></body></html>", URL).title == "Buses return"


def test_a_page_that_names_no_title_is_titled_by_its_title_class_or_first_h2():
    for body, title in (('<h1>   </h1><div class="post-title">Buses return</div>', "Buses return"),
                        ("<h2>Buses return</h2><h2>Trams next</h2>", "Buses return")):
        article = extract(f"<html><body>{body}<p>The council voted.</p></body></html>", URL)
        assert (article.title, article.sources["title"]) == (title, "heading"), body


def test_title_never_has_the_section_glued_on():
    assert clean_title("Iran TerrorismWestern Policymakers Ignore", None,
                       "Iran Terrorism") == "Western Policymakers Ignore"
    assert clean_title("World: Buses return", None, "World") == "Buses return"
    assert clean_title("World leaders meet", None, "World") == "World leaders meet"


def test_section_comes_from_json_ld_or_article_section():
    html = page('<meta property="article:section" content="Transport">')
    article = extract(html, URL)
    assert (article.section, article.sources["section"]) == ("Transport", "opengraph")


def test_authors_are_names_without_by_dates_handles_or_duplicates():
    assert clean_authors(["By Jane Doe and John Roe", "@janedoe", "Updated 2021-02-02",
                          "jane doe", "https://x.example/jane"]) == ["Jane Doe", "John Roe"]


def test_a_nickname_in_quotes_is_no_part_of_the_author_s_name():
    assert clean_authors(['Jenny "The Author" Smith', "Dwayne “The Rock” Johnson"]) == [
        "Jenny Smith", "Dwayne Johnson"]


def test_authors_fall_back_to_the_visible_byline():
    html = page(body='<div class="byline">By <a rel="author" href="/author/jane-doe/">'
                     'Jane Doe</a> | Feb. 2, 2021</div>')
    article = extract(html, URL)
    assert (article.authors, article.sources["authors"]) == (["Jane Doe"], "byline")


def test_yoast_s_written_by_label_names_the_author_in_the_site_s_language():
    for label in ("Written by", "Verfasst von", "Escrito por"):
        html = page(f'<meta name="twitter:label1" content="{label}">'
                    '<meta name="twitter:data1" content="Karoline Herr">'
                    '<meta name="twitter:label2" content="Geschätzte Lesezeit">'
                    '<meta name="twitter:data2" content="9 Minuten">')
        assert extract(html, URL).authors == ["Karoline Herr"], label
    html = page('<meta name="twitter:label1" content="Filed under">'
                '<meta name="twitter:data1" content="Transport">')
    assert extract(html, URL).authors == []


def test_a_web_page_s_json_ld_author_counts_when_the_graph_has_no_article():
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebPage", "@id": URL, "author": {"@id": "https://news.example/#/p/1"}},
        {"@type": "Person", "@id": "https://news.example/#/p/1", "name": "Giovanni Gaggero"}]}
    html = page(f'<script type="application/ld+json">{json.dumps(graph)}</script>')
    assert extract(html, URL).authors == ["Giovanni Gaggero"]
    graph["@graph"][0]["author"] = "https://news.example/author/gio/#author"  # a URL only
    html = page(f'<script type="application/ld+json">{json.dumps(graph)}</script>')
    assert extract(html, URL).authors == []


def test_an_organisation_named_as_author_gives_way_to_the_person_the_byline_shows():
    agency = json.dumps({"@type": "NewsArticle", "headline": "Buses return",
                         "author": {"@type": "Organization", "name": "NCA NewsWire"}})
    head = f'<script type="application/ld+json">{agency}</script>'
    byline = '<div class="byline">By <a rel="author" href="/author/jenny/">Jenny Smith</a></div>'
    article = extract(page(head=head, body=f"<h1>Buses return</h1>{byline}"), URL)
    assert (article.authors, article.sources["authors"]) == (["Jenny Smith"], "byline")
    # without a byline, the organisation is the author
    article = extract(page(head=head, body="<h1>Buses return</h1>"), URL)
    assert (article.authors, article.sources["authors"]) == (["NCA NewsWire"], "json-ld")


def test_a_byline_element_that_names_nobody_gives_way_to_the_next_one():
    # the outer "byline-content" holds the name and the time: no name comes out of it whole
    html = page(body='<h1>Buses return</h1><div class="byline-content"><div class="byline">'
                     "<a>Jenny Smith</a></div><time>July 12, 2021 08:05</time></div>")
    article = extract(html, URL)
    assert (article.authors, article.sources["authors"]) == (["Jenny Smith"], "byline")


def test_an_author_element_that_holds_only_a_name_and_a_date_is_the_byline():
    for byline, name in (('<p class="date-author">Janic Cathomen, 01.12.2021</p>',
                          "Janic Cathomen"),
                         ('<div id="author_header">Gunter Frank</div>', "Gunter Frank"),
                         ('<span class="news-list-author">Erstellt von Andri Bryner</span>',
                          "Andri Bryner"),
                         ('<div class="node-block--authors">Auteur: Anna Kubišta</div>',
                          "Anna Kubišta"),
                         # the name among labelled fields
                         ('<div class="liveArticleAuthorDateBlock">Datum: 19.11.2021 Autor: '
                          "Fritz Imhof Quelle: Livenet</div>", "Fritz Imhof"),
                         # the name before its employer
                         ('<h4 class="author">Jenny Smith — The Moon</h4>', "Jenny Smith"),
                         ('<a class="author">Jenny Smith from Acme</a>', "Jenny Smith")):
        html = page(body=f"<h1>Buses return</h1>{byline}")
        assert extract(html, URL).authors == [name], byline
    # a box that says more, a comment form's label and a comment's poster are no byline
    for other in ('<div class="author-box">Jane Doe writes about transport for us</div>',
                  '<p class="comment-form-author"><label for="author">Name *</label></p>',
                  '<div class="comments"><div class="comment-author">Jane Doe, 2.2.2021</div>'
                  '</div>'):
        html = page(body=f"<h1>Buses return</h1>{other}")
        assert extract(html, URL).authors == [], other


def test_the_author_hcard_of_the_entry_names_the_author_not_the_blog_s_header_hcard():
    html = ('<html><body><h1 class="vcard author"><a class="fn" href="/">Krimiblog-Archiv</a>'
            '</h1><div class="post hentry"><h2>Buses return</h2><h4 class="vcard author">'
            f'<span class="fn">Krimiblogger</span></h4>{BODY}</div></body></html>')
    assert extract(html, URL).authors == ["Krimiblogger"]


def test_a_line_by_the_headline_that_says_by_and_names_people_is_the_byline():
    html = page(body="<h1>Buses return</h1><p><i>von Daniela Obers</i></p>")
    assert extract(html, URL).authors == ["Daniela Obers"]
    html = page(body="<h1>Buses return</h1><p>Por Agencia EFE y Juan Pérez</p>")
    assert extract(html, URL).authors == ["Agencia EFE", "Juan Pérez"]
    for line, names in (("Posted by Konstantin", ["Konstantin"]),
                        ("Posted on September 21, 2020 by Adi Tzlil", ["Adi Tzlil"]),
                        ("06.11.2023 13:30 von Olga", ["Olga"])):
        html = page(body=f"<h1>Buses return</h1><p>{line}</p>")
        assert extract(html, URL).authors == names, line
    # wrappers that hold the headline alone are no levels of its region
    wrapped = "<div><div><div><div><h2>Buses return</h2></div></div></div></div>"
    html = page('<meta property="og:title" content="Buses return">',
                f"<div>{wrapped}<p><i>von Daniela Obers</i></p></div>")
    assert extract(html, URL).authors == ["Daniela Obers"]
    for subtitle in ("Von Berlin nach Hamburg", "Von A bis Z: * alles neu", "von Berlin"):
        html = page(body=f"<h1>Buses return</h1><p>{subtitle}</p>")
        assert extract(html, URL).authors == [], subtitle


def test_a_byline_line_just_after_the_headline_s_box_names_its_people():
    html = ("<html lang='de'><body><div class='head'><div class='kicker'>Politik</div>"
            "<h1>Corona-Regeln in Hessen</h1><p class='intro'>Was ab Montag gilt.</p></div>"
            "<div class='item-caption'><span>von Andreas Kürten</span></div>"
            f"<article>{BODY}</article></body></html>")
    article = extract(html, URL)
    assert (article.authors, article.sources["authors"]) == (["Andreas Kürten"], "byline")


def test_a_byline_line_in_the_languages_of_news_sites_names_its_people():
    for line, names in (("Автор: Иван Петров", ["Иван Петров"]),
                        ("Oleh Budi Santoso", ["Budi Santoso"]),
                        ("Yazar: Ayşe Yılmaz", ["Ayşe Yılmaz"]),
                        ("Szerző: Kovács János", ["Kovács János"]),
                        ("بقلم محمد علي", ["محمد علي"]),  # a script without capitals
                        ("लेखक: राहुल शर्मा", ["राहुल शर्मा"])):  # ... with vowel signs
        html = page(body=f"<h1>Buses return</h1><p>{line}</p>")
        assert extract(html, URL).authors == names, line


def test_a_byline_element_names_its_writer_without_the_agency_that_employs_them():
    html = page(body="<h1>Buses return</h1><byline>Von David Hutzler, dpa</byline>")
    assert extract(html, URL).authors == ["David Hutzler"]
    for byline, names in (("Jane Doe/AFP", ["Jane Doe"]), ("Max Muster (dpa)", ["Max Muster"]),
                          ("Agencia EFE", ["Agencia EFE"]), ("dpa", ["dpa"])):
        assert clean_authors([byline]) == names, byline


def test_the_writers_employer_after_for_from_or_a_dash_is_no_author():
    for byline, names in (("Jenny Smith For Daily Mail Australia", ["Jenny Smith"]),
                          ("Glen Owen and Brendan Carlin for The Mail on Sunday",
                           ["Glen Owen", "Brendan Carlin"]),
                          ("Jane Doe – The Moon", ["Jane Doe"]),
                          ("Department of Health and Human Services",
                           ["Department of Health and Human Services"]),  # no people first
                          ("© Kathrin Führes", ["Kathrin Führes"]),
                          ("Jenny Smith ❤️", ["Jenny Smith"])):
        assert clean_authors([byline]) == names, byline


def test_an_author_field_with_markup_a_list_and_the_desk_s_initials_names_the_people():
    field = ('By <a href="/profiles/amir-vera">Amir Vera</a>, Seán Federico O\'Murchú, '
             '<a href="/profiles/tara-subramaniam">Tara Subramaniam</a> and Adam Renton, CNN')
    assert clean_authors([field]) == ["Amir Vera", "Seán Federico O'Murchú", "Tara Subramaniam",
                                      "Adam Renton"]
    assert clean_authors(["Acme, Inc."]) == ["Acme, Inc."]  # an organisation stays whole
    assert clean_authors(["\u00bf\tTara Cosoleto", "M. J. Smith."]) == ["Tara Cosoleto",
                                                                    "M. J. Smith."]


def test_the_author_keys_and_byline_markup_other_extractors_know_are_read():
    for head in ('<meta name="citation_author" content="Jane Roe">',
                 '<meta name="DC.creator" content="Jane Roe">',
                 '<meta name="byl" content="By Jane Roe">',
                 '<meta property="og:author" content="Jane Roe">'):
        assert extract(page(head), URL).authors == ["Jane Roe"], head
    for byline in ("<author>Jane Roe</author>", '<div data-component="Byline">Jane Roe</div>',
                   '<span itemprop="author name">Jane Roe</span>',
                   '<span class="author">Jane Roe and John Doe</span>',
                   '<div class="submitted-by"><a>Jane Roe</a></div>',
                   '<div class="author"><span class="profile__name">Jane Roe</span> '
                   '<a href="https://social.example/jroe">@jroe</a> <span>11:57AM</span></div>'):
        names = extract(page(body=f"<h1>Buses return</h1>{byline}"), URL).authors
        assert names in (["Jane Roe"], ["Jane Roe", "John Doe"]), byline


def test_a_name_under_a_picture_or_in_a_quotation_is_no_byline():
    for other in ('<figure><img src="/a.jpg"><figcaption><span class="author">Pat Photographer'
                  "</span></figcaption></figure>",
                  '<div class="quote"><p>Buses are the future.</p><p class="quote-author">'
                  "Pat Quoted</p></div>"):
        html = page(body=f"<h1>Buses return</h1>{other}")
        assert extract(html, URL).authors == [], other


def test_the_site_s_name_joined_to_its_writer_s_in_one_author_field_is_cut():
    head = ('<meta property="og:site_name" content="unocero">'
            '<meta name="author" content="{}">')
    for field in ("unocero - Alberto Ávila", "Alberto Ávila | unocero"):
        assert extract(page(head.format(field)), URL).authors == ["Alberto Ávila"], field


def test_json_ld_as_templates_write_it_is_still_read():
    raw_line_break = ('<script type="application/ld+json">{"@type": "BlogPosting", '
                      '"description": "Two\nlines", "author": {"@type": "Person", '
                      '"name": "Jacopo Cascioli"}}</script>')
    assert extract(page(raw_line_break), URL).authors == ["Jacopo Cascioli"]
    two_objects = ('<script type="application/ld+json">[{"@type": "BreadcrumbList"}]'
                   '[{"@type": "NewsArticle", "datePublished": "2021-02-02T11:32:18+01:00",}]'
                   '</script>')
    assert extract(page(two_objects), URL).published == "2021-02-02T11:32:18+01:00"
    wrapped = ('<script type="application/ld+json"><!-- {"@type": "NewsArticle", '
               '"author": ["Ana Renz",]} --></script>')
    assert extract(page(wrapped), URL).authors == ["Ana Renz"]


def test_published_keeps_the_timezone_and_records_its_source():
    html = page(jsonld(datePublished="2021-02-02T11:32:18+01:00",
                       dateModified="2021-02-03T08:00:00Z"))
    article = extract(html, URL)
    assert article.published == "2021-02-02T11:32:18+01:00"
    assert article.modified == "2021-02-03T08:00:00+00:00"
    assert article.sources["published"] == article.sources["modified"] == "json-ld"


def test_published_from_meta_time_url_and_dateline_in_that_order():
    meta = page('<meta property="article:published_time" content="2021-02-02T10:00:00-05:00">')
    assert extract(meta, URL).sources["published"] == "meta"
    time = page(body='<time datetime="2021-02-02T10:00:00">Feb 2</time>')
    assert (extract(time, URL).published, extract(time, URL).sources["published"]) == (
        "2021-02-02T10:00:00", "time")
    dated_url = "https://news.example/2021/02/02/a-story-about-things/"
    assert (extract(page(), dated_url).published, extract(page(), dated_url).sources[
        "published"]) == ("2021-02-02", "url")
    dateline = page(body='<div class="post-date">Posted Feb. 2, 2021 10:05 AM EST</div>')
    article = extract(dateline, URL)
    assert (article.published, article.sources["published"]) == (
        "2021-02-02T10:05:00-05:00", "dateline")


def test_future_and_unparsable_dates_are_flagged_not_replaced():
    html = page(jsonld(datePublished="2999-01-01T00:00:00Z", dateModified="last Tuesday"))
    article = extract(html, URL)
    assert article.published == "2999-01-01T00:00:00+00:00"
    assert article.modified == "last Tuesday"
    assert any("published" in w and "future" in w for w in article.warnings)
    assert any("modified" in w and "unparsable" in w for w in article.warnings)


def test_dates_in_common_written_forms_are_normalised():
    now = datetime(2022, 1, 1, tzinfo=UTC)
    assert normalise_date("Tue, 02 Feb 2021 11:32:18 GMT", now) == (
        "2021-02-02T11:32:18+00:00", None)
    assert normalise_date("2 February 2021", now) == ("2021-02-02", None)
    assert normalise_date("02.02.2021 14:30", now) == ("2021-02-02T14:30:00", None)


def test_language_is_the_declaration_normalised_else_detected():
    assert extract(page(lang=' lang="en_gb"'), URL).language == "en-GB"
    german = ("<p>Der Stadtrat hat am Dienstag beschlossen, das Busnetz der Stadt zu erweitern. "
              "Die Entscheidung soll die Wege für Tausende von Pendlern im Osten verkürzen, "
              "und das ist nicht alles, was sich in diesem Jahr ändert.</p>")
    html = f"<html><body><article>{german * 3}</article></body></html>"
    article = extract(html, URL)
    assert (article.language, article.sources["language"]) == ("de", "detected")


def test_language_tags_and_detection_edge_cases():
    assert normalise_language("zh-hant-tw") == "zh-Hant-TW"
    assert normalise_language("x-default") is None
    assert detect_language("too short") is None
    assert detect_language("엘제이의 리벤지인가, 류화영의 코스프레인가. " * 5) == "ko"


@pytest.mark.parametrize(("language", "text"), [
    ("ru", "Президент России заявил, что страна продолжит работу над своей независимостью."),
    ("uk", "Президент України заявив, що країна продовжить боротьбу за свою незалежність."),
    ("bg", "Президентът на България заяви, че страната ще продължи да работи за свобода."),
    ("sr", "Председник Србије је рекао да ће земља наставити да ради на својој слободи."),
    ("ar", "قال رئيس الوزراء إن البلاد ستواصل العمل من أجل استقلالها وحرية شعبها."),
    ("fa", "رئیس جمهور ایران گفت که کشور به کار برای استقلال و آزادی مردم خود ادامه می‌دهد."),
    ("ur", "پاکستان کے وزیر اعظم نے کہا ہے کہ ملک اپنی آزادی کے لیے کام جاری رکھے گا۔"),
    ("bn", "বাংলাদেশের প্রধানমন্ত্রী বলেছেন যে দেশটি তার স্বাধীনতার জন্য কাজ চালিয়ে যাবে।"),
    ("ta", "இந்தியாவின் பிரதமர் நாட்டின் சுதந்திரத்திற்காக தொடர்ந்து பணியாற்றுவார் என்றார்."),
    ("ka", "საქართველოს პრემიერ-მინისტრმა განაცხადა, რომ ქვეყანა გააგრძელებს მუშაობას."),
])
def test_a_script_s_languages_are_told_apart_by_their_own_letters(language: str,
                                                                    text: str) -> None:
    assert detect_language(text * 2) == language


def test_tags_lead_image_and_canonical_url_come_from_the_page():
    html = page('<meta property="article:tag" content="Transport">'
                '<meta property="article:tag" content="City">'
                '<meta property="og:description" content="Buses return to the east.">'
                '<meta property="og:image" content="/img/bus.jpg">'
                '<link rel="canonical" href="/world/a-story-about-things/">')
    article = extract(html, URL + "?utm_source=x")
    assert article.tags == ["Transport", "City"]
    assert article.lead == "Buses return to the east."
    assert article.image == "https://news.example/img/bus.jpg"
    assert article.canonical_url == URL


def test_interface_text_is_no_author_name():
    assert clean_authors(["View all posts by Jane Doe"]) == ["Jane Doe"]
    assert clean_authors(["Geschrieben von Cooper"]) == ["Cooper"]
    assert clean_authors(["3:51 pm 11 Edit", "link78", "By", "07 Dezember"]) == []
    assert clean_authors(["Amber Guetebier  Shares"]) == ["Amber Guetebier"]


def test_e_mail_addresses_usernames_and_domains_are_no_author_names():
    assert clean_authors(["jane.doe@example.com", "christian.stadtfeld", "finanztreff.de",
                          "https://x.example/jane"]) == []
    assert clean_authors(["Jane Doe (jane.doe@example.com)"]) == ["Jane Doe"]


def test_a_cms_placeholder_is_no_author_and_the_byline_is_read_instead():
    assert clean_authors(["name, email@gmail.com", "admin", "Unknown", "未知"]) == []
    head = '<meta name="author" content="admin">'
    byline = '<div class="byline">Von <a rel="author" href="/autor/dh/">David Hutzler</a></div>'
    assert extract(page(head, byline), URL).authors == ["David Hutzler"]


def test_a_chinese_page_s_credit_line_names_its_author_else_its_editor_in_charge():
    def chinese(credits: str) -> str:
        story = "<p>" + "市政府周二投票决定扩大城市公交网络，此举将缩短通勤时间。" * 3 + "</p>"
        return ("<html><head><title>公交网络扩大</title></head><body><h1>公交网络扩大</h1>"
                f"{story * 3}{credits}</body></html>")

    editor = "<div>责任编辑：孔德明</div>"
    assert extract(chinese(editor), URL).authors == ["孔德明"]
    authors = "<p>作者：余毅菁 向雪妮<a href='/'>返回首页</a></p>"
    assert extract(chinese(authors + editor), URL).authors == ["余毅菁", "向雪妮"]
    assert extract(chinese("<p>作者：未知</p>" + editor), URL).authors == ["孔德明"]
    assert extract(chinese("<p>作者：转载请注明出处</p>"), URL).authors == []


def test_an_organisation_keeps_its_commas_and_people_are_split_at_theirs():
    assert clean_authors(["Acme Holdings, Inc."]) == ["Acme Holdings, Inc."]
    assert clean_authors(["Department of Health and Human Services"]) == [
        "Department of Health and Human Services"]
    assert clean_authors(["Jane Doe, John Roe"]) == ["Jane Doe", "John Roe"]
    assert clean_authors(["Grant Tinsley, PhD"]) == ["Grant Tinsley"]
    assert clean_authors(["AFP/The Local"]) == ["AFP/The Local"]
    assert clean_authors(["Martin Untersinger (avec Damien Leloup et Morgane Tual)"]) == [
        "Martin Untersinger", "Damien Leloup", "Morgane Tual"]


def test_the_site_s_own_name_gives_way_to_the_byline_and_a_blog_s_person_publisher_counts():
    head = ('<meta property="og:site_name" content="finanztreff">'
            '<meta name="author" content="finanztreff">')
    byline = '<div class="byline">Von <a rel="author" href="/autor/dh/">David Hutzler</a></div>'
    assert extract(page(head, byline), URL).authors == ["David Hutzler"]
    article = extract(page(head), URL)  # no byline: the site wrote it, as its metadata says
    assert (article.authors, article.sources["authors"]) == (["finanztreff"], "meta")
    blog = page(jsonld(author={"@type": "Person", "name": "Andreas Kalt"},
                       publisher={"@type": "Person", "name": "Andreas Kalt"}))
    assert extract(blog, URL).authors == ["Andreas Kalt"]


def test_the_title_of_a_page_whose_head_a_php_warning_pushed_into_the_body_is_read():
    html = ("<b>Warning</b>: mysql_get_server_info(): no link in <b>/www/x.php</b><br />\n"
            "<!DOCTYPE html><html><head><title>Alles Neue mach der Mai | Blog</title>"
            '<meta property="og:site_name" content="Blog"></head><body><svg><title>Menu'
            f"</title></svg><h2>Alles Neue mach der Mai</h2>{BODY}</body></html>")
    assert extract(html, URL).title == "Alles Neue mach der Mai"
    icon_only = f"<html><head></head><body><svg><title>Menu</title></svg>{BODY}</body></html>"
    assert extract(icon_only, URL).title is None  # an icon's tooltip names no page


def test_a_meta_value_cut_at_an_unescaped_quote_is_not_the_title():
    # NetEase: the quote inside og:title's value ends it; the rest becomes attribute names
    head = ('<meta property="og:title" '
            'content="奖金711万元！" 中国诺贝尔奖"首位获奖女性啥来头?"="">'
            '<title>奖金711万元！"中国诺贝尔奖"首位获奖女性啥来头?_网易新闻</title>')
    body = "<h1>奖金711万元！\"中国诺贝尔奖\"首位获奖女性啥来头?</h1>" + "".join(
        f"<p>第{i}段。新京报讯，中国男篮以77比73战胜韩国队，保住进军东京奥运会的希望。</p>"
        for i in range(5))
    html = f"<html lang='zh'><head>{head}</head><body><article>{body}</article></body></html>"
    assert extract(html, "https://news.example/19/0908/a.html").title == \
        '奖金711万元！"中国诺贝尔奖"首位获奖女性啥来头?'
