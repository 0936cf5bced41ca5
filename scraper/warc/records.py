"""Reading one WARC file: the HTTP responses a crawl would have fetched, the rest counted.

A WARC (ISO 28500) holds request, response, metadata, warcinfo and revisit records; only a
``response`` record with an HTTP payload is a fetched page. Its payload is read the way the
fetcher reads a body: transfer and content encodings undone (warcio's ``content_stream``;
Common Crawl stores bodies decoded and renames the header, which warcio reads either way),
and cut at ``max_body_bytes``. What is not a page is counted by reason
(``scraper.vocab.WARC_SKIPS``); what is one goes on as a ``Response``, and the crawl's rules
decide its outcome (``scraper.warc.shard``).

A record warcio cannot parse (a truncated or corrupt file) ends the file: a WARC cannot be
resynchronised after a broken gzip member. Network errors are not caught here: they fail the
task, which Dask retries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO

from ..store.export import PART_HEADER

__all__ = ["Response", "responses"]


@dataclass
class Response:
    """One HTTP response of a WARC file."""

    url: str
    status: int
    headers: dict[str, str]  # lower-case names, as the fetcher gives them
    body: bytes
    truncated: bool  # longer than max_body_bytes: the crawl would have refused it
    date: str | None  # WARC-Date as the archive writes times (UTC, +00:00)

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")


def _iso(warc_date: str | None) -> str | None:
    try:
        moment = datetime.fromisoformat((warc_date or "").replace("Z", "+00:00"))
    except ValueError:
        return None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def responses(stream: IO[bytes], skipped: Counter, max_body_bytes: int) -> Iterator[Response]:
    """The HTTP responses of the WARC (or ARC) file ``stream``, gzipped or not; every other
    record adds one to its reason in ``skipped``."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    records = iter(ArchiveIterator(stream, arc2warc=True))
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except ArchiveLoadFailed:
            skipped["unreadable"] += 1
            return
        if record.rec_type != "response":
            skipped["not_response"] += 1
            continue
        if record.rec_headers.get_header(PART_HEADER):
            skipped["continuation"] += 1  # its text is in its first page's article
            continue
        http = record.http_headers
        url = record.rec_headers.get_header("WARC-Target-URI") or ""
        if http is None or not url.lower().startswith(("http://", "https://")):
            skipped["not_http"] += 1
            continue
        try:
            status = int(http.get_statuscode() or 0)
        except ValueError:
            skipped["not_http"] += 1
            continue
        if 300 <= status < 400:
            skipped["not_modified" if status == 304 else "redirect"] += 1
            continue
        body = record.content_stream().read(max_body_bytes + 1)
        headers: dict[str, str] = {}
        for name, value in http.headers:
            headers.setdefault(name.lower(), value)
        yield Response(url, status, headers, body[:max_body_bytes],
                       len(body) > max_body_bytes,
                       _iso(record.rec_headers.get_header("WARC-Date")))
