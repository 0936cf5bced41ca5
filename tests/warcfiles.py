"""WARC files made in tests, with warcio, from pages fetched off a test server on 127.0.0.1:
each response as a crawler archives it (a request record before it), and records that are
not pages (warcinfo, metadata, a redirect) for ingest-warc to skip and count."""

from __future__ import annotations

import io
import urllib.error
import urllib.request
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

WARC_DATE = "2025-07-01T12:00:00Z"


def fetch(url: str) -> tuple[int, list[tuple[str, str]], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, list(response.getheaders()), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, list(exc.headers.items()), exc.read()


def write_warc(path: Path, urls: list[str], extras: bool = True) -> Path:
    """Fetch ``urls`` and write them to ``path`` (gzipped when it ends in .gz)."""
    return write_responses(path, [(url, *fetch(url), WARC_DATE) for url in urls], extras)


def write_responses(path: Path, responses: list[tuple[str, int, list, bytes, str]],
                    extras: bool = True) -> Path:
    """Write (url, status, headers, body, WARC-Date) responses to ``path``."""
    urls = [url for url, *_ in responses]
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=path.name.endswith(".gz"))
        if extras:
            writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for url, status, headers, body, date in responses:
            request = StatusAndHeaders(f"GET {url} HTTP/1.1", [("User-Agent", "test")],
                                       is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request",
                                                          http_headers=request))
            http = StatusAndHeaders(f"{status} OK", headers, protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=http,
                warc_headers_dict={"WARC-Date": date}))
        if extras and urls:
            moved = StatusAndHeaders("301 Moved Permanently", [("Location", urls[0])],
                                     protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                urls[0].rstrip("/"), "response", payload=io.BytesIO(b""), http_headers=moved))
            writer.write_record(writer.create_warc_record(
                urls[0], "metadata", payload=io.BytesIO(b"fetchTimeMs: 12\r\n"),
                warc_content_type="application/warc-fields"))
    return path
