"""Publication dates as pages write them, kept in the page's own offset, and found in the
page's text when its markup says nothing (the date failure classes of issue 13)."""

from __future__ import annotations

import json
import unicodedata
from datetime import UTC, date, datetime

import pytest

from scraper import extract
from scraper.extraction.dates import normalise_date, parse_date
from scraper.extraction.monthnames import MONTH_NAMES
from scraper.vocab import FIELD_SOURCES

NOW = datetime(2024, 6, 1, tzinfo=UTC)
URL = "https://news.example/world/a-story-about-things/"
BODY = "".join(f"<p>Paragraph {i}. The council voted on Tuesday to expand the city's bus "
               "network, a decision officials said would shorten commutes.</p>" for i in range(4))


def page(head: str = "", body: str = "", lang: str = "en") -> str:
    return (f'<html lang="{lang}"><head>{head}</head><body><article>{body}{BODY}</article>'
            "</body></html>")


def jsonld(kind: str = "NewsArticle", **fields: object) -> str:
    data = {"@context": "https://schema.org", "@type": kind, **fields}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


@pytest.mark.parametrize(("written", "iso"), [
    ("12/20/2023 20:41:43", "2023-12-20T20:41:43"),  # US order, settled by the 20
    ("Fri, 12/22/2023 - 05:00", "2023-12-22T05:00:00"),  # Drupal's default format
    ("12/21/2023 4:30:26 PM", "2023-12-21T16:30:26"),
    ("2023-12-21T10:21:09.532072Z EST", "2023-12-21T10:21:09+00:00"),  # Z wins over a name
    ("2022-1-26T14:32:06+02:00", "2022-01-26T14:32:06+02:00"),  # one-digit month
    ("2022-05-11T4:10:00", "2022-05-11T04:10:00"),
    ("01-11-2023 10:29", "2023-11-01T10:29:00"),  # day first with dashes
    ("28.01.22", "2022-01-28"),
    ("4 de mayo de 2022", "2022-05-04"),
    ("19th of November 2019", "2019-11-19"),
    ("2019年10月22日", "2019-10-22"),
    ("23 mai 2019", "2019-05-23"),
    ("1 października 2021", "2021-10-01"),
    # the month names of the languages news is written in (monthnames.py)
    ("22 Οκτωβρίου 2019", "2019-10-22"),  # Greek, genitive
    ("2019. október 22. 14:05", "2019-10-22T14:05:00"),  # Hungarian: year first
    ("2019 m. spalio 22 d.", "2019-10-22"),  # Lithuanian
    ("Thứ ba, 22 tháng 10 năm 2019", "2019-10-22"),  # Vietnamese: the month as a number
    ("२२ अक्टूबर २०१९", "2019-10-22"),  # Hindi, Devanagari digits and vowel signs
    ("২২ অক্টোবর ২০১৯", "2019-10-22"),  # Bengali
    ("22 أكتوبر 2019", "2019-10-22"),  # Arabic
    ("22 ابريل 2019", "2019-04-22"),  # ... written without its hamza
    ("22 жовтня 2019", "2019-10-22"),  # Ukrainian
    ("22. lokakuuta 2019", "2019-10-22"),  # Finnish
    ("22 octombrie 2019", "2019-10-22"),  # Romanian
    ("22 d’octubre de 2019", "2019-10-22"),  # Catalan
    ("22 באוקטובר 2019", "2019-10-22"),  # Hebrew, "in October"
    ("22 EKİM 2019", "2019-10-22"),  # Turkish capitals: "İ" lowercases with a dot above
])
def test_dates_in_the_forms_unseen_pages_write_them_are_read(written: str, iso: str) -> None:
    assert normalise_date(written, NOW) == (iso, None)


def test_every_month_name_of_every_language_reads_as_its_month_with_or_without_accents(
) -> None:
    for language, row in MONTH_NAMES.items():
        slots = row.split()
        assert len(slots) == 12, language
        for number, slot in enumerate(slots, start=1):
            for name in slot.split("/") if slot != "-" else ():
                bare = "".join(c for c in unicodedata.normalize("NFD", name)
                               if unicodedata.category(c) not in ("Mn", "Mc"))
                for form in (name, name.upper(), bare) if len(bare) >= 3 else (name,):
                    assert parse_date(f"22 {form} 2019") == date(2019, number, 22), (
                        language, form)


def test_a_bare_year_is_no_publication_date() -> None:
    value, warning = normalise_date("1988", NOW)
    assert value == "1988" and "unparsable" in warning


def test_the_page_s_own_offset_is_kept_over_a_utc_copy_of_the_same_moment() -> None:
    html = page(jsonld(datePublished="2020-02-25T02:25:54Z") +
                '<meta property="article:published_time" content="2020-02-24T21:25:54-05:00">')
    article = extract(html, URL)
    assert article.published == "2020-02-24T21:25:54-05:00"


def test_the_page_s_meta_date_wins_over_a_json_ld_date_on_another_day() -> None:
    html = page(jsonld(datePublished="2022-01-04T07:29:00.000Z") +
                '<meta property="article:published_time" content="2022-01-06T08:29:34">')
    assert extract(html, URL).published == "2022-01-06T08:29:34"


def test_a_local_time_without_offset_gets_the_offset_that_makes_it_the_utc_moment() -> None:
    html = page(jsonld(datePublished="2023-11-09T05:30:59Z"),
                '<time datetime="2023-11-08 23:30:59">Nov 8</time>')
    assert extract(html, URL).published == "2023-11-08T23:30:59-06:00"


def test_a_utc_stamp_on_the_day_after_the_url_s_date_gives_the_url_s_day() -> None:
    html = page(jsonld(datePublished="2020-02-25T02:25:54Z"))
    article = extract(html, "https://news.example/2020/02/24/a-story-about-things/")
    assert (article.published, article.sources["published"]) == ("2020-02-24", "url")


def test_a_teaser_s_time_far_from_the_url_s_date_gives_way_to_the_url() -> None:
    html = page(body='<aside><time datetime="2009-04-11T18:06:36">Apr 2009</time></aside>')
    article = extract(html, "https://news.example/2019/10/22/a-story-about-things/")
    assert article.published == "2019-10-22"


def test_the_time_by_the_headline_wins_over_the_first_one_on_the_page() -> None:
    html = (f'<html lang="en"><body><div class="latest"><time datetime="2020-12-03T07:32:49">'
            f'Dec 3</time></div><article><h1>A story</h1><time datetime="2023-10-31T09:00:00">'
            f"Oct 31</time>{BODY}</article></body></html>")
    assert extract(html, URL).published == "2023-10-31T09:00:00"


def test_a_webpage_node_dates_a_page_without_an_article_node() -> None:
    html = page(jsonld("WebPage", datePublished="2014-03-17T01:44:37+00:00"))
    assert extract(html, URL).published == "2014-03-17T01:44:37+00:00"


def test_rdfa_dates_on_any_element_are_read() -> None:
    html = page(body='<span property="schema:dateCreated" content="2022-01-28T12:45:46+00:00">'
                     "28.01.22</span>")
    assert extract(html, URL).published == "2022-01-28T12:45:46+00:00"


def test_without_markup_the_dateline_nearest_after_the_headline_is_the_date() -> None:
    html = (f'<html lang="de"><body><div class="teaser-date">01.01.2020</div><article>'
            f'<h1>Ein Bericht</h1><span class="itemPostDate">am 25.08.2015 22:30</span>{BODY}'
            f"</article></body></html>")
    article = extract(html, URL)
    assert (article.published, article.sources["published"]) == ("2015-08-25T22:30:00",
                                                                   "dateline")


def test_a_comment_s_date_after_the_headline_is_not_the_story_s_dateline() -> None:
    html = (f'<html lang="de"><body><div class="post"><div class="date-header">Freitag, 5. '
            f'Juni 2015</div><h1>Leserunde im Juni</h1>{BODY}<div class="comments">'
            f'<span class="datetime">6. Juni 2015 um 10:23</span><p>Toll!</p></div></div>'
            "</body></html>")
    assert extract(html, URL).published == "2015-06-05"


def test_without_markup_a_date_the_text_introduces_is_the_date() -> None:
    html = page(body='<p class="title">Mise en ligne</p><p class="content">23 mai 2019</p>',
                lang="fr")
    assert extract(html, URL).published == "2019-05-23"


def test_without_markup_a_date_in_the_title_or_under_the_headline_is_the_date() -> None:
    titled = page("<title>23.01.2022 - Wierer darf starten</title>")
    assert extract(titled, URL).published == "2022-01-23"
    under = page(body="<h1>Illegale Migration</h1><p><em>10.11.2021</em></p><p>Bis zum "
                      "9. November 2021 registrierte die Polizei mehr Einreisen.</p>")
    assert extract(under, URL).published == "2021-11-10"


def test_a_date_in_the_slug_dates_a_page_without_any_other() -> None:
    assert extract(page(), "https://news.example/meldungen/29-10-2021").published == (
        "2021-10-29")


def test_a_date_written_with_bars_between_its_parts_is_read() -> None:
    html = page(body="<h1>Winterhechte im Bielersee</h1><p>26 | 01 | 2022</p>", lang="de")
    assert extract(html, URL).published == "2022-01-26"


def test_a_date_under_the_headline_past_deeply_indented_markup_is_found() -> None:
    indent = "\n" + " " * 400  # pretty-printed templates: whitespace between text nodes
    furniture = "".join(f"{indent}<div>{indent}<span>Teilen</span>{indent}</div>"
                        for _ in range(8))
    html = page(body=f"<h1>Hybridbatterie vorgestellt</h1>{furniture}<p>01.11.2023</p>",
                lang="de")
    assert extract(html, URL).published == "2023-11-01"


def test_a_page_that_states_only_its_last_update_is_dated_by_it() -> None:
    long_body = BODY * 4  # the update note sits below the opening of the text
    html = page(body=f"<h1>Penny</h1>{long_body}<p>This page was last modified on 25 "
                     "October 2020, at 14:02.</p>")
    article = extract(html, URL)
    assert article.published == "2020-10-25"


def test_the_date_just_above_the_headline_wins_over_a_date_further_down_the_story() -> None:
    html = page(body="<p>Zurück zum Newsroom</p><p>06.12.2022</p><h1>Bürgerbeteiligung am "
                     "Windpark</h1><p>Die Stadt bietet ihren Bürgern vom 9.1. bis 10.2.2023 die "
                     "Möglichkeit, Teil des Windparks zu werden.</p>", lang="de")
    assert extract(html, URL).published == "2022-12-06"


def test_a_dateline_under_a_heading_that_is_no_h1_and_has_no_date_class_dates_the_page(
        ) -> None:
    links = "".join(f'<li><a href="/seite-{i}">Wettkampfkalender und Termine {i}</a></li>'
                    for i in range(60))  # the <h1> names a menu, far above the story
    html = page(body=f'<div class="quick"><h1>Quicklinks</h1><ul>{links}</ul></div><h2>'
                     'Levelpässe können ab sofort bestellt werden</h2><b>Synchronschwimmen</b>'
                     '<br><span class="blue">01.02.2022</span>', lang="de")
    assert extract(html, URL).published == "2022-02-01"


@pytest.mark.parametrize("script", [
    'window.__DATA = {"article": {"datePublished": "2021-03-04T10:00:00Z"}};',
    "var meta = {'publish_date':'2021-03-04T10:00:00Z'};",
    'pubDate = "2021-03-04T10:00:00Z"',
    'var DATA = {"article_id": "5183008", "pubtime": "2021-03-04T10:00:00Z"};',  # Tencent
])
def test_without_markup_or_a_shown_date_a_date_key_in_the_page_s_scripts_dates_it(
        script: str) -> None:
    html = page(body=f"<h1>A story about things</h1><script>{script}</script>")
    article = extract(html, URL)
    assert (article.published, article.sources["published"]) == (
        "2021-03-04T10:00:00+00:00", "script")
    assert "script" in FIELD_SOURCES


@pytest.mark.parametrize(("head", "published"), [
    ('<meta name="DC.Issued" content="2021-07-13">', "2021-07-13"),  # Dublin Core
    ('<meta property="og:regDate" content="20210820030646">', "2021-08-20T03:06:46"),
    ('<meta name="pubdate" content="20180619T055000+0900">', "2018-06-19T05:50:00+09:00"),
    ('<meta itemprop="datePublished" datetime="2018-02-02">', "2018-02-02"),  # no content
])
def test_the_date_keys_and_basic_iso_forms_other_extractors_know_are_read(
        head: str, published: str) -> None:
    assert extract(page(head), URL).published == published


def test_a_stamp_classed_as_the_update_is_the_modified_date_not_the_publication() -> None:
    html = page(body='<time datetime="2011-09-28" class="updated">28 Sep</time>'
                     '<time datetime="2011-09-27" class="entry-date">27 Sep</time>')
    article = extract(html, URL)
    assert (article.published, article.modified) == ("2011-09-27", "2011-09-28")


def test_wordpress_s_stamp_of_an_unchanged_post_is_its_publication() -> None:
    html = page(body='<time datetime="2020-02-14T08:00:00" class="entry-date published '
                     'updated">14 Feb</time>')
    article = extract(html, URL)
    assert (article.published, article.modified) == ("2020-02-14T08:00:00", None)


@pytest.mark.parametrize("stamp", [
    '<abbr class="published" title="WHO">WHO</abbr><abbr class="published" '
    'title="2016-11-12">12 Nov</abbr>',  # hAtom: an abbreviation first, then the date
    '<abbr data-utime="1478908800" class="timestamp">Saturday</abbr>',  # a Unix time
])
def test_hatom_and_unix_time_stamps_date_the_page(stamp: str) -> None:
    assert (extract(page(body=stamp), URL).published or "")[:10] == "2016-11-12"


def test_a_page_whose_markup_gives_only_its_last_update_is_dated_by_it() -> None:
    html = page('<meta http-equiv="last-modified" content="2018-10-01">')
    article = extract(html, URL)
    assert (article.published, article.modified) == ("2018-10-01", "2018-10-01")
    assert article.sources["published"] == "modified" and "modified" in FIELD_SOURCES


def test_an_unpadded_date_in_the_url_or_a_date_in_the_canonical_url_dates_the_page() -> None:
    assert extract(page(), "https://news.example/news/2019/6/26/dm4wjh7s").published == (
        "2019-06-26")
    assert extract(page(), "https://news.example/a/2019/611/x").published is None  # an id
    canonical = page('<link rel="canonical" href="https://news.example/2018/02/01/entry">')
    assert extract(canonical, "https://news.example/s/x9").published == "2018-02-01"


def test_the_update_the_dateline_states_is_the_modified_date_when_the_markup_gives_none(
        ) -> None:
    for line, modified in (("Von Ulrike S. Aktualisiert am 19.02.2020", "2020-02-19"),
                           ("Por: Juan Diego | Actualizado el: 19 abril 2022", "2022-04-19"),
                           ("By Jane Doe. Updated: 3 May 2021", "2021-05-03")):
        html = page(jsonld(datePublished="2019-09-26"),
                    f"<header><h1>A story about things</h1><p>{line}</p></header>")
        article = extract(html, URL)
        assert (article.published, article.modified) == ("2019-09-26", modified), line
        assert article.sources["modified"] == "dateline"
    # an "update" before the publication is another date; markup's own modified date wins
    early = page(jsonld(datePublished="2022-01-05"),
                 "<header><h1>A story about things</h1><p>Updated 3 May 2021</p></header>")
    assert extract(early, URL).modified is None
    marked = page(jsonld(datePublished="2019-09-26", dateModified="2019-10-01"),
                  "<header><h1>A story about things</h1><p>Updated 3 May 2021</p></header>")
    assert extract(marked, URL).modified == "2019-10-01"


def test_baidu_s_cambrian_json_ld_dates_a_chinese_page_over_its_teasers_times() -> None:
    # Baidu's JSON-LD context names no @type and writes its own keys ("pubDate", "upDate")
    cambrian = {"@context": "https://zhanzhang.baidu.com/contexts/cambrian.jsonld",
                "title": "逆水寒的新院门", "pubDate": "2019-09-05T11:10:52",
                "upDate": "2019-09-06T08:00:00"}
    head = f'<script type="application/ld+json">{json.dumps(cambrian)}</script>'
    teasers = "".join(f"<li><a href='/n/{i}'>别的新闻 {i}</a><time>2019-09-07</time></li>"
                      for i in range(3))
    article = extract(page(head, f"<h1>逆水寒的新院门</h1><ul>{teasers}</ul>", lang="zh"), URL)
    assert article.published == "2019-09-05T11:10:52"
    assert article.modified == "2019-09-06T08:00:00"
    assert article.sources["published"] == "json-ld"


def test_a_date_the_story_mentions_near_its_top_gives_way_to_the_page_s_script_key() -> None:
    html = (f'<html lang="zh"><body><article><h1>儿歌一分钱被改成一元钱</h1>'
            f"<p>潘振声创作的大量儿童歌曲被人们誉为当代儿歌大王。他2009年5月14日在南京逝世，享年77岁。"
            f"</p>{BODY}</article><script>var DATA = {{\"pubtime\": \"2019-09-07 19:02:26\"}};"
            f"</script></body></html>")
    article = extract(html, URL)
    assert (article.published, article.sources["published"]) == ("2019-09-07T19:02:26", "script")


def test_a_slashed_date_with_a_two_digit_year_counts_right_after_a_date_label() -> None:
    for written, iso in (("Last updated: 1/23/21", "2021-01-23"),
                         ("Last updated: 23/1/21", "2021-01-23"),
                         ("Posted 5/5/20", "2020-05-05")):
        html = (f"<html lang='en'><body><p><em>{written}</em></p>"
                "<p>The council voted on Tuesday.</p></body></html>")
        assert extract(html, URL).published == iso, written
    # anywhere else such a figure is a score or a fraction, no date
    html = ("<html lang='en'><body><p>The team won 5/5/20 of its last games, the coach said, "
            "and the council voted on Tuesday.</p></body></html>")
    assert extract(html, URL).published is None
