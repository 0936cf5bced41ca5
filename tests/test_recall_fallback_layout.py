"""The fallback chain (scraper/extraction/fallback.py) on pages whose body stage finds next
to nothing: a layout class on the page's wrapper ("content-sidebar-wrap", "has-sidebar")
does not make all of its prose furniture, and a page with no prose at all still gives its
text, its menu and footer left out."""

from __future__ import annotations

from test_empty_body_fallback import REVIEW

from scraper import extract
from scraper.extraction.page import extract_text

URL = "https://music.example/reviews/the-album/"
SIDEBAR = ("Our newsroom covers the city, the region and the world every day of the year, "
           "with reporters in twelve countries.")
MENU = "<nav><ul><li><a href='/'>Home</a></li><li><a href='/reviews'>Reviews</a></li></ul></nav>"
FOOTER = "<footer><p>Music Example, 1 Main Street. Write to us any day of the week.</p></footer>"


def page(body: str) -> str:
    return f"<html lang='en'><head><title>A page | Music</title></head><body>{body}</body></html>"


def review_page(wrapper_class: str) -> str:
    """A review written as bare text in a div beside its track list (the body stage weighs
    the list's lines), all inside the page's wrapper."""
    tracks = "<br>".join(f"{i:02}. A song called {i}" for i in range(1, 12))
    return page(f"""{MENU}<div class="{wrapper_class}"><div class="wrap"><h1>The album</h1>
      <div class="mybox_social"><div class="cd-tracklist"><h3>Tracklist</h3>
      <div>{tracks}</div></div></div><div class="text-wrap"><h2>She presents the album</h2>
      <div class="news-text-font">{REVIEW}</div></div></div>
      <div class="sidebar widget-area"><p>{SIDEBAR}</p></div></div>{FOOTER}""")


def test_a_review_inside_a_wrapper_classed_as_having_a_sidebar_is_still_found():
    for wrapper in ("site-inner content-sidebar-wrap", "layout-container has-sidebar"):
        html = review_page(wrapper)
        for text in (extract(html, URL).text, extract_text(html)):
            assert REVIEW in text
            assert "A song called" not in text and SIDEBAR not in text
            assert "Main Street" not in text


def test_a_page_with_no_prose_at_all_gives_its_table_not_its_menu_or_footer():
    rows = [("Date", "29 February 2020, 7 pm"), ("Place", "Town hall, room 2"),
            ("Price", "12 euros, 8 reduced"), ("Tickets", "At the door only")]
    table = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in rows)
    html = page(f"{MENU}<h1>Whisky tasting in March</h1><table>{table}</table>{FOOTER}")
    for text in (extract(html, URL).text, extract_text(html)):
        assert text.split("\n\n") == [f"{k} {v}" for k, v in rows]
    assert not extract(html, URL).is_article  # no prose: followed, not archived
