"""Serve a static copy of a news site on 127.0.0.1, the way its real web server would.

Tests, benchmarks and ``newsarchive demo`` crawl a site directory (the seed reconstruction or
the bundled demo) without touching the internet. For the crawler to behave as it would on the
real site, the server reproduces what WordPress behind Apache does: clean URLs
(``/slug/`` is ``slug/index.html``), a 301 to the trailing-slash form, a real 404 status with
the theme's not-found page, feeds and sitemaps with their own content types, and validators
(``ETag``/``Last-Modified``) so conditional GET can be exercised. Absolute links in the files
use the site's public origin; they are rewritten to the served origin so that the crawler
follows them to the local copy instead of leaving the machine.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import mimetypes
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

__all__ = ["SiteServer", "serve_site"]

_TEXT_TYPES = {
    ".html": "text/html; charset=UTF-8",
    ".xml": "application/xml; charset=UTF-8",
    ".txt": "text/plain; charset=UTF-8",
    ".css": "text/css",
}
_RSS_TYPE = "application/rss+xml; charset=UTF-8"
_INDEX_NAMES = ("index.html", "index.xml")
_JOIN_TIMEOUT = 5.0


class SiteServer:
    """A running server for one site directory; stop it with ``close()`` or a ``with`` block.

    ``requests`` records every answered request as ``(method, path with query, status)`` so
    tests can assert what a crawler fetched (and what it politely did not).
    """

    def __init__(self, root: Path, origin: str | None, port: int) -> None:
        self.root = root.resolve()
        settings = _read_site_json(self.root)
        self.not_found_page = str(settings.get("not_found_page") or "404.html")
        public = (origin or settings.get("origin") or "").rstrip("/")
        self.requests: list[tuple[str, str, int]] = []
        self._lock = threading.Lock()
        self._httpd = _Server(("127.0.0.1", port), _Handler)
        self._httpd.site = self
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._rewrites = _rewrites(public, self.base_url)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"siteserver-{self._httpd.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        self._closed = False

    def _record(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self.requests.append((method, path, status))

    def _rewrite(self, body: bytes) -> bytes:
        for public, served in self._rewrites:
            body = body.replace(public, served)
        return body

    def close(self) -> None:
        """Stop accepting requests and release the port; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(_JOIN_TIMEOUT)

    def __enter__(self) -> SiteServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def serve_site(root: Path, *, origin: str | None = None, port: int = 0) -> SiteServer:
    """Start serving ``root`` in a background thread; ``port=0`` picks a free port.

    ``origin`` is the public origin written in the files (default: ``SITE.json``'s
    ``origin``); without one, bodies are served unchanged.
    """
    if not Path(root).is_dir():
        raise FileNotFoundError(f"site directory not found: {root}")
    return SiteServer(Path(root), origin, port)


def _read_site_json(root: Path) -> dict[str, object]:
    path = root / "SITE.json"
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def _rewrites(public: str, served: str) -> list[tuple[bytes, bytes]]:
    """Full origin first, then protocol-relative ``//host`` (which also covers ``http://``)."""
    if not public:
        return []
    host = urlsplit(public).netloc
    served_host = urlsplit(served).netloc
    return [
        (public.encode(), served.encode()),
        (f"//{host}".encode(), f"//{served_host}".encode()),
    ]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # socketserver's 5 drops connections of a concurrent crawl
    site: SiteServer

    def handle_error(self, request: object, client_address: object) -> None:
        # A crawler that hangs up mid-response is normal; anything else is a real bug.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    # HTTP/1.0 closes each connection after its response, so close() never waits on idle
    # keep-alive sockets held by a client.
    protocol_version = "HTTP/1.0"
    server_version = "newsarchive-siteserver"
    sys_version = ""

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # Called once per response (including send_error), so every answer is recorded.
        status = int(code) if str(code).isdigit() else 0
        self.server.site._record(self.command or "", self.path, status)

    def log_message(self, format: str, *args: object) -> None:
        """Keep test and demo output clean; ``SiteServer.requests`` is the log."""

    def _respond(self, *, send_body: bool) -> None:
        site = self.server.site
        split = urlsplit(self.path)
        target = _resolve(site.root, unquote(split.path))
        if target is None:
            self._send_not_found(send_body)
        elif target.is_dir():
            location = f"{site.base_url}{split.path}/"
            if split.query:
                location += f"?{split.query}"
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self._send_file(target, send_body)

    def _send_file(self, path: Path, send_body: bool) -> None:
        body, content_type = _load(self.server.site, path)
        mtime = int(path.stat().st_mtime)
        etag = '"' + hashlib.sha1(body, usedforsecurity=False).hexdigest()[:20] + '"'
        status = HTTPStatus.NOT_MODIFIED if self._is_fresh(etag, mtime) else HTTPStatus.OK
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", email.utils.formatdate(mtime, usegmt=True))
        if status == HTTPStatus.NOT_MODIFIED:
            self.end_headers()
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _is_fresh(self, etag: str, mtime: int) -> bool:
        """RFC 9110 13.2.2: If-None-Match wins; If-Modified-Since only when it is absent."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
            return "*" in tags or etag in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since is None:
            return False
        try:
            since = email.utils.parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        return since.tzinfo is not None and mtime <= since.timestamp()

    def _send_not_found(self, send_body: bool) -> None:
        site = self.server.site
        page = site.root / site.not_found_page
        if page.is_file():
            body, content_type = _load(site, page)
        else:
            body, content_type = b"Not Found\n", _TEXT_TYPES[".txt"]
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)


def _resolve(root: Path, path: str) -> Path | None:
    """The file (or, for a slash-less directory path, the directory) a URL path names.

    Returns None for anything that must be a 404: unknown paths, ``..`` or backslash
    segments, NUL bytes, and symlinks that lead outside ``root``.
    """
    segments = [segment for segment in path.split("/") if segment]
    if any(seg in (".", "..") or "\\" in seg or "\x00" in seg for seg in segments):
        return None
    candidate = root.joinpath(*segments)
    try:
        if not candidate.resolve().is_relative_to(root):
            return None
    except OSError:
        return None
    if path.endswith("/") or not segments:
        if not candidate.is_dir():
            return None
        return next((candidate / name for name in _INDEX_NAMES if (candidate / name).is_file()),
                    None)
    if candidate.is_file() or candidate.is_dir():
        return candidate
    return None


def _load(site: SiteServer, path: Path) -> tuple[bytes, str]:
    """The body to send (origin rewritten in text files) and its Content-Type."""
    body = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix not in _TEXT_TYPES:
        guessed = mimetypes.guess_type(path.name)[0]
        return body, guessed or "application/octet-stream"
    content_type = _TEXT_TYPES[suffix]
    if suffix == ".xml" and b"<rss" in body[:1024]:
        content_type = _RSS_TYPE
    return site._rewrite(body), content_type
