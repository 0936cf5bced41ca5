"""Tag ids: what the hot loops compare instead of tag names.

``node.tag`` makes a new ``str`` on every read (0.32 µs on the dev sets' pages), its
``tag_id`` is an int read in a third of that. The ids of the standard HTML tags are
Lexbor's static tag table, the same in every document (a custom tag's id is a pointer of
its own document, never one of these), so they are read once, from a page made of them.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

__all__ = ["PAGE", "tag_ids"]


def tag_ids(*names: str) -> frozenset[int]:
    """The ids of the standard HTML tags ``names``."""
    inner = "".join(f"<{name}></{name}>" for name in names if name not in ("html", "body"))
    # two documents alive at once: a custom tag gets a different id in each
    trees = [LexborHTMLParser(f"<html><body>{inner}</body></html>") for _ in range(2)]
    ids = set()
    for name in names:
        nodes = [tree.css_first(name) for tree in trees]
        found = {node.tag_id for node in nodes if node is not None and node.tag == name}
        if None in nodes or len(found) != 1:
            raise ValueError(f"not a standard HTML tag: {name!r}")
        ids |= found
    return frozenset(ids)


# The document's outer elements: where a climb through a node's ancestors stops.
PAGE = tag_ids("body", "html")
