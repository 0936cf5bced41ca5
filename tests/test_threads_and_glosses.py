"""A comment thread whose replies carry the body's own class, and glossed words of the
story (links that open a pop-up note): found on Mozilla readability's test pages, pages
nobody here tuned on (Kinja's "reply-content post-content", an annotated edition's
``<a class="popup">``)."""

from __future__ import annotations

from scraper import extract
from scraper.extraction.boilerplate import FURNITURE, marker_kind

URL = "https://news.example/2021/02/02/a-story-about-things/"
PROSE = ("The council voted on Tuesday to expand the city's bus network, a decision that "
         "officials said would shorten commutes for thousands of residents in the east.")


def page(body: str) -> str:
    return f"<html lang='en'><head><title>A story | News</title></head><body>{body}</body></html>"


def test_replies_marked_with_the_body_s_class_under_a_replies_box_are_not_its_chunks():
    story = "".join(f"<p>Story {i}. {PROSE}</p>" for i in range(5))
    replies = "".join(
        f'<article class="js_reply reply"><div class="reply-content post-content">'
        f"<p>Reader {i} says: I do the cash-only thing too, and I give myself a limit every "
        f"weekend; once it is gone, that is it, and it works.</p></div></article>"
        for i in range(4))
    html = page(f"""<article class="post"><h1>A story</h1>
        <div class="post-content entry-content">{story}</div></article>
        <section class="js_replies"><div class="replies-wrapper">{replies}</div></section>""")
    text = extract(html, URL).text
    assert text.startswith("Story 0.") and "Story 4." in text
    assert "Reader" not in text


def test_chunks_of_a_body_split_between_ads_are_still_gathered():
    chunk = '<div class="grid"><div class="post-content">{}</div></div>'
    html = page(f"""<article><h1>A story</h1>
        {chunk.format("".join(f"<p>One {i}. {PROSE}</p>" for i in range(2)))}
        <div class="ad-slot">Advertisement</div>
        {chunk.format("".join(f"<p>Two {i}. {PROSE}</p>" for i in range(3)))}</article>""")
    text = extract(html, URL).text
    assert "One 0." in text and "Two 2." in text and "Advertisement" not in text


def test_the_glossed_words_of_a_sentence_stay_in_it():
    gloss = ('<a href="javascript:void(0);" class="popup" '
             "onclick=\"return overlib('He is always polite.', STICKY)\">respectfully</a>")
    story = "".join(f"<p>Part {i}. {PROSE}</p>" for i in range(4))
    html = page(f"""<div class="story"><h1>A story</h1>{story}
        <p>"I prefer not to," he {gloss} and slowly said, and mildly disappeared from the
        room where the clerks sat copying the deeds of the day.</p></div>""")
    assert "he respectfully and slowly said" in extract(html, URL).text


def test_a_pop_up_layer_is_still_not_body():
    story = "".join(f"<p>Part {i}. {PROSE}</p>" for i in range(4))
    html = page(f"""<div class="story"><h1>A story</h1>{story}</div>
        <div class="popup"><p>Subscribe to our newsletter and never miss a story of the
        city council again: one e-mail a week, free of charge.</p></div>""")
    assert "newsletter" not in extract(html, URL).text


def test_a_biography_box_named_by_its_last_word_is_not_body():
    story = "".join(f"<p>Part {i}. {PROSE}</p>" for i in range(4))
    for box in ("author--bio", "m-a-box-bio", "user-bio"):
        html = page(f"""<article><h1>A story</h1><div class="entry-content">{story}
            <div class="{box}"><p>Jane Doe is a breaking news reporter for the paper and
            is based in Sydney, Australia, where she covers the city council.</p></div>
            </div></article>""")
        text = extract(html, URL).text
        assert "Part 3." in text and "breaking news reporter" not in text, box


def test_bio_inside_a_slug_in_a_class_is_no_biography():
    # "bio" is organic in German: a product's slug in a container's class says so
    assert marker_kind("container main content product-name--sidamo-bio-kaffee") != FURNITURE
    assert marker_kind("author--bio") == marker_kind("m-a-box-bio") == FURNITURE
