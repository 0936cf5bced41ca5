"""A story's credit line, its copyright written out, and an address printed alone on its line
are not article text."""

from __future__ import annotations

import pytest

from scraper.extraction.page import extract_text

_STORY = [f"Paragraph {n} of the story tells what the council decided on the new bridge and why "
          "the vote took so long, in a sentence long enough to be prose." for n in range(4)]


def _page(*blocks: str) -> str:
    body = "".join(f"<p>{block}</p>" for block in blocks)
    return (f"<html><body><nav><a href='/'>Home</a></nav><article><h1>The bridge</h1>"
            f"<div class='article-body'>{body}</div></article></body></html>")


def test_a_permalink_printed_alone_above_the_story_is_not_body():
    link = "https://www.example-times.com/news/article/The-bridge-vote-14848164.php"
    text = extract_text(_page(link, *_STORY))
    assert link not in text
    assert text.startswith(_STORY[0]) and _STORY[3] in text


def test_a_source_s_domain_printed_alone_between_paragraphs_is_not_body():
    text = extract_text(_page(*_STORY[:2], "BVINEWS.COM", *_STORY[2:]))
    assert "BVINEWS" not in text and _STORY[3] in text
    assert "z.B. so." in extract_text(_page(*_STORY[:2], "z.B. so.", *_STORY[2:]))


@pytest.mark.parametrize("line", ["Quelle: Landesregierung", "Source: Occupy People from "
                                  "the Internet", "Quelle: Deutsche Rentenversicherung (Stand: "
                                  "5. Februar 2020)"])
def test_a_source_line_between_paragraphs_is_a_credit_not_body(line: str):
    text = extract_text(_page(*_STORY[:2], line, *_STORY[2:]))
    assert line not in text and text.split("\n\n") == _STORY


def test_an_address_inside_a_sentence_stays_in_the_story():
    line = "The full report is online at https://example.org/report, the council said."
    assert line in extract_text(_page(*_STORY[:2], line, *_STORY[2:]))


@pytest.mark.parametrize("credit", [
    "(Reporting by Greg Roumeliotis, Joshua Franklin, with reporting by Herb Lash, editing by "
    "Martin Howell.)",
    "Reporting by Rodrigo Campos; additional reporting by Stephanie Kelly and Saqib Iqbal Ahmed; "
    "Editing by Nick Zieminski",
    "Writing by Jane Doe in London; Editing by John Roe",
    "Keith Bradsher contributed reporting from Hong Kong.",
    "Associated Press writers Alan Fram, Zeke Miller and Jill Colvin contributed to this report.",
])
def test_a_desk_s_credit_line_under_the_story_is_not_body(credit: str):
    text = extract_text(_page(*_STORY, credit))
    assert credit not in text
    assert text.endswith(_STORY[3])


def test_the_short_lines_before_a_credit_and_a_sentence_on_reporting_stay():
    graphic = "(Graphic: Global assets in 2019 - here)"
    sentence = ("Reporting by the Guardian showed that the firm had hidden its losses for "
                "years, and the council took note.")
    credit = "Reporting by Rodrigo Campos; Editing by Nick Zieminski and Dan Grebler"
    text = extract_text(_page(*_STORY[:2], sentence, *_STORY[2:], graphic, credit))
    assert sentence in text and graphic in text  # the credit still vouches for its neighbour
    assert credit not in text


@pytest.mark.parametrize("notice", ["Copyright @ 2019 The New Arab.",
                                    "Copyright 2021 Example Media Ltd."])
def test_a_copyright_line_written_out_under_the_story_is_not_body(notice: str):
    text = extract_text(_page(*_STORY, notice))
    assert notice not in text and text.endswith(_STORY[3])


def test_a_sentence_on_a_copyright_stays():
    line = "The court ruled on the copyright of the 2019 film, the council heard."
    assert line in extract_text(_page(*_STORY[:2], line, *_STORY[2:]))
