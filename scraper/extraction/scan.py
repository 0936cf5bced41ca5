"""One query of the page for the elements several stages look at.

A page-wide CSS query costs about 0.1 ms whatever it matches (Lexbor walks every element
of the page: ~860 on the dev sets' pages), so the headline, the widget finder's headings
and links and the body finder's paragraphs and line breaks are found in one walk and
sorted here, each list in page order and holding exactly what its own query would give.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = ["HEADING_SELECTOR", "PROSE_OR_BREAK", "Scan", "scan_page"]

# Widget headings (widgets.py), and the prose and line breaks bodies are weighed by (body.py).
HEADING_SELECTOR = ":is(h2, h3, h4, h5, h6, [role=heading], [aria-label])"
PROSE_OR_BREAK = ":is(p, pre, blockquote, br)"
_SELECTOR = (":is(h1, h2, h3, h4, h5, h6, [role=heading], [aria-label], a[href], p, pre, "
             "blockquote, br)")
_HEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_PROSE_TAGS = frozenset({"p", "pre", "blockquote", "br"})


@dataclass
class Scan:
    """What the page's ``<body>`` holds, in page order: ``h1`` its first ``<h1>``;
    ``headings`` what ``HEADING_SELECTOR`` matches; ``links`` ``a[href]`` with their
    href; ``ordered`` headings and links together (a link that is a heading once);
    ``prose`` what ``PROSE_OR_BREAK`` matches."""

    h1: LexborNode | None = None
    headings: list[LexborNode] = field(default_factory=list)
    links: list[tuple[LexborNode, str]] = field(default_factory=list)
    ordered: list[LexborNode] = field(default_factory=list)
    prose: list[LexborNode] = field(default_factory=list)


def scan_page(tree: LexborHTMLParser) -> Scan | None:
    """The page's scan; None for a page without ``<body>`` (each stage then queries).

    Only the body is walked: the head can hold none of these but an ``aria-label`` on a
    ``<meta>``, which no stage could use (it holds no links), and ``<template>`` content
    is no part of the document for Lexbor's queries either."""
    body = tree.body
    if body is None:
        return None
    scan = Scan()
    headings, links, ordered, prose = scan.headings, scan.links, scan.ordered, scan.prose
    for node in body.css(_SELECTOR):
        tag = node.tag
        if tag in _HEADING_TAGS:
            headings.append(node)
            ordered.append(node)
            continue
        attrs = node.attributes
        # [role=heading] compares the value exactly, case included, as Lexbor does
        labelled = "aria-label" in attrs or attrs.get("role") == "heading"
        linked = tag == "a" and "href" in attrs
        if labelled:
            headings.append(node)
        if linked:
            links.append((node, attrs["href"] or ""))
        if labelled or linked:
            ordered.append(node)
        if tag == "h1" and scan.h1 is None:
            scan.h1 = node
        elif tag in _PROSE_TAGS:
            prose.append(node)
    return scan
