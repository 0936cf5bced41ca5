"""A short closing line the page writes among the article's own paragraphs is part of the
article (blocks._own_lines), while the short notes around it that are no sentence (a
source, a picture credit, a desk's initials, a date) stay out."""

from __future__ import annotations

from collections.abc import Sequence

from scraper import extract
from scraper.extraction.page import extract_text

URL = "https://news.example/city/2021/11/the-new-bridge/"
STORY = [
    "The city council voted on Tuesday to build a second bridge over the river, ending a "
    "debate that had gone on for almost a decade and split the districts on either bank.",
    "Engineers expect the work to take four years. The old bridge will stay open to buses "
    "and bicycles while the new one is built a few hundred metres downstream of it.",
    "Residents of the eastern bank, who cross the river twice a day on average, welcomed "
    "the decision, though several asked how the council means to pay for the project.",
]
CLOSING = "The council's full report and the minutes of the vote are online:"
LABEL = "Downloads:"  # a label, no sentence: furniture
NOTES = ["Source: city council", "Photo: J. Doe", "aja/dpa", "12.11.2021"]


LINKS = ("<ul><li><a href='/report.pdf'>Report (PDF)</a></li>"
         "<li><a href='/minutes.pdf'>Minutes (PDF)</a></li></ul>")


def page(lines: list[str], after_links: Sequence[str] = ()) -> str:
    """A story in a marked body, ``lines`` above its list of links, ``after_links`` below."""
    paragraphs = "".join(f"<p>{line}</p>" for line in lines)
    tail = "".join(f"<p>{line}</p>" for line in after_links)
    return (
        "<html lang='en'><head><title>A second bridge | City News</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/city'>City</a></nav>"
        "<h1>A second bridge for the city</h1>"
        f"<div class='entry-content'>{paragraphs}{LINKS}{tail}</div>"
        "<footer><p>City News, 1 Main Street, all rights reserved.</p></footer>"
        "</body></html>")


def test_a_closing_line_announcing_the_links_under_the_story_stays_with_the_story():
    html = page([*STORY, CLOSING])
    text = extract(html, URL).text
    assert text.split("\n\n") == [*STORY, CLOSING]
    assert extract_text(html).split("\n\n") == [*STORY, CLOSING]


def test_a_label_of_one_or_two_words_before_the_links_stays_out():
    text = extract(page([*STORY, LABEL]), URL).text
    assert text.split("\n\n") == STORY


def test_short_notes_that_are_no_sentence_stay_out_at_the_story_s_edges():
    text = extract(page([NOTES[3], *STORY, *NOTES[:2]], NOTES[2:3]), URL).text
    assert text.split("\n\n") == STORY
    assert "Report (PDF)" not in text and "Main Street" not in text
