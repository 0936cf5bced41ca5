"""A publisher's appeal inside the body (donate, become a member, subscribe to the
newsletter) is boilerplate in Polish, Dutch, Italian, Portuguese, Russian, Indonesian,
Turkish and Arabic as in the languages before them, while a story that uses the same words
in its own sentences keeps them."""

from __future__ import annotations

import pytest
from regexparts import top_level_alternatives

from scraper import extract
from scraper.extraction.blockwords import CALL_TO_ACTION_RE

URL = "https://news.example/2021/04/22/parental-leave/"
STORY = [
    "New Zealand's parliament has voted to give parents three days of paid leave after a "
    "miscarriage or a stillbirth, a law that its sponsor said was the first of its kind.",
    "The leave applies to both partners and to parents who planned to adopt or to have a "
    "child through a surrogate, and employers may not ask for proof of the loss.",
]
APPEALS = [
    "Czytasz właśnie nowy rodzaj materiału na naszym portalu. W krótki sposób informujemy "
    "Cię o tym, co ważne. Wesprzyj nas darowizną lub przekaż nam 1% podatku.",
    "Dit artikel is gratis voor iedereen. Steun ons en word lid vanaf vijf euro per maand.",
    "Ogni giorno raccontiamo il paese. Sostienici e iscriviti alla newsletter del mattino.",
    "Receba as principais notícias do dia: assine a nossa newsletter e apoie o jornalismo "
    "independente.",
    "Подписывайтесь на наш канал в Telegram, чтобы первыми узнавать главные новости.",
    "Simak berita dan artikel lainnya di Google News, dapatkan update setiap hari.",
    "Gündemdeki son gelişmeler için bizi takip edin ve bültenimize abone olun.",
    "تابعونا على تويتر وفيسبوك لمتابعة آخر الأخبار العاجلة على مدار الساعة.",
]


def page(lines: list[str]) -> str:
    paragraphs = "".join(f"<p>{line}</p>" for line in lines)
    return ("<html><head><title>Paid leave | News</title></head><body><h1>Paid leave</h1>"
            f"<div class='entry-content'>{paragraphs}</div></body></html>")


@pytest.mark.parametrize("appeal", APPEALS, ids=["pl", "nl", "it", "pt", "ru", "id", "tr", "ar"])
def test_the_appeal_goes_and_the_story_stays(appeal: str) -> None:
    text = extract(page([STORY[0], appeal, STORY[1]]), URL).text
    assert text.split("\n\n") == STORY


def test_the_words_in_a_story_sentence_stay() -> None:
    own = ("De regering kreeg steun van de oppositie, en minister De Vries zei dat zij lid "
           "wil blijven van het comité dat de wet in twee jaar moet evalueren.")
    text = extract(page([STORY[0], own, STORY[1]]), URL).text
    assert text.split("\n\n") == [STORY[0], own, STORY[1]]


def test_every_appeal_phrase_opens_at_a_word_boundary() -> None:
    """A phrase without ``\\b`` is tried at every position of every paragraph (one such made
    the search six times slower): a cost no test of the matches would show."""
    phrases = top_level_alternatives(CALL_TO_ACTION_RE.pattern)
    assert len(phrases) > 100
    assert [p for p in phrases if not p.startswith("\\b")] == []
