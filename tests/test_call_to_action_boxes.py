"""A call-to-action box inside the article's container (a newsletter sign-up written
"news-letter", a membership offer or a seminar advert in a "cta" box, as National Review's
"nrplus-cta" and WPBakery's "vc_cta3" write them) is furniture by its class, whatever the
language of its text, while the story's paragraphs around it stay."""

from __future__ import annotations

import pytest

from scraper import extract

URL = "https://news.example/science/2022/05/the-comet/"
STORY = [
    "Astronomers in Chile have found a comet that will pass close enough to the Earth next "
    "spring to be seen without a telescope, for the first time in almost thirty years.",
    "The comet was first spotted on a survey image taken in March, and its orbit was worked "
    "out over the following weeks from the observations of a dozen observatories.",
]
BOXES = {
    "news-letter-section": "<h3>Newsletter</h3><p>News, Tipps und Trends... wir haben viele "
                           "spannende Themen für dich! Jetzt anmelden und nichts verpassen.</p>",
    "nrplus-cta": "<p>If you enjoyed this article, we have a proposition for you: join us. "
                  "Members get all of our content, no paywalls or content meters.</p>",
    "vc_cta3-container": "<p>In unserem Seminar erarbeiten Sie anhand verschiedener Sessions "
                         "eigene Einsatzszenarien für die Anwendung in Ihrem Unternehmen.</p>",
}


def page(box_class: str, box: str) -> str:
    first, second = (f"<p>{line}</p>" for line in STORY)
    return (
        "<html lang='en'><head><title>A comet | Science News</title></head><body>"
        "<h1>A comet you can see</h1>"
        f"<div class='entry-content'>{first}<div class='{box_class}'>{box}</div>{second}</div>"
        "</body></html>")


@pytest.mark.parametrize("box_class", sorted(BOXES))
def test_the_box_goes_and_the_story_stays(box_class: str) -> None:
    text = extract(page(box_class, BOXES[box_class]), URL).text
    assert text.split("\n\n") == STORY


def test_a_story_whose_words_contain_cta_is_kept() -> None:
    # "cta" is matched as a class word, not inside "doctatorial" or "actar"
    html = page("doctatorial", "<p>" + STORY[0].replace("Chile", "Chile's Atacama") + "</p>")
    assert "Atacama" in extract(html, URL).text
