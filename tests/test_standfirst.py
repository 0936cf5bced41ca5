"""A standfirst printed before the marked body, in an element of its own, is article text."""

from __future__ import annotations

from scraper.extraction.page import extract_text

_STORY = "".join(
    f"<p>Paragraph {n} of the story tells what the council decided on the new bridge and why "
    "the vote took so long, in a sentence long enough to be prose.</p>" for n in range(5))
_INTRO = ("Die Stadt baut eine neue Brücke über den Fluss, und der Rat hat nach langem Streit "
          "endlich zugestimmt.")


def _page(intro: str, intro_class: str = "article__intro") -> str:
    return (f"<html><body><nav><a href='/'>Home</a></nav><div class='article__wrap'>"
            f"<h1>The bridge</h1><div class='{intro_class}'><p>{intro}</p></div>"
            f"<div class='article__body'>{_STORY}</div></div>"
            "<aside class='sidebar'><p>Related stories you may like to read next on this "
            "site.</p></aside></body></html>")


def test_a_standfirst_in_an_intro_box_before_the_marked_body_opens_the_text():
    text = extract_text(_page(_INTRO))
    assert text.startswith(_INTRO)
    assert "Paragraph 4 of the story" in text and "Related stories" not in text


def test_a_standfirst_the_body_repeats_is_kept_once():
    page = _page(_INTRO).replace("<div class='article__body'>",
                                 f"<div class='article__body'><p>{_INTRO}</p>")
    assert extract_text(page).count(_INTRO) == 1


def test_an_excerpt_the_cms_cut_off_is_not_taken_for_a_standfirst():
    cut = "Die Stadt baut eine neue Brücke über den Fluss, und der Rat hat nach langem..."
    assert cut not in extract_text(_page(cut, "excerpt"))


def test_a_box_before_the_body_whose_class_names_no_standfirst_stays_out():
    assert _INTRO not in extract_text(_page(_INTRO, "article__meta-box"))
