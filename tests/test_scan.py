"""The page scan gives each stage exactly what the stage's own CSS query would."""

from selectolax.lexbor import LexborHTMLParser

from scraper.extraction.scan import HEADING_SELECTOR, PROSE_OR_BREAK, scan_page

_PAGE = """<html><head><meta aria-label="head"><title>T</title></head>
<body><header><a href="/">Home</a><nav aria-label="Main"><a>no href</a></nav></header>
<h1 aria-label="Headline">The story</h1><h1>A second headline</h1>
<p>First paragraph<br>with a break.</p><p role="heading">A paragraph as a heading</p>
<p role="Heading">Not a heading: the value's case differs</p><pre>code</pre>
<blockquote aria-label="Quote">Said</blockquote>
<a href="/a-b-c" aria-label="A labelled link">link</a><a href="">empty href</a>
<div role="heading">Related</div><h2>Most read</h2><svg><a href="/svg-a-b">x</a></svg>
<h3>Latest</h3><h6>Small</h6><ul><li><a href="/x-y-z">Item</a></li></ul></body></html>"""


def _ids(nodes):
    return [node.mem_id for node in nodes]


def test_the_scan_lists_what_each_stage_s_query_lists_in_page_order() -> None:
    tree = LexborHTMLParser(_PAGE)
    scan = scan_page(tree)
    assert scan is not None
    body = tree.body
    assert _ids(scan.headings) == _ids(body.css(HEADING_SELECTOR))
    assert _ids(node for node, _ in scan.links) == _ids(tree.css("a[href]"))
    assert [href for _, href in scan.links] == ["/", "/a-b-c", "", "/svg-a-b", "/x-y-z"]
    order = ":is(h2, h3, h4, h5, h6, [role=heading], [aria-label], a[href])"
    assert _ids(scan.ordered) == _ids(body.css(order))
    assert _ids(scan.prose) == _ids(body.css(PROSE_OR_BREAK))
    assert scan.h1 is not None and scan.h1.mem_id == tree.css_first("h1").mem_id
    assert "Not a heading" not in " ".join(node.text() for node in scan.headings)


def test_a_page_without_a_body_has_no_scan_and_a_page_without_matches_an_empty_one() -> None:
    assert scan_page(LexborHTMLParser("<frameset><frame src=x></frameset>")) is None
    empty = scan_page(LexborHTMLParser("<div>nothing here</div>"))
    assert empty is not None and empty.h1 is None
    assert (empty.headings, empty.links, empty.ordered, empty.prose) == ([], [], [], [])
