"""Generic extraction (no site file): body text, link widgets, and the accuracy floor on the
public scrapinghub benchmark. Speed is measured in bench/extraction.py, never here."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from scraper import extract

URL = "https://news.example/2021/02/02/a-story-about-things/"
PROSE = ("The council voted on Tuesday to expand the city's bus network, a decision that "
         "officials said would shorten commutes for thousands of residents in the east.")


def page(body: str, head: str = "") -> str:
    return (f"<html lang='en'><head><title>A story | News</title>{head}</head>"
            f"<body>{body}</body></html>")


def paragraphs(n: int, prefix: str = "Paragraph") -> str:
    return "".join(f"<p>{prefix} {i}. {PROSE}</p>" for i in range(n))


def test_body_keeps_headings_lists_quotes_and_code_as_blank_line_separated_blocks():
    html = page(f"""
      <article><h1>A story</h1><div class="entry-content">
        <p>{PROSE}</p><h2>What changes</h2>
        <ul><li>Line 4 runs every ten minutes.</li><li>Night buses return.</li></ul>
        <blockquote><p>It is a good day for riders, the mayor said.</p></blockquote>
        <pre><code>route = 4</code></pre><p>Second {PROSE}</p>
      </div></article>""")
    article = extract(html, URL)
    assert article.text.split("\n\n") == [
        PROSE, "What changes", "Line 4 runs every ten minutes.", "Night buses return.",
        "It is a good day for riders, the mayor said.", "route = 4", f"Second {PROSE}"]
    assert article.sources["text"] == "marker"


def test_body_drops_navigation_share_bar_ads_cookie_banner_newsletter_and_scripts():
    html = page(f"""
      <nav><a href="/">Home</a><a href="/world/">World</a></nav>
      <div id="cookie-banner">We use cookies to improve your experience on our site today.</div>
      <main><h1>A story</h1>
        <div class="share-bar"><a href="https://x.example/share">Share on X</a></div>
        <div class="post-body">
          {paragraphs(3)}
          <div class="ad-slot">Advertisement</div>
          <script>var tracking = "Paragraph 9";</script>
          <div class="newsletter-signup">Sign up for our newsletter to get the news daily.</div>
          <figure><img src="a.jpg"><figcaption>A bus in the rain.</figcaption></figure>
          {paragraphs(2, "More")}
        </div>
        <div class="comments"><p>Great article! {PROSE}</p></div>
      </main>
      <footer><p>Copyright News Example. {PROSE}</p></footer>""")
    text = extract(html, URL).text
    assert text.count("\n\n") == 4 and text.startswith("Paragraph 0.")
    for noise in ("Share on X", "Advertisement", "tracking", "newsletter", "cookies",
                  "A bus in the rain", "Great article", "Copyright", "Home"):
        assert noise not in text


def test_related_box_inside_the_body_becomes_link_rows_not_text():
    related = "".join(f'<li><a href="/2021/01/0{i}/another-long-story-{i}/">Another long story '
                      f"number {i}</a></li>" for i in range(1, 4))
    html = page(f"""<article><h1>A story</h1><div class="article-body">{paragraphs(3)}
        <aside class="related-links"><h3>Read also</h3><ul>{related}</ul></aside>
        {paragraphs(1, "Last")}</div></article>""")
    article = extract(html, URL)
    assert "Another long story" not in article.text
    assert [(link.kind, link.position) for link in article.links] == [
        ("related", 1), ("related", 2), ("related", 3)]


def test_a_box_of_related_teasers_marked_article_is_not_taken_for_the_body():
    teasers = "".join(f"<div><p>Teaser {i}. {PROSE}</p></div>" for i in range(4))
    html = page(f"""<article class="teasers"><h3>You may like</h3>{teasers}</article>
        <div id="story"><h1>A story</h1><p>Real one. {PROSE} {PROSE}</p>
        <p>Real two. {PROSE} {PROSE}</p></div>""")
    text = extract(html, URL).text
    assert text.startswith("Real one.") and "Teaser" not in text


def test_a_body_split_into_marked_chunks_between_ads_is_kept_whole():
    chunk = '<div class="grid"><div class="article__body">{}</div></div>'
    html = page(f"""<article><h1>A story</h1>{chunk.format(paragraphs(1, "One"))}
        <div class="ad-slot">Advertisement</div>{chunk.format(paragraphs(3, "Two"))}
        <div class="ad-slot">Advertisement</div>{chunk.format(paragraphs(1, "Three"))}
        </article>""")
    text = extract(html, URL).text
    assert text.startswith("One 0.") and "Two 2." in text and text.endswith("in the east.")
    assert "Three 0." in text and "Advertisement" not in text


def test_later_chunks_carrying_the_body_class_with_other_classes_are_kept_too():
    html = page(f"""<article><h1>A story</h1>
        <div class="article-default-bodytext bodytext">{paragraphs(3, "One")}</div>
        <div class="sections"><section class="section-quote"><div class="bodytext">
        {paragraphs(1, "Two")}</div></section><section><div class="bodytext">
        {paragraphs(1, "Three")}</div></section></div></article>""")
    text = extract(html, URL).text
    assert text.startswith("One 0.") and "Two 0." in text and "Three 0." in text


def test_a_classic_wordpress_theme_s_post_metadata_line_is_not_body():
    html = page(f"""<div class="post"><h1>A story</h1><div class="entry">{paragraphs(3)}
        <p class="postmetadata alt">Der Beitrag wurde am Mittwoch, den 27. November 2019 um
        15:21 Uhr veröffentlicht und wurde unter <a href="/category/allgemein">Allgemein</a>
        abgelegt.</p></div></div>""")
    text = extract(html, URL).text
    assert text.startswith("Paragraph 0.") and "Der Beitrag wurde" not in text


def test_php_error_messages_a_site_prints_into_its_page_are_not_body():
    warning = ("<b>Warning</b>: Creating default object from empty value in "
               "<b>/www/htdocs/w0094d70/wp-includes/classes.php</b> on line <b>407</b>")
    html = page(f"""<article><h1>A story</h1><div class="entry-content"><p>{warning}</p>
        {paragraphs(2)}<p>Deprecated: preg_replace(): The /e modifier is deprecated in
        /www/htdocs/wp-includes/formatting.php on line 82 {PROSE}</p></div></article>""")
    text = extract(html, URL).text
    assert text.startswith("Paragraph 0.") and text.endswith(PROSE)
    assert "on line" not in text and "Warning" not in text


def test_hidden_text_that_outweighs_the_story_is_not_chosen_as_the_body():
    terms = paragraphs(8, "Terms")
    html = page(f"""<div id="shipping" style="display: none">{terms}</div>
        <div class="modal" hidden><div class="modal-body">{terms}</div></div>
        <div class="page"><h1>A story</h1><div class="text">{paragraphs(3)}</div></div>""")
    text = extract(html, URL).text
    assert text.startswith("Paragraph 0.") and "Terms" not in text


def test_the_hidden_pages_of_a_paged_article_are_kept_beside_the_shown_one():
    sections = "".join(
        f'<div id="section-{i}" class="gallery-section hidden" style="display: none;">'
        f"<h2>{i}. Item {i}</h2>{paragraphs(2, f'Item {i}')}</div>" for i in range(1, 6))
    html = page(f"""<div class="dialog-text" style="display: none">{paragraphs(8, "Terms")}</div>
        <article><div class="post_content_wrap"><h1>A story</h1>
        <div id="section-0" class="gallery-section" style="display: block;">
          {paragraphs(2, "Intro")}</div>{sections}</div></article>""")
    text = extract(html, URL).text
    assert text.startswith("Intro 0.") and text.endswith(f"Item 5 1. {PROSE}")
    assert "Terms" not in text  # a hidden element with no shown twin is still no article


def test_the_next_stories_an_endless_page_appends_are_not_read_into_this_one():
    def story(i: int, title: str, prefix: str) -> str:
        return (f'<article id="article-{i}" class="entry-main-content"><h1>{title}</h1>'
                f'<p class="byline">By A. Writer</p>{paragraphs(3, prefix)}</article>')
    live = "".join(f'<article class="post"><h1>{i}:00</h1><p>Update {i}. {PROSE}</p></article>'
                   for i in range(2))
    html = page(f"""<section class="main-content entry-content" role="main">
        <div class="scrollblock">{story(0, "A story", "Story")}</div>
        <div class="scrollblock">{story(1, "Another story", "Next")}</div>
        <div class="scrollblock">{story(2, "A third story", "Third")}</div></section>""",
                head='<meta property="og:title" content="A story">')
    article = extract(html, URL)
    assert article.text.startswith("Story 0.") and article.text.endswith(f"Story 2. {PROSE}")
    assert "Next" not in article.text and "Third" not in article.text
    # the posts of a live blog are inside its story: they are the story
    html = page(f"""<article class="live"><h1>A story</h1>{paragraphs(2, "Story")}{live}
        </article>""", head='<meta property="og:title" content="A story">')
    assert extract(html, URL).text.count("Update") == 2


def test_a_blog_name_set_in_an_h1_above_the_story_is_not_taken_for_its_headline():
    html = page(f"""<header><h1 class="site-title">The Example Blog</h1></header>
        <div id="content"><article class="post"><h1>A story</h1>
        <p>By <a href="/author/jane/" rel="author">Jane Doe</a></p>{paragraphs(3)}</article>
        </div>""", head='<meta property="og:title" content="A story">')
    article = extract(html, URL)
    assert article.title == "A story"
    assert article.text.startswith("Paragraph 0.")  # the headline is not body text
    assert article.authors == ["Jane Doe"]


@pytest.mark.parametrize("control", ['<div class="close" data-what="vkinfo">Schließen [X]</div>',
                                     '<a href="#">×</a>', "<span>Close</span>"])
def test_a_dialogue_the_stylesheet_hides_is_known_by_its_close_control(control: str):
    html = page(f"""<div id="vkinfo">{control}<h3>Versandkosten</h3>{paragraphs(8, "Terms")}
        </div><div class="page"><h1>A story</h1><div class="text">{paragraphs(3)}</div></div>""")
    text = extract(html, URL).text
    assert text.startswith("Paragraph 0.") and "Terms" not in text


def test_a_sidebar_or_footer_marked_by_aria_role_is_furniture_like_the_tag():
    html = page(f"""<div role="complementary"><div class="box">{paragraphs(6, "Side")}</div>
        </div><div class="page"><h1>A story</h1><div class="text">{paragraphs(3)}
        <div role="navigation"><p>Previous story: the council's budget, and why the mayor
        voted against it in the end.</p></div></div></div>""")
    text = extract(html, URL).text
    assert text.startswith("Paragraph 0.") and "Side" not in text
    assert "Previous story" not in text


def test_a_marked_body_told_in_short_lines_is_not_emptied_by_the_context_rule():
    lines = ["Der Zug nach Halle fährt um 7 Uhr am Hauptbahnhof ab",
             "Die Halle öffnet um 9 Uhr für alle Besucher",
             "Der Eintritt kostet zehn Euro an der Tageskasse",
             "Kinder unter sechs Jahren haben freien Eintritt",
             "Parkplätze gibt es am Bahnhof und am Markt", "Anmeldung bis zum 3. März"]
    html = page("<article><h1>Ausflug</h1><div class=\"entry-content\">" +
                "".join(f"<p>{line}</p>" for line in lines) + "</div></article>")
    assert extract(html, URL).text.split("\n\n") == lines
    login = page('<article><h1>A story</h1><div class="entry-content"><p>Mein Konto – '
                 "Neues Konto anlegen</p></div></article>")
    assert extract(login, URL).text == ""


def test_page_without_paragraph_tags_still_gives_its_text():
    lines = "<br>".join(f"Line {i}: {PROSE}" for i in range(4))
    html = page(f'<div class="menu"><a href="/">Home</a></div><div class="view">{lines}</div>')
    text = extract(html, URL).text
    assert "Line 0:" in text and "Line 3:" in text and "Home" not in text


def _jsonld(body: str) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "A story",
            "articleBody": body}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_complete_json_ld_article_body_is_used_when_the_page_shows_only_a_teaser():
    full = f"{PROSE}\n{PROSE} And more.\n{PROSE} The end."
    html = page(f'<div class="article-body"><p>{PROSE[:90]}</p></div>', _jsonld(full))
    article = extract(html, URL)
    assert article.text == "\n\n".join(full.split("\n"))
    assert article.sources["text"] == "json-ld"


def test_truncated_json_ld_article_body_is_ignored():
    html = page(f'<div class="article-body">{paragraphs(3)}</div>',
                _jsonld(PROSE * 5 + " and so on&hellip;"))
    article = extract(html, URL)
    assert article.sources["text"] == "marker" and article.text.startswith("Paragraph 0.")


def _widget(heading: str, slug: str) -> str:
    items = "".join(f'<li><a href="/2021/01/0{i}/{slug}-story-number-{i}/">A {slug} story, '
                    f"number {i}</a><p>Its teaser {i}.</p></li>" for i in range(1, 4))
    return f'<div class="box"><h3>{heading}</h3><ul>{items}</ul></div>'


def test_widgets_under_known_headings_get_their_kind_and_unknown_ones_stay_other():
    html = page(f"""<article><h1>A story</h1>{paragraphs(3)}</article>
        <aside>{_widget("Latest news", "latest")}{_widget("Most read", "popular")}
        {_widget("Picked by our staff", "staff")}</aside>""")
    links = extract(html, URL).links
    assert [(k.kind, k.heading) for k in links if k.position == 1] == [
        ("latest", "Latest news"), ("popular", "Most read"), ("other", "Picked by our staff")]
    first = links[0]
    assert first.url == "https://news.example/2021/01/01/latest-story-number-1/"
    assert (first.title, first.teaser) == ("A latest story, number 1", "Its teaser 1.")


def test_widget_items_are_only_articles_of_the_same_site():
    items = ('<li><a href="https://other.example/2021/01/01/a-story-elsewhere-now/">A story '
             'elsewhere, now</a></li><li><a href="/category/world/">World news section</a></li>'
             '<li><a href="/2021/01/02/one-more-story-here/">One more story here</a></li>')
    html = page(f"<article><h1>A story</h1>{paragraphs(3)}</article>"
                f"<div><h3>Related</h3><ul>{items}</ul></div>")
    links = extract(html, URL).links  # other sites' and section links are no items
    assert [(link.kind, link.url) for link in links] == [
        ("related", "https://news.example/2021/01/02/one-more-story-here/")]


def test_an_unknown_heading_over_one_link_is_no_widget():
    html = page(f"<article><h1>A story</h1>{paragraphs(3)}</article><div><h3>Picked by us"
                "</h3><ul><li><a href='/2021/01/02/one-more-story-here/'>One more story here"
                "</a></li></ul></div>")
    assert extract(html, URL).links == []


def _load_scoring():
    path = Path(__file__).resolve().parents[1] / "bench" / "scoring.py"
    spec = importlib.util.spec_from_file_location("bench_scoring", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_accuracy_on_the_scrapinghub_benchmark_stays_above_the_floor():
    scoring = _load_scoring()
    data = scoring.bench_dir()
    if not (data / "scrapinghub" / "ground-truth.json").is_file():
        pytest.skip(f"benchmark data not found at {data} (set ${scoring.ENV_VAR})")
    pages = scoring.load_pages(data)
    predictions = [extract(p.html, p.url).text for p in pages]
    result = scoring.score([p.truth for p in pages], predictions, rounds=100)
    assert len(pages) == 181
    assert result.f1 >= 0.93, result  # trafilatura 2.3.1: 0.960; this extractor: 0.975


def test_text_is_unicode_nfc_whatever_the_page_composed():
    decomposed = "Cafe\u0301 cre\u0300me " + PROSE  # "e" + combining accents
    article = extract(page(f"<article><h1>A story</h1>{paragraphs(2)}<p>{decomposed}</p>"
                           "</article>"), URL)
    assert "Café crème" in article.text and "\u0301" not in article.text


def _story(n: int = 10, wrap: str = "div") -> str:
    """A story told in ``n`` paragraphs, each in an element of its own."""
    return "".join(f"<{wrap} class='para'><p>Part {i}. {PROSE}</p></{wrap}>" for i in range(n))


def test_an_author_bio_marked_as_content_is_not_taken_for_a_story_of_many_small_blocks():
    bio = ("Jane Doe covers transport for the paper and has written about buses, trams and "
           "ferries for twenty years; she lives in the east of the city with two cats. " * 3)
    html = page(f"<article><h1>A story</h1>{_story()}"
                f"<div class='author-description entry-content'><p>{bio}</p></div></article>")
    text = extract(html, URL).text
    assert text.startswith("Part 0.") and "Part 9." in text


def test_a_pull_quote_in_paragraph_markup_is_not_taken_for_a_body_written_with_line_breaks():
    lines = "<br><br>".join(f"Line {i}: {PROSE}" for i in range(8))
    quote = "“It is a good day for riders,” the mayor said, “and a better one for the city.”"
    html = page(f"<article><h1>A story</h1><blockquote class='pullquote'><p>{quote} {quote}"
                f"</p></blockquote><div class='story-text'>{lines}</div></article>")
    text = extract(html, URL).text
    assert "Line 0:" in text and "Line 7:" in text


def test_the_lead_and_byline_in_the_header_are_not_taken_for_a_body_without_paragraphs():
    lines = "<br>".join(f"Line {i}: {PROSE}" for i in range(6))
    html = page(f"<header><p class='lead'>{PROSE}</p><p class='byline'>By Jane Doe, "
                f"Transport Reporter, on Tuesday</p></header><div class='copy'>{lines}</div>")
    text = extract(html, URL).text
    assert "Line 0:" in text and "Line 5:" in text


def test_a_container_whose_class_names_a_paywall_still_gives_the_story_it_holds():
    html = page(f"<article><h1>A story</h1><div class='a-content pmc-paywall'>{paragraphs(6)}"
                "</div><div class='related'><p>Read this next: another story about a thing "
                "that happened somewhere else in the region.</p></div></article>")
    text = extract(html, URL).text
    assert text.startswith("Paragraph 0.") and "Paragraph 5." in text


def test_cookie_consent_text_longer_than_the_story_is_not_appended_to_it():
    consent = "".join(f"<p>Cookie {i}: we and our partners store and access information on "
                      "your device to personalise ads and measure audiences.</p>"
                      for i in range(40))
    html = page(f"<div class='entry-content'>{paragraphs(4)}"
                f"<div class='cmp-consent-layer'>{consent}</div></div>")
    text = extract(html, URL).text
    assert text.startswith("Paragraph 0.") and "Cookie" not in text


def test_advertisement_share_and_rating_labels_between_paragraphs_are_dropped():
    html = page(f"""<div class="entry-content">{paragraphs(2)}<p>- Advertisement -</p>
        {paragraphs(2, "More")}<p>Share on Facebook</p><p>Tweet</p>{paragraphs(1, "Last")}
        <p>Rate this post</p><p>4.5/5 - (12 votes)</p></div>""")
    text = extract(html, URL).text
    for label in ("Advertisement", "Share on Facebook", "Tweet", "Rate this", "votes"):
        assert label not in text
    assert "More 1." in text and "Last 0." in text


@pytest.mark.parametrize(("advert", "share", "credit", "end_matter"), [
    ("Реклама", "Поделиться", "Фото: РИА Новости", "Читайте также:"),
    ("Reklam", "Paylaş", "Kaynak: AA", "İlgili Haberler"),
    ("Iklan", "Bagikan", "Sumber: Antara", "Baca juga"),
    ("إعلان", "مشاركة", "المصدر: وكالات", "اقرأ أيضا"),
    ("Quảng cáo", "Chia sẻ", "Nguồn: TTXVN", "Tin liên quan"),
    ("विज्ञापन", "Sdílet", "Zdroj: ČTK", "यह भी पढ़ें"),
], ids=["ru", "tr", "id", "ar", "vi", "hi-cs"])
def test_labels_credits_and_end_matter_in_the_languages_of_news_sites_are_not_body(
        advert: str, share: str, credit: str, end_matter: str) -> None:
    html = page(f"""<div class="entry-content">{paragraphs(3)}<p>{advert}</p>
        {paragraphs(2, "More")}<p>{share}</p><p>{credit}</p><h3>{end_matter}</h3>
        <p><a href="/2021/02/01/another-story/">Another story about another thing</a></p>
        <p>A line under the related links that is short.</p></div>""")
    blocks = extract(html, URL).text.split("\n\n")
    assert blocks[0].startswith("Paragraph 0.") and blocks[-1].startswith("More 1.")
    assert len(blocks) == 5


ZH_PROSE = "市政府周二投票决定扩大城市公交网络，官员表示此举将缩短东部数千居民的通勤时间。"


@pytest.mark.parametrize("end_matter", ["热门推荐", "相關新聞", "関連記事", "관련 기사"],
                         ids=["zh-hans", "zh-hant", "ja", "ko"])
def test_an_end_matter_label_in_chinese_japanese_or_korean_ends_the_story(end_matter):
    prose = "".join(f"<p>第{i}段。{ZH_PROSE}</p>" for i in range(4))
    teaser = "<h4>海尔4名员工午休被开除 员工：只有30分钟午餐时间</h4><ul><li>2019年09月06日</li>" \
             "<li>09:38</li><li>李诗韵</li><li>243,325</li></ul>"
    html = page(f"""<div class="entry-content">{prose}<div><h3>{end_matter}</h3>{teaser}{teaser}
        <p>24小时滚动播报最新的财经资讯和视频，更多粉丝福利扫描二维码关注（sinafinance）</p></div></div>""")
    blocks = extract(html, URL).text.split("\n\n")
    assert blocks[0].startswith("第0段。") and blocks[-1].startswith("第3段。")


@pytest.mark.parametrize("notice", [
    "【免责声明】本文仅代表作者本人观点，与和讯网无关。",
    "本文为CSDN原创文章，未经允许不得转载，如需转载请联系我们。",
    "(本文来自澎湃新闻，更多原创资讯请下载“澎湃新闻”APP)",
    "扫一扫在手机打开当前页面",
    "当前位置： 首页 > 新闻",
])
def test_a_chinese_portal_s_disclaimer_reprint_notice_or_app_prompt_is_not_body(notice):
    prose = "".join(f"<p>第{i}段。{ZH_PROSE}</p>" for i in range(4))
    quote = "<p>他说，这并不代表政府的观点。</p>"
    html = page(f'<div class="entry-content"><p>{notice}</p>{prose}{quote}<p>{notice}</p></div>')
    blocks = extract(html, URL).text.split("\n\n")
    assert blocks[0].startswith("第0段。") and blocks[-1] == "他说，这并不代表政府的观点。"


def test_a_qr_code_box_inside_the_body_is_furniture():
    profile = ("<div class='profile_container' id='js_profile_qrcode'><p>功能介绍 "
               "聚焦手机互联网领域的行业思考和产品体验，扫码关注我们的公众号。</p></div>")
    prose = "".join(f"<p>第{i}段。{ZH_PROSE}</p>" for i in range(4))
    html = page(f'<div class="rich_media_content">{profile}{prose}</div>')
    assert extract(html, URL).text.startswith("第0段。")


def test_kickers_above_and_end_matter_below_the_story_are_not_body():
    html = page(f"""<div class="article-body"><p>Politik</p><p>12.12.2022, 08:30 Uhr</p>
        {paragraphs(4)}<h3>Weitere Informationen</h3><p>Pressestelle, Tel. 0211 123</p>
        <p>Mehr zum Thema</p><p><a href="/x/">Ein anderer Artikel</a></p></div>""", )
    blocks = extract(html, URL).text.split("\n\n")
    assert blocks[0].startswith("Paragraph 0.") and blocks[-1].startswith("Paragraph 3.")


def test_a_short_pitch_after_an_end_matter_label_or_a_call_to_action_is_not_body():
    pitch = ("<p>Advertise with the most visited news site in the region: we offer flexible "
             "digital marketing packages, and your content reaches thousands of readers.</p>")
    for opener in ("<h3>Comments</h3>", "<p>Support our journalism: become a member today.</p>"):
        html = page(f"<div class='entry-content'>{paragraphs(6)}{opener}{pitch}</div>")
        assert extract(html, URL).text.split("\n\n")[-1].startswith("Paragraph 5.")
    # a label with a good part of the story after it is no end of the story
    html = page(f"<div class='entry-content'>{paragraphs(4)}<p>Read more</p>"
                f"{paragraphs(2, 'More')}</div>")
    assert extract(html, URL).text.split("\n\n")[-1].startswith("More 1.")


def test_an_address_element_in_the_body_is_a_contact_not_text():
    html = page(f"<div class='entry-content'>{paragraphs(3)}<address>Written by A. Writer, "
                f"a.writer@news.example - Last modified 03-10-2004</address></div>")
    text = extract(html, URL).text
    assert text.endswith("residents in the east.") and "a.writer" not in text


def test_boxes_sharing_the_layout_class_of_a_body_marked_by_its_id_are_not_its_chunks():
    tip = "Did you know? Many people in Spain suffer from eczema, a chronic skin condition."
    html = page(f"<div id='post_content' class='column span-14'>{paragraphs(4)}</div>"
                f"<div id='footer' class='column span-14'><p>{tip}</p><p>{tip}</p></div>")
    text = extract(html, URL).text
    assert text.startswith("Paragraph 0.") and "Did you know" not in text


def test_a_standfirst_printed_above_the_body_is_the_lead_not_the_first_paragraph():
    standfirst = "Buses will run every ten minutes on the new eastern line from Monday."
    html = page(f"<article><h1>A story</h1><div class='field-standfirst'><p>{standfirst}</p>"
                f"</div><div class='field-body'>{paragraphs(4)}</div></article>",
                f'<meta name="description" content="{standfirst}">')
    article = extract(html, URL)
    assert article.lead == standfirst and article.text.startswith("Paragraph 0.")


def test_a_lead_that_is_a_truncated_copy_of_the_first_paragraph_is_dropped():
    html = page(f"<article><h1>A story</h1>{paragraphs(4)}</article>",
                f'<meta property="og:description" content="Paragraph 0. {PROSE[:60]}">')
    article = extract(html, URL)
    assert article.lead is None and article.text.startswith("Paragraph 0.")
    assert "lead" not in article.sources  # no source gave the field


def test_a_description_that_repeats_the_headline_is_no_lead():
    html = page(f"<article><h1>Rezoning plan plagues a councilmember</h1>{paragraphs(4)}"
                "</article>",
                '<meta property="og:description" content="Rezoning plan plagues a councilmember">')
    article = extract(html, URL)
    assert article.title == "Rezoning plan plagues a councilmember"
    assert article.lead is None and "lead" not in article.sources


@pytest.mark.parametrize("description", [
    "Raptastisch",  # one word of the site's navigation or its name
    "Home",
    "Reiterrevue International",  # a few words holding the domain's label
    "www.reiterrevue.de",
    "Das Magazin für Reiter",  # og:site_name
])
def test_a_description_that_only_names_the_site_is_no_lead(description):
    html = page(f"<article><h1>Heulage: was Pferde brauchen</h1>{paragraphs(4)}</article>",
                f'<meta property="og:description" content="{description}">'
                '<meta property="og:site_name" content="Das Magazin für Reiter">')
    article = extract(html, "https://www.reiterrevue.de/ausbildung/heulage")
    assert article.lead is None and "lead" not in article.sources


def test_a_short_description_that_summarises_the_story_stays_the_lead():
    html = page(f"<article><h1>Tennis in Wien</h1>{paragraphs(4)}</article>",
                '<meta property="og:description" content="Karatsev und Monfils geschlagen">'
                '<meta property="og:site_name" content="Reiterrevue">')
    article = extract(html, "https://www.reiterrevue.de/tennis/wien")
    assert article.lead == "Karatsev und Monfils geschlagen"


def test_a_dateline_set_inside_the_first_sentence_stays_but_a_dateline_box_goes():
    html = page("<article><h1>A story</h1><div class='dateline'>March 18, 2015 at 8:12 PM</div>"
                f"<p><span class='dateline'>CAIRO —</span> Gunmen opened fire. {PROSE}</p>"
                f"{paragraphs(3)}</article>")
    text = extract(html, URL).text
    assert text.startswith("CAIRO — Gunmen opened fire.") and "March 18" not in text


def test_the_author_s_bio_after_the_story_is_not_body_but_a_last_line_naming_others_is():
    bio = "<p>Sarah Moreno covers business and trends in South Florida. She studied in Miami.</p>"
    html = page(f"<article><h1>A story</h1><p class='byline'>By Sarah Moreno</p>{paragraphs(4)}"
                f"{bio}</article>")
    article = extract(html, URL)
    assert article.authors == ["Sarah Moreno"]
    assert article.text.split("\n\n")[-1].startswith("Paragraph 3.")
    quote = "<p>Maria Lopez, the mayor, said the buses would run from Monday.</p>"
    html = page(f"<article><h1>A story</h1><p class='byline'>By Sarah Moreno</p>{paragraphs(4)}"
                f"{quote}</article>")
    assert extract(html, URL).text.endswith("the buses would run from Monday.")


def test_the_headline_printed_again_as_the_body_s_first_heading_is_not_text():
    html = page(f"<div class='entry-content'><h3>Apple answers the labour report</h3>"
                f"{paragraphs(3)}<h3>What comes next</h3>{paragraphs(2, 'More')}</div>",
                '<meta property="og:title" content="Apple answers the labour report">')
    article = extract(html, URL)
    assert article.title == "Apple answers the labour report"
    assert article.text.startswith("Paragraph 0.") and "\n\nWhat comes next\n\n" in article.text


def test_a_class_attribute_with_newlines_and_quotes_does_not_break_extraction():
    cls = 'post-content typography \n  "x" \\ [y]'
    html = page(f"<article><h1>A story</h1><div class='{cls}'>{paragraphs(2)}</div>"
                f"<div class='ad'>Ad</div><div class='{cls}'>{paragraphs(2, 'More')}</div>"
                "<p>a<?php echo 1 ?>b</p></article>")
    text = extract(html, URL).text
    assert text.startswith("Paragraph 0.") and "More 1." in text


def test_a_body_in_elements_of_a_page_s_own_tag_does_not_break_extraction():
    # the tag of a marked container is page text too: "x:y" made an unparsable selector
    html = page(f"<h1>A story</h1><x:y class='article-body'>{paragraphs(3)}</x:y>"
                f"<x:y class='article-body'>{paragraphs(2, 'More')}</x:y>")
    assert extract(html, URL).text.startswith("Paragraph 0.")


def test_a_wrapper_whose_class_mentions_furniture_keeps_the_story_it_holds():
    sidebar = "".join(f"<li><a href='/t/{i}/'>Topic number {i}</a> and a line of text "
                      "about it that is long enough to weigh</li>" for i in range(30))
    html = page(f"<div id='content'><div class='no-share post'><h1>A story</h1>{paragraphs(5)}"
                f"</div><ul class='widget-list'>{sidebar}</ul></div>")
    text = extract(html, URL).text
    assert text.startswith("Paragraph 0.") and "Paragraph 4." in text


def test_soft_hyphens_and_zero_width_spaces_do_not_split_words():
    html = page(f"<article><h1>A story</h1>{paragraphs(2)}<p>Rei\u00adfe und Fri\u200bsche "
                f"{PROSE}</p></article>")
    assert "Reife und Frische" in extract(html, URL).text


def test_a_publisher_s_calls_to_action_are_not_body():
    html = page(f"""<div class="entry-content">{paragraphs(4)}
        <p>Subscribe now to our digital edition for the full story.</p>
        <p>Support our journalism: become a member today and get the newsletter first.</p>
        <p>Jede kleine Spende hilft uns, unabhängig zu berichten. Jetzt unterstützen!</p>
        </div>""")
    text = extract(html, URL).text
    assert text.endswith("residents in the east.") and "Subscribe" not in text
    story = page(f"<article><h1>A story</h1>{paragraphs(2)}<p>Netflix said its subscribers "
                 f"grew by five million in the quarter, more than analysts expected.</p>"
                 f"{paragraphs(1, 'Last')}</article>")
    assert "subscribers grew" in extract(story, URL).text


def test_an_affiliate_disclosure_written_in_german_is_a_notice_not_body():
    notice = ("Dieser Artikel kann Links zu Anbietern enthalten, von denen das Magazin eine "
              "Provision erhält. Für dich ändert sich der Preis nicht.")
    own = "Der Makler verlangte eine Provision von drei Prozent, sagte die Käuferin vor Gericht."
    html = page(f"<div class='entry-content'>{paragraphs(3)}<p>{own}</p>{paragraphs(1, 'Last')}"
                f"<p>{notice}</p></div>")
    text = extract(html, URL).text
    assert "Provision erhält" not in text and own in text


def test_a_promise_that_the_reader_will_miss_nothing_is_a_call_to_action():
    own = "Die Anbieter wollen ihre Chance nicht verpassen, diesen Trend früh aufzugreifen."
    html = page(f"<div class='entry-content'>{paragraphs(3)}<p>{own}</p>{paragraphs(1, 'Last')}"
                "<h2>2023 nichts mehr versäumen!</h2><div>Dieser kostenlose Kalender hilft Ihnen "
                "bei allen Fristen. <a href='/k/'>Jetzt keine Termine mehr verpassen!</a></div>"
                "<p>Verpasse keine News!</p></div>")
    text = extract(html, URL).text
    assert text.split("\n\n")[-1].startswith("Last 0.") and own in text


def test_a_paywall_s_prompt_to_those_who_already_pay_is_not_body():
    html = page(f"""<article><h1>A story</h1><div class="entry-content">{paragraphs(2)}
        <p>If you're seeing this message but you're already a subscriber, you can log in for
        immediate access to this story.</p>{paragraphs(2, "More")}
        <p>Sie sind bereits registriert?</p></div></article>""")
    text = extract(html, URL).text
    assert text.startswith("Paragraph 0.") and "More 1." in text
    assert "already a subscriber" not in text and "registriert" not in text
    story = page(f"<article><h1>A story</h1>{paragraphs(2)}<p>The minister said the plan "
                 f"had already been approved by the cabinet and would start in May.</p>"
                 f"{paragraphs(1, 'Last')}</article>")
    assert "already been approved" in extract(story, URL).text


def test_captions_and_picture_credits_written_as_paragraphs_are_not_body():
    html = page(f"""<div class="entry-content">{paragraphs(2)}
        <p>Abbildung 4: Eine klassische Schwachschicht im Schneeprofil.</p>
        {paragraphs(2, "More")}<p>Foto: Geyres Christophe/ABACA/picture-alliance</p>
        <p>Photo credit: Jane Doe for News</p>{paragraphs(1, "Last")}</div>""")
    text = extract(html, URL).text
    assert "Abbildung" not in text and "Foto:" not in text and "Photo credit" not in text
    assert "More 1." in text and "Last 0." in text


def test_a_publisher_s_notices_are_not_body():
    html = page(f"""<div class="entry-content"><p>*Werbung. Dieser Beitrag enthält Werbung
        für eine Marke.</p>{paragraphs(3)}<p>Alle Angaben ohne Gewähr.</p>
        <p>News Example is not responsible for the opinions or content of linked sites.</p>
        </div>""")
    text = extract(html, URL).text
    assert text.startswith("Paragraph 0.") and text.endswith("residents in the east.")


def test_a_page_told_in_many_unmarked_sections_is_read_whole_not_by_its_longest_box():
    sections = "".join(
        f"<div><div><p>Section {i}. Each board member reviews the proposals in turn, and the "
        f"public may comment on every one of them before the final vote in March.</p></div></div>"
        for i in range(6))
    html = page(f"""<nav><a href="/a">Home</a> <a href="/b">Services</a></nav>
      <div><div><div><p>{PROSE} {PROSE} {PROSE}</p></div></div>{sections}</div>""")
    text = extract(html, URL).text
    assert PROSE in text
    assert all(f"Section {i}. Each board member" in text for i in range(6))
    assert "Services" not in text


def test_every_post_of_a_forum_thread_is_body_not_only_the_longest():
    reply = "Have you tried a flea comb? Ours brought in crumbs like that every night in May."
    posts = "".join(
        f'<article class="message"><div class="user">member{i}</div>'
        f'<div class="bbWrapper">{reply}<br>Reply {i}: {reply}</div></article>' for i in range(3))
    html = page(f"""<aside><p>{PROSE} Sidebar.</p></aside><div class="block-body">
        <article class="message"><div class="user">starter</div>
          <div class="bbWrapper">{PROSE}<br>{PROSE}<br>{PROSE}</div></article>{posts}</div>""")
    text = extract(html, URL).text
    assert text.startswith(PROSE)
    assert all(f"Reply {i}: {reply}" in text for i in range(3))
    assert "Sidebar." not in text


def test_the_entries_of_a_lexicon_page_are_all_body_when_each_marks_its_own_content():
    entries = "".join(
        f'<div class="entry"><h2>Term {i}</h2><div class="content"><p>Term {i} means this: '
        f'{PROSE}</p></div></div>' for i in range(3))
    html = page(f"""<div class="lexicon"><div class="entry"><h2>Mane</h2><div class="content">
        <p>{PROSE} {PROSE}</p><p>{PROSE} Again.</p></div></div>{entries}</div>
        <footer><p>{PROSE} Footer.</p></footer>""")
    text = extract(html, URL).text
    assert "Again." in text and all(f"Term {i} means this" in text for i in range(3))
    assert "Footer." not in text


@pytest.mark.parametrize("line", [
    "Blind and partially sighted people:", "Osoby niewidome, słabowidzące:",
    "Das Beste kommt jetzt:"])
def test_a_line_that_announces_the_paragraph_under_it_is_kept_as_its_heading(line: str):
    html = page(f"""<div class="entry-content"><p>Schedule:</p><p>{line}</p>{paragraphs(3)}
        </div>""")
    text = extract(html, URL).text
    assert text.startswith(f"{line}\n\nParagraph 0.")  # a one-word label stays out


@pytest.mark.parametrize("lang, paragraph, last", [
    ("ar", "صوت مجلس المدينة يوم الثلاثاء على توسيع شبكة الحافلات، وهو قرار قال المسؤولون "
           "إنه سيختصر زمن التنقل لآلاف السكان في الشرق ويخفف الازدحام في وسط المدينة.",
     "فهل سيتغير شيء هذا العام؟"),
    ("ur", "شہر کی کونسل نے منگل کو بس نیٹ ورک کو بڑھانے کے حق میں ووٹ دیا، اور حکام کے مطابق "
           "اس فیصلے سے مشرق کے ہزاروں رہائشیوں کا سفر کم ہو جائے گا۔",
     "یہ کام اگلے سال شروع ہوگا۔"),
    ("ja", "市議会は火曜日、バス路線網の拡大を可決した。当局によると、東部に住む数千人の"
           "通勤時間が短くなるという。新しい路線は来年の春から順次運行を始める予定で、"
           "運賃は据え置かれる。",
     "市長は「良い日だ。」"),
    ("km", "ក្រុមប្រឹក្សាក្រុងបានបោះឆ្នោតកាលពីថ្ងៃអង្គារដើម្បីពង្រីកបណ្តាញឡានក្រុង",
     "សេវាថ្មីនឹងចាប់ផ្តើមឆ្នាំក្រោយ"),
])
def test_the_last_short_line_of_a_story_in_another_script_is_kept(lang: str, paragraph: str,
                                                                 last: str):
    html = (f"<html lang='{lang}'><body><div class='entry-content'>"
            + f"<p>{paragraph}</p>" * 3 + f"<p>{last}</p></div></body></html>")
    # a sentence by its script's own mark, or a long line in a script without spaces
    assert extract(html, URL).text.endswith(last)


@pytest.mark.parametrize("heading", ["h1", "h2", "h3"])
def test_the_next_story_or_a_teaser_is_not_body_although_marked_alike(heading: str):
    html = page(f"""<div class="feed">
        <article class="post"><h1>A story</h1>{paragraphs(4)}</article>
        <article class="post"><{heading}>Another story</{heading}>{paragraphs(2, "Next")}
        </article></div>""")
    text = extract(html, URL).text
    assert "Paragraph 3." in text and "Next 0." not in text


@pytest.mark.parametrize("licence", [
    "Dieser Text wurde veröffentlicht unter der Lizenz CC-BY-NC-ND-4.0-DE. Die Fotos dürfen "
    "nicht verwendet werden.",
    "This article is licensed under a Creative Commons Attribution 4.0 licence.",
    "Cet article est publié sous licence Creative Commons BY-SA.",
])
def test_a_licence_line_under_the_story_is_not_body(licence: str):
    html = page(f'<div class="entry-content">{paragraphs(2)}<p>The software is published '
                f'under the GPL, the court noted.</p>{paragraphs(1, "Last")}<p>{licence}</p>'
                "</div>")
    text = extract(html, URL).text
    assert licence not in text
    assert "published under the GPL" in text  # a story's own sentence about a licence stays


def test_a_newsletter_s_sign_up_blurb_inside_the_story_is_not_body():
    html = page(f"""<div class="article-body">{paragraphs(2)}
        <p>Get breaking news alerts and special reports. The news and stories that matter,
        delivered weekday mornings.</p>{paragraphs(2, "Later")}
        <p>Die wichtigsten Nachrichten des Tages, direkt in Ihr Postfach.</p></div>""")
    text = extract(html, URL).text
    assert "delivered weekday mornings" not in text and "Postfach" not in text
    assert "Later 1." in text


def test_a_magazine_s_subscription_offer_and_its_invitation_to_comment_are_not_body():
    html = page(f"""<div class="entry-content">{paragraphs(3)}
        <p>Get Motor Cycle Monthly delivered through your letterbox every month. 12 issues for
        £11.99.</p><p>Tell us what YOU think...</p></div>""")
    text = extract(html, URL).text
    assert text.endswith("residents in the east.") and "Paragraph 2." in text


def test_a_paywall_s_offer_of_the_full_article_is_not_body():
    html = page(f"""<div class="entry-content">{paragraphs(2)}<p>Instant access to the full
        article PDF.</p>{paragraphs(2, "Later")}</div>""")
    text = extract(html, URL).text
    assert "full article PDF" not in text and "Later 1." in text


def test_a_caption_that_ends_in_its_picture_credit_is_not_body():
    html = page(f"""<div class="entry-content">{paragraphs(2)}
        <p>Roman Prymula, photo: Archives du Gouvernement tchèque</p>{paragraphs(2, "More")}
        <p>He said the photo: a fake, and the court agreed.</p>{paragraphs(1, "Last")}</div>""")
    text = extract(html, URL).text
    assert "Prymula" not in text
    assert "He said the photo" in text and "Last 0." in text  # a sentence is no caption


@pytest.mark.parametrize("controls", [
    "<p>Image 1 of / 23</p><p>Caption</p><p>Close</p>",
    "<p>3 von 17</p><p>Bild anzeigen Bild schließen</p>",
    "<p>Rezept drucken Bei Pinterest speichern</p>",
])
def test_a_gallery_s_counter_and_viewer_buttons_inside_the_story_are_not_body(controls):
    html = page(f"""<div class="entry-content">{paragraphs(2)}{controls}
        {paragraphs(2, "More")}<p>Chapter 1 of the report ran to 40 pages.</p>
        {paragraphs(1, "Last")}</div>""")
    blocks = extract(html, URL).text.split("\n\n")
    assert len(blocks) == 6 and blocks[-1].startswith("Last 0.")
    assert "Chapter 1 of the report ran to 40 pages." in blocks  # a sentence is no counter


@pytest.mark.parametrize("stamp", [
    "Updated at 1:23 p.m.", "Updated: 18 Nov 2019,", "Aktualisiert am 17.01.2021.",
    "Last Modified:", "Publicado el 12/03/2021", "Mai 2021",
])
def test_a_date_stamp_left_in_the_story_is_not_body_but_a_live_story_s_hour_is(stamp):
    html = page(f"""<div class="entry-content">{paragraphs(2)}<p>{stamp}</p>
        {paragraphs(2, "More")}<h3>10 p.m.</h3>{paragraphs(1, "Last")}</div>""")
    blocks = extract(html, URL).text.split("\n\n")
    assert stamp not in blocks and len(blocks) == 6
    assert "10 p.m." in blocks  # an entry's hour heads what follows, no stamp


@pytest.mark.parametrize("call", [
    "Follow The New York Times Opinion section on Facebook, Twitter (@NYTopinion) and Instagram.",
    "We want to hear what you think about this article. Submit a letter to the editor.",
    "¿Ya sabías que en Guatemala.com tenemos canal de Telegram? Únete desde tu celular.",
    "Si te parece valioso el trabajo de El Faro, apóyanos para seguir.",
    "Like this story? Share it with a friend!",
    "Microsoft may earn an Affiliate Commission if you purchase something through links here.",
])
def test_an_invitation_to_follow_write_or_share_and_an_affiliate_disclosure_are_not_body(call):
    html = page(f"""<div class="entry-content">{paragraphs(3)}<p>{call}</p></div>""")
    text = extract(html, URL).text
    assert call[:20] not in text and "Paragraph 2." in text


def test_a_story_that_quotes_a_follow_or_an_update_keeps_its_sentences():
    lines = ["The minister said she would follow the advice of the experts on Twitter's future.",
             "The company updated its guidance on 18 November, two weeks after the vote."]
    html = page(f"""<div class="entry-content">{paragraphs(2)}<p>{lines[0]}</p>
        <p>{lines[1]}</p>{paragraphs(1, "Last")}</div>""")
    blocks = extract(html, URL).text.split("\n\n")
    assert lines[0] in blocks and lines[1] in blocks


@pytest.mark.parametrize("placeholder", [
    "Klicken Sie auf den unteren Button, um den Inhalt von www.komoot.de zu laden.",
    "Klicken Sie auf den unteren Button, um den Inhalt nachzuladen.",
    "Click the button below to load the content from YouTube.",
    "This slideshow requires JavaScript.",
    "Aktivieren Sie JavaScript um das Video zu sehen.",
])
def test_the_placeholder_of_an_embed_held_back_or_built_by_a_script_is_not_body(placeholder):
    html = page(f"""<div class="entry-content">{paragraphs(2)}<p>{placeholder}</p>
        {paragraphs(2, "More")}</div>""")
    blocks = extract(html, URL).text.split("\n\n")
    assert placeholder not in blocks and len(blocks) == 4


def test_a_credit_line_that_ends_in_a_picture_agency_is_not_body_nor_a_newsletter_blurb():
    credit = "Natalie Naccache | Bloomberg | Getty Images"
    blurb = ("Lust auf mehr? Lass dir die besten Storys jede Woche in deinen Posteingang "
             "liefern. Melde dich hier an!")
    quote = "The photographer, who sold the picture to Getty Images, declined to comment."
    html = page(f"""<div class="entry-content">{paragraphs(2)}<p>{credit}</p>
        {paragraphs(2, "More")}<p>{quote}</p>{paragraphs(1, "Last")}<p>{blurb}</p></div>""")
    blocks = extract(html, URL).text.split("\n\n")
    assert credit not in blocks and blurb not in blocks
    assert quote in blocks and len(blocks) == 6  # a sentence that names the agency stays


def test_the_author_s_box_under_the_story_is_not_body_though_the_byline_names_the_author():
    html = page(f"""<article><div class="entry-content">{paragraphs(3)}
        <section class="vcard author about-tab"><p>I'm Amy and I'm so glad you've stopped by!
        As a certified sleep consultant, my goal is to walk you through the process of getting
        your baby to sleep, with tips, must-haves, and so much more.</p></section></div>
        </article>""", head='<meta name="author" content="Amy Smith">')
    article = extract(html, URL)
    assert "stopped by" not in article.text and "Paragraph 2." in article.text
    assert article.authors == ["Amy Smith"]


def test_the_hint_search_finds_each_word_wherever_it_sits_and_nothing_else():
    """``any_substring`` finds a word from one of its rarer characters and checks the part
    before it by a look-behind: a word found only from its first letter, or a part before
    the anchor left unchecked, would fail here."""
    from scraper.extraction.blockwords import any_substring

    words = ("subscri", "déjà", "deja", "-kanal", "cc-by", "cc by", "©", "(c)", "bereits",
             "ya eres", "ya soy", "delivered to", "delivered thr", "inbox", "zu laden")
    search = any_substring(words)
    for word in words:
        for text in (word, f"x{word}", f"{word}y", f"a {word} b", f"{word[:-1]} {word}"):
            assert search.search(text), (word, text)
        for cut in (word[1:], word[:-1], word[:len(word) // 2] + "_" + word[len(word) // 2:]):
            if not any(w in cut for w in words):
                assert not search.search(f"a {cut} b"), (word, cut)
    assert not search.search("they subscr ibed, ja, cc-b y")


def test_the_walk_gives_each_text_the_block_of_its_nearest_block_element_and_skips_subtrees():
    """``blocks.walk`` carries the block element down the tree instead of climbing from
    each text: the kinds, link shares and parents must be those of the nearest block."""
    from selectolax.lexbor import LexborHTMLParser

    from scraper.extraction.blocks import walk

    tree = LexborHTMLParser(
        "<div id=root>lead <span>in <b><a href=/x>a link</a></b></span>"
        "<section id=s><p>First <em>para<script>var x = 1;</script>graph</em>.</p>"
        "<aside><p>Furniture</p></aside><!-- a note --><p>Second<br>line</p></section>"
        "<table><tr><td>cell one</td><td>cell two</td></tr></table>"
        "<ul><li><a href=/y>an item</a></li></ul>tail</div>")
    root = tree.css_first("#root")
    blocks = walk(root, frozenset({"script"}), lambda node: node.tag == "aside")
    section = tree.css_first("#s").mem_id
    table_body = tree.css_first("tbody").mem_id
    assert [(b.text, b.kind, b.link_chars) for b in blocks] == [
        ("lead in a link", "text", 6), ("First paragraph.", "paragraph", 0),
        ("Second line", "paragraph", 0), ("cell one cell two", "row", 0),
        ("an item", "item", 7), ("tail", "text", 0)]
    assert blocks[1].parent == blocks[2].parent == section
    assert blocks[3].parent == table_body
    assert blocks[0].parent == blocks[5].parent == root.parent.mem_id
    assert walk(root, frozenset({"div"})) == []


def test_a_story_its_scripts_would_build_is_read_from_its_noscript_copy():
    html = page(f'<div class="content"><h1>A story</h1><div id="app"></div>'
                f"<noscript>{paragraphs(4)}</noscript><p>Please enable JavaScript.</p></div>")
    article = extract(html, URL)
    assert article.text.split("\n\n") == [f"Paragraph {i}. {PROSE}" for i in range(4)]
    # a noscript beside a story the page shows is no part of it (a tracking pixel, a notice)
    shown = page(f'<div class="content"><h1>A story</h1>{paragraphs(4)}<noscript><p>You '
                 "need JavaScript to comment on this story, which is a pity.</p></noscript>"
                 "</div>")
    assert "JavaScript" not in extract(shown, URL).text


def test_a_form_around_the_story_is_read_and_a_sign_up_form_is_not():
    wrapped = page(f'<div class="article-body"><h1>A story</h1><form action="/vote">'
                   f'{paragraphs(4)}<input type="submit" value="Vote"></form></div>')
    assert extract(wrapped, URL).text.count("Paragraph") == 4
    # a registration dialogue asks for a password, however much it says
    dialogue = page(f'<article class="story"><h1>A story</h1><form action="/register">'
                    f'{paragraphs(4, "Rule")}<input type="password" name="pw"></form></article>'
                    f'<div class="entry-content">{paragraphs(2)}</div>')
    assert "Rule" not in extract(dialogue, URL).text
    search = page(f'<div class="article-body"><h1>A story</h1>{paragraphs(4)}<form '
                  'action="/search"><p>Search the archive of this newspaper for more stories '
                  "like this one.</p></form></div>")
    assert "Search the archive" not in extract(search, URL).text
