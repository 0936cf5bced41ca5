"""The fallback chain (scraper/extraction/fallback.py): a page whose body stage finds nothing,
or next to nothing, gets its body from the page's structured text or from its own prose,
never from its furniture."""

from __future__ import annotations

import json

from scraper import extract
from scraper.extraction.page import extract_text

URL = "https://news.example/diy/a-round-tablecloth/"
STEP_1 = ("Measure the diameter of your table top, the distance from edge to edge through "
          "its centre.")
STEP_2 = "Decide how far the cloth should fall: to the floor, or a hand's width below the edge."
INTRO = ("A round table is a cheap piece of furniture that softens any room, and a cloth "
         "made to measure makes it the centre of the house.")
REVIEW = ("On 4 February the singer releases her fourth album. She had founded her own "
          "label before, gathered a new team and written some of the finest songs of her "
          "career in a process she calls liberating. The first single came out in the "
          "autumn; a tour of twenty cities follows in the spring, with a band she put "
          "together for it. Critics who heard the record early call it her boldest work "
          "so far, and her most personal one. It is on sale from the first week of "
          "February, on vinyl as well.")
FURNITURE = ("Your password must be at least eight characters long and hold a capital "
             "letter, a digit and a sign; please try again with another one.")
NAV_PROSE = ("Our newsroom covers the city, the region and the world every day of the year, "
             "with reporters in twelve countries.")


def page(body: str, jsonld: object | None = None) -> str:
    script = (f'<script type="application/ld+json">{json.dumps(jsonld)}</script>'
              if jsonld is not None else "")
    return (f"<html lang='en'><head><title>A page | News</title>{script}</head>"
            f"<body>{body}</body></html>")


HOWTO = {
    "@context": "https://schema.org", "@type": "HowTo", "name": "A round tablecloth",
    "description": f"<p>{INTRO}</p>",
    "step": [
        {"@type": "HowToStep", "name": "Step 1: Measure",
         "itemListElement": {"@type": "HowToDirection", "text": f"<p>{STEP_1}</p>"}},
        {"@type": "HowToStep", "name": "Step 2: The fall", "text": STEP_2},
    ],
}
MENU = "<nav><ul><li><a href='/diy'>DIY</a></li><li><a href='/home'>Home</a></li></ul></nav>"


def test_a_how_to_whose_text_is_only_in_its_json_ld_gets_its_intro_and_steps_as_body():
    html = page(f"{MENU}<h1>A round tablecloth</h1><div id='app'></div>", HOWTO)
    article = extract(html, URL)
    assert article.text.split("\n\n") == [INTRO, STEP_1, STEP_2]
    assert article.sources["text"] == "json-ld"
    assert extract_text(html).split("\n\n") == [INTRO, STEP_1, STEP_2]


def test_a_video_page_s_body_is_its_description_not_its_hidden_login_dialogue():
    video = {"@context": "https://schema.org", "@type": "VideoObject", "name": "Sport at home",
             "description": INTRO, "uploadDate": "2020-04-04T20:57:00+02:00"}
    messages = [FURNITURE, "Welcome! You will get an e-mail from us shortly; please confirm "
                "the link in it within a day.", "Your password was changed: from now on you "
                "sign in with the new one, on every device.", "The name you chose is not "
                "allowed here; please choose another one and try once more."]
    fields = "".join(f"<p>{m}</p><p>Sign in again.</p>" for m in messages)
    notes = "".join(f"<div class='inner'><p>{m}</p></div>" for m in messages)
    html = page(f"""{MENU}<main><h1>Sport at home</h1><div class="player"></div></main>
      <div class="b-dialog x-dialog-login"><article class="registration-modal">
        <h2>Create an account</h2><form><fieldset>{fields}<input type="password"
        name="password"></fieldset></form></article>
        {notes}</div>
      <span class="btn-tooltip">Embed code copied to the clipboard. Please mind the terms of
        use of this service before you embed it on a page of your own.</span>""", video)
    assert extract_text(html) == INTRO  # the text-only variant reads no lead: now it has one
    article = extract(html, URL)
    assert (article.text, article.sources["text"]) == (INTRO, "json-ld")


def test_a_review_written_as_bare_text_in_a_div_beside_its_tracklist_is_body():
    tracks = "<br>".join(f"{i:02}. A song called {i}" for i in range(1, 12))
    html = page(f"""{MENU}<div class="wrap"><h1>The album</h1>
      <div class="mybox_social"><div class="cd-tracklist"><h3>Tracklist</h3>
      <div>{tracks}</div></div></div><div class="text-wrap"><h2>She presents the album</h2>
      <div class="news-text-font">{REVIEW}</div></div></div>
      <footer><p>{NAV_PROSE}</p><p>© 1996 - 2022 Example Entertainment. All rights
      reserved.</p></footer>""")
    for text in (extract(html, URL).text, extract_text(html)):
        assert REVIEW in text
        assert "A song called" not in text and NAV_PROSE not in text and "©" not in text


def test_a_page_with_prose_only_in_its_furniture_stays_without_body():
    html = page(f"""<header><p>{NAV_PROSE}</p></header>{MENU}<h1>Gallery</h1>
      <aside><p>{NAV_PROSE} Subscribe and read every story of the week.</p></aside>
      <div class="cookie-consent"><p>We use cookies to understand how our site is used and
      to show you offers that interest you; you can refuse them at any time.</p></div>
      <form><p>{FURNITURE}</p></form><footer><p>{NAV_PROSE}</p></footer>""")
    article = extract(html, URL)
    assert article.text == "" and "text" not in article.sources
    assert extract_text(html) == ""


def test_a_short_story_its_container_gave_whole_is_not_replaced_by_a_longer_description():
    story = ("The bridge reopens on Monday after three weeks of repairs, the city said, "
             "and buses return to their old routes the same morning.")
    teaser = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Bridge",
              "description": " ".join([INTRO] * 4)}
    html = page(f"<article><h1>Bridge</h1><div class='entry-content'><p>{story}</p>"
                f"<p>{story.replace('bridge', 'tunnel')}</p>"
                f"<p>{story.replace('bridge', 'ferry')}</p></div></article>", teaser)
    assert extract(html, URL).text.split("\n\n")[0] == story


def test_a_poem_in_short_lines_that_the_block_rule_rejects_is_still_the_body():
    lines = ["The river rose in the night and no bell rang for it",
             "by dawn the square in front of the church lay under water",
             "the bakers of the old town carried their flour upstairs",
             "and nobody was hurt, the mayor said on the town hall steps",
             "the water fell again by evening and left its mud behind",
             "and on Friday the market opened at eight as it always did"]
    html = page(f"""{MENU}<h1>Flood, a poem</h1><div class="verse">
      {"".join(f"<p>{line}</p>" for line in lines)}</div>
      <div class="links"><a href="/a">More poems from the city and the region</a></div>""")
    for text in (extract(html, URL).text, extract_text(html)):
        assert text.split("\n\n") == lines


def test_a_listing_page_whose_teasers_the_chain_gathers_is_still_no_article():
    """A section front with no article markup: the chain may read its teasers' prose, but
    that makes it no article of the archive (the generic rule asks a container's body)."""
    teasers = "".join(
        f"<div class='teaser'><h2><a href='/story-{i}/'>Story {i}</a></h2><p>{text}</p></div>"
        for i, text in enumerate([REVIEW[:180], INTRO, NAV_PROSE, STEP_1, REVIEW[180:]]))
    html = page(f"{MENU}<h1>Culture</h1><div class='list'>{teasers}</div>")
    article = extract(html, "https://news.example/category/culture/")
    assert article.sources.get("text") == "paragraphs" and len(article.text) >= 400
    assert not article.is_article
