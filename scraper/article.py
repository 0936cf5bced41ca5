"""The Article record: the contract between parsing, storing and exporting.

Every pipeline step after the fetch reads or writes these two dataclasses and nothing else,
so that a site adapter, the generic extractor and the archive can change independently.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Article", "Link"]


@dataclass
class Link:
    """One item of a link widget ("Latest news", "Related", ...) found on an article page.

    ``kind`` is a normalised type, one of ``scraper.vocab.WIDGET_KINDS``; ``heading`` keeps
    the widget's own words so that an unknown widget (kind ``other``) is still recognisable
    in the archive.
    """

    kind: str
    position: int
    title: str
    url: str
    teaser: str | None = None
    heading: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Article:
    """What one page says, as clean fields.

    ``text`` holds paragraphs and subheadings separated by one blank line; ``blocks`` gives
    the kind of each of them, in order (``scraper.vocab.BLOCK_KINDS``: ``heading`` for a
    subheading; empty when the extractor could not tell). ``sources``
    maps each field name to where its value came from (``selector``, ``json-ld``,
    ``opengraph``, ``meta``, ``microdata``, ``time``, ``heuristic``, ...), so an analyst can
    tell a configured selector from a guess (the names are ``scraper.vocab.FIELD_SOURCES``).
    ``selector_misses`` names the fields whose configured selector matched nothing where
    every article has the field (``title`` and ``body`` among them raise the crawl's layout
    alarm, ``vocab.LAYOUT_FIELDS``); ``warnings`` says the same and more in words.
    ``is_article`` is False for listing pages, home pages and error pages: the crawler
    follows their links but does not archive them. ``adapter`` says which site adapter read
    the page: its preset (and, for ``extends = "auto"``, what the detection saw) and the
    layout version in force.
    """

    url: str | None = None
    canonical_url: str | None = None
    title: str | None = None
    section: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    language: str | None = None
    tags: list[str] = field(default_factory=list)
    lead: str | None = None
    text: str = ""
    blocks: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    image: str | None = None
    amphtml_url: str | None = None
    is_article: bool = False
    sources: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    selector_misses: list[str] = field(default_factory=list)
    adapter: dict[str, str] = field(default_factory=dict)

    def append_page(self, part: Article) -> None:
        """The text (and its block kinds) of a later page of a multi-page article follows,
        one blank line apart (the crawl and ``reparse`` join the pages alike)."""
        if part.text:
            self.text = f"{self.text}\n\n{part.text}" if self.text else part.text
            self.blocks += part.blocks

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict whose keys are the field names (``links`` as a list of dicts)."""
        data = asdict(self)
        data["links"] = [link.to_dict() for link in self.links]
        return data
