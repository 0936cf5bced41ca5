"""A site that attacks its crawler, and a listener that counts who connects to it.

tests/faultserver.py breaks the wire; this server is hostile by content: it points the
crawler's requests at other services on the machine, feeds it sitemaps and URLs without
end, and holds robots.txt open while the crawl is told to stop. Both bind loopback only.

Paths (``HostileServer`` options in brackets)::

    /robots.txt                 [robots_to] 302 to that URL; [robots_hang] answers only
                                after that many seconds (or when the server stops); else 404
    /sitemap.xml?n=K            a sitemap index feeding itself: children ?n=K.0 ?n=K.1
                                ?n=K.2, /articles.xml, and [offsite_sitemap] if given
    /articles.xml               a sitemap listing /story-one/
    /story-one/                 an article (the wordpress-tagdiv preset reads it)
    /trap/                      [trap_links] links to /trap/list?sort=N, one path under
                                ever new query strings
    /real/                      links to /real/story-N/ (N < 5), each an article
    /redirect?to=URL            302 to URL
"""

from __future__ import annotations

import socket
import threading
from contextlib import suppress
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from faultserver import LoopbackServer
from test_faults_crawl import article, listing

__all__ = ["HostileServer", "Listener", "REAL_STORIES"]

REAL_STORIES = [f"/real/story-{n}/" for n in range(5)]


class Listener:
    """A TCP service on a loopback port that only counts the connections it accepts: the
    proof that a refused request never reached the socket, not only that it was recorded."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.bind((host, 0))
        self.sock.listen(16)
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.netloc = f"[{host}]:{self.port}" if ":" in host else f"{host}:{self.port}"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()

    def __enter__(self) -> Listener:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


class HostileServer(LoopbackServer):
    """Threaded hostile site on 127.0.0.1; use as ``with HostileServer(...) as site``."""

    def __init__(self, *, robots_to: str | None = None, robots_hang: float = 0.0,
                 offsite_sitemap: str | None = None, trap_links: int = 2000) -> None:
        self.robots_to = robots_to
        self.robots_hang = robots_hang
        self.offsite_sitemap = offsite_sitemap
        self.trap_links = trap_links
        self.log: list[str] = []  # request paths, query included, in arrival order
        self.robots_asked = threading.Event()
        self._listen(_Handler)

    def requests(self, prefix: str) -> list[str]:
        return [path for path in self.log if path.startswith(prefix)]


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the server keeps its own log."""

    def _send(self, status: int, body: bytes = b"", content_type: str = "text/html",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        site: HostileServer = self.server.owner  # type: ignore[attr-defined]
        site.log.append(self.path)
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        with suppress(BrokenPipeError, ConnectionResetError):  # the crawler gave up
            self._route(site, parts.path, query)

    def _route(self, site: HostileServer, path: str, query: dict[str, str]) -> None:
        xml = "application/xml"
        if path == "/robots.txt":
            site.robots_asked.set()
            if site.robots_to:
                self._send(302, headers={"Location": site.robots_to})
                return
            if site.robots_hang:
                site.stopping.wait(site.robots_hang)
            self._send(404, b"no robots.txt")
        elif path == "/sitemap.xml":
            n = query.get("n", "0")
            children = [f"{site.base_url}/sitemap.xml?n={n}.{k}" for k in range(3)]
            children += [f"{site.base_url}/articles.xml"]
            children += [site.offsite_sitemap] if site.offsite_sitemap else []
            entries = "".join(f"<sitemap><loc>{c}</loc></sitemap>" for c in children)
            self._send(200, f"<sitemapindex>{entries}</sitemapindex>".encode(), xml)
        elif path == "/articles.xml":
            body = f"<urlset><url><loc>{site.base_url}/story-one/</loc></url></urlset>"
            self._send(200, body.encode(), xml)
        elif path == "/story-one/" or path in REAL_STORIES:
            self._send(200, article(f"Story {path.strip('/').replace('/', ' ')}"))
        elif path == "/trap/":
            self._send(200, listing([f"/trap/list?sort={n}" for n in range(site.trap_links)]))
        elif path == "/real/":
            self._send(200, listing(REAL_STORIES))
        elif path == "/redirect":
            self._send(302, headers={"Location": query.get("to", "/")})
        elif path.startswith("/trap/list"):
            self._send(200, listing([]))
        else:
            self._send(404, b"not here")
