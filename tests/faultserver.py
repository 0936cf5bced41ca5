"""A real HTTP server on 127.0.0.1 that misbehaves on demand.

The fetcher's promises (retries, caps, deadlines, politeness) are about what happens on the
wire, so tests exercise them against actual sockets rather than a mocked client. Each fault has
its own path; every request is logged with its arrival time, the status answered and the
fault injected, so tests can count attempts, measure spacing and reconcile the log with the
archive's ``fetches`` table. The robots.txt variant is chosen per server instance.

It also serves fixture sites: ``pages`` (path -> (status, content type, body)) and/or an
``upstream`` server it proxies (e.g. a ``scraper.demo`` site server, its origin rewritten
to ours), and then injects faults at a rate: each site request is, with probability
``fault_rate``, answered by one of ``RATE_FAULTS`` instead. The server binds 127.0.0.1 only,
and every hanging or dripping answer ends when the server stops.

Paths (query parameters in brackets)::

    /ok                         200 HTML page
    /private/<anything>         the same page, under the prefix robots.txt "normal" disallows
    /status/<code>              that status, empty body
    /flaky [fails=N]            503 for the first N requests, then 200
    /hangup [fails=N]           closes the connection without answering N times, then 200
    /retry-after [seconds, fails=N]   429 with Retry-After: seconds, then 200
    /retry-after-date [fails=N] 503 with Retry-After as an HTTP-date (see retry_at), then 200
    /etag                       200 with ETag "v1"; 304 when If-None-Match matches
    /chain [hops=N]             N relative redirects, then 200
    /loop [at=a|b]              a -> b -> a ...
    /redirect [to=URL]          302 to URL
    /to-file                    302 to file:///etc/passwd
    /huge [size, length=1|0]    size bytes, with or without Content-Length
    /gzip-bomb [size]           small gzip body that inflates to size bytes
    /corrupt-gzip               Content-Encoding: gzip with an invalid deflate stream
    /compressed [enc=gzip|deflate]   COMPRESSED_TEXT, compressed
    /drip [interval]            headers, then one byte per interval seconds
    /slow [seconds]             200 after a pause
    /reset [after=N]            headers announcing 10,000 bytes, N bytes, then a TCP reset
    /hang                       headers, then nothing until the client gives up
    /empty                      200 with an empty body
    /empty-gzip                 200, Content-Encoding: gzip, empty body
    /soft-404                   200 whose title says "Page not found"
    /mislabeled                 Arabic in windows-1256, sent as "charset=utf-8"
    /meta-charset               the same bytes, the charset only in <meta>
    /malformed [kind=unclosed|nested|nul]   broken HTML (nested: 50,000 open <div>s)
    /calendar/                  an endless calendar: next-month links, ?date= and year 2999
    /keepalive                  on a keep_alive server: answers the first request of a
                                connection, then closes it when the client reuses it
    /robots.txt                 see ROBOTS_VARIANTS
    (with upstream, every path is proxied: robots.txt unfaulted, the rest at fault_rate)
"""

from __future__ import annotations

import gzip
import http.client
import random
import socket
import struct
import threading
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import formatdate
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self
from urllib.parse import parse_qs, urlsplit

__all__ = ["FaultServer", "Request", "ROBOTS_VARIANTS", "RATE_FAULTS", "OK_BODY",
           "COMPRESSED_TEXT", "ARABIC"]

OK_BODY = b"<!doctype html><html><head><title>ok</title></head><body><p>fine</p></body></html>"
COMPRESSED_TEXT = b"<html><body>" + b"compressible news text " * 200 + b"</body></html>"

# "normal" blocks everyone but newsarchive, so a test passing through proves the agent token
# was matched against the right group.
_NORMAL_ROBOTS = """# fault server robots.txt
User-agent: *
Disallow: /

User-agent: newsarchive
Disallow: /private
Crawl-delay: {crawl_delay}

Sitemap: {base}/sitemap.xml
Sitemap: {base}/news-sitemap.xml
"""

# normal | missing (404) | error (503) | bom (UTF-8 BOM before the first line) |
# redirect (301 to /robots-real.txt, which serves "normal") | forbidden (403) |
# huge (600 KB: "Disallow: /private" first, "Disallow: /late" past 512 KiB) |
# disallow_all ("Disallow: /" for newsarchive)
ROBOTS_VARIANTS = frozenset(
    {"normal", "missing", "error", "bom", "redirect", "forbidden", "huge", "disallow_all"})
# Faults injected at fault_rate into fixture-site requests.
RATE_FAULTS = ("429", "429-date", "503", "reset", "hang", "empty", "corrupt-gzip",
               "redirect-private")
# "The government announced a new plan today" (and more), for the charset faults.
ARABIC = "أعلنت الحكومة اليوم عن خطة جديدة لتطوير البنية التحتية في المدينة القديمة. " * 8


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog of 5 overflows when a soak's crawl opens dozens of
    # connections at once: the kernel drops the SYNs and the client records a connect
    # timeout for a request this server never saw, which would read as a fault it injected.
    request_queue_size = 128


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 for the length of a ``with`` block: the lifecycle
    the test servers share (FaultServer, tests/hostileserver.py). ``_listen`` binds it; the
    handler reaches the server object as ``self.server.owner``."""

    def _listen(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.stopping = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), handler)
        self._httpd.owner = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    @property
    def host(self) -> str:
        """``127.0.0.1:port``, the key Fetcher.set_policy expects."""
        return f"127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def base_url(self) -> str:
        return f"http://{self.host}"


@dataclass
class Request:
    path: str  # including the query string
    time: float  # time.time() when the request line was read
    headers: dict[str, str]  # lower-case keys
    status: int | None = None  # of the answer; None when the connection was dropped
    fault: str | None = None  # the rate fault injected, if any
    retry_after: float | None = None  # seconds announced with a 429/503


@lru_cache
def _gzip_zeros(size: int) -> bytes:
    return gzip.compress(b"\0" * size, compresslevel=9)


class FaultServer(LoopbackServer):
    """Threaded fault-injecting server; use as ``with FaultServer() as server``."""

    def __init__(
        self,
        robots: str = "missing",
        crawl_delay: float = 0.0,
        *,
        pages: dict[str, tuple[int, str, bytes]] | None = None,
        upstream: str | None = None,
        fault_rate: float = 0.0,
        faults: Iterable[str] = RATE_FAULTS,
        seed: int = 0,
        keep_alive: bool = False,
        private_target: str = "http://169.254.169.254/latest/meta-data/",
    ) -> None:
        if robots not in ROBOTS_VARIANTS:
            raise ValueError(f"unknown robots variant {robots!r}")
        self.robots = robots
        self.crawl_delay = crawl_delay
        self.pages = pages if pages is not None else {}
        self.upstream = upstream.rstrip("/") if upstream else None
        self.fault_rate = fault_rate
        self.faults = tuple(faults)
        self.keep_alive = keep_alive
        self.private_target = private_target  # where the "redirect-private" fault points
        self._random = random.Random(seed)
        self.log: list[Request] = []
        # path -> epoch second announced by /retry-after-date
        self.retry_at: dict[str, float] = {}
        self._lock = threading.Lock()
        self._listen(_Handler)

    def url(self, path: str) -> str:
        return self.base_url + path

    def requests(self, path: str) -> list[Request]:
        """Logged requests whose path (query included) equals ``path``."""
        with self._lock:
            return [r for r in self.log if r.path == path]

    def record(self, request: Request) -> int:
        """Log ``request``; return how many times its path has been requested, this one included."""
        with self._lock:
            self.log.append(request)
            return sum(1 for r in self.log if r.path == request.path)

    def pick_fault(self) -> str | None:
        """The rate fault for one site request, or None to answer it properly."""
        with self._lock:
            if self.fault_rate and self._random.random() < self.fault_rate:
                return self._random.choice(self.faults)
            return None


class _Handler(BaseHTTPRequestHandler):
    server_version = "FaultServer/1.0"

    def setup(self) -> None:
        super().setup()
        self.fault: FaultServer = self.server.owner  # type: ignore[attr-defined]
        if self.fault.keep_alive:
            self.protocol_version = "HTTP/1.1"
        self.answered = 0  # requests answered on this connection

    def log_message(self, format: str, *args: object) -> None:
        """Keep pytest output clean; the request log is kept on the FaultServer instead."""

    def send_response(self, code: int, message: str | None = None) -> None:
        self.request_log.status = code
        super().send_response(code, message)

    def do_GET(self) -> None:
        headers = {key.lower(): value for key, value in self.headers.items()}
        self.request_log = Request(self.path, time.time(), headers)
        self.hit = self.fault.record(self.request_log)
        parts = urlsplit(self.path)
        self.query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        routes = {
            "/ok": self._ok,
            "/flaky": self._flaky,
            "/hangup": self._hangup,
            "/retry-after": self._retry_after,
            "/retry-after-date": self._retry_after_date,
            "/etag": self._etag,
            "/chain": self._chain,
            "/loop": self._loop,
            "/redirect": self._redirect,
            "/to-file": self._to_file,
            "/huge": self._huge,
            "/gzip-bomb": self._gzip_bomb,
            "/corrupt-gzip": self._corrupt_gzip,
            "/compressed": self._compressed,
            "/drip": self._drip,
            "/slow": self._slow,
            "/robots.txt": self._robots_txt,
            "/robots-real.txt": self._robots_real_txt,
            "/reset": self._reset,
            "/hang": self._hang,
            "/empty": lambda: self._send(200),
            "/empty-gzip": lambda: self._send(200, headers={"Content-Encoding": "gzip"}),
            "/soft-404": self._soft_404,
            "/mislabeled": lambda: self._send(200, _arabic_page(meta=False)),
            "/meta-charset": lambda: self._send(200, _arabic_page(meta=True), content_type=(
                "text/html")),
            "/malformed": self._malformed,
            "/calendar/": self._calendar,
            "/keepalive": self._keepalive,
        }
        if parts.path in self.fault.pages or self.fault.upstream:
            route = self._site
        elif parts.path.startswith("/status/"):
            route = self._status
        elif parts.path.startswith("/private/"):
            route = self._ok
        else:
            route = routes.get(parts.path)
        try:
            if route is None:
                self._send(404, b"no such fault")
            else:
                route()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up on us, which is often the point of the test
        self.answered += 1

    # --- fixture sites and rate faults --------------------------------------------------

    def _site(self) -> None:
        # robots.txt is proxied but not faulted: a failing one disallows the whole site.
        fault = self.fault.pick_fault() if self.path != "/robots.txt" else None
        self.request_log.fault = fault
        if fault is None:
            self._serve_page()
        elif fault in ("429", "503"):
            self.request_log.retry_after = 1.0
            self._send(int(fault), headers={"Retry-After": "1"})
        elif fault == "429-date":
            when = float(int(time.time()) + 2)
            self.request_log.retry_after = when - self.request_log.time
            self._send(429, headers={"Retry-After": formatdate(when, usegmt=True)})
        elif fault == "reset":
            self._reset()
        elif fault == "hang":
            self._hang()
        elif fault == "empty":
            self._send(200)
        elif fault == "redirect-private":
            self._send(302, headers={"Location": self.fault.private_target})
        else:
            self._corrupt_gzip()

    def _serve_page(self) -> None:
        path = urlsplit(self.path).path
        if path in self.fault.pages:
            status, content_type, body = self.fault.pages[path]
            self._send(status, body, content_type=content_type)
            return
        upstream = urlsplit(self.fault.upstream)
        conditional = {k: v for k, v in self.headers.items()
                       if k.lower() in ("if-none-match", "if-modified-since")}
        connection = http.client.HTTPConnection(upstream.netloc, timeout=30)
        try:
            connection.request("GET", self.path, headers=conditional)
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        mine = self.fault.base_url.encode()
        headers = {}
        for name in ("ETag", "Last-Modified", "Location"):
            if response.getheader(name):
                headers[name] = response.getheader(name).replace(self.fault.upstream,
                                                                 self.fault.base_url)
        if response.status == 304:
            self.send_response(304)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            return
        body = body.replace(self.fault.upstream.encode(), mine)
        self._send(response.status, body, headers,
                   response.getheader("Content-Type") or "text/html")

    def _arg(self, name: str, default: float) -> float:
        return float(self.query.get(name, default))

    def _send(
        self,
        status: int,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        content_type: str = "text/html; charset=utf-8",
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _failing(self) -> bool:
        return self.hit <= self._arg("fails", 0)

    # --- routes -----------------------------------------------------------------------------

    def _ok(self) -> None:
        self._send(200, OK_BODY)

    def _status(self) -> None:
        self._send(int(urlsplit(self.path).path.rsplit("/", 1)[1]))

    def _flaky(self) -> None:
        if self._failing():
            self._send(503)
        else:
            self._ok()

    def _hangup(self) -> None:
        if self._failing():
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        else:
            self._ok()

    def _retry_after(self) -> None:
        if self._failing():
            self._send(429, headers={"Retry-After": self.query.get("seconds", "1")})
        else:
            self._ok()

    def _retry_after_date(self) -> None:
        if not self._failing():
            self._ok()
            return
        # HTTP-dates have whole seconds; a whole second beyond the next one guarantees a
        # wait of more than one second whatever the sub-second clock reads now.
        when = float(int(time.time()) + 2)
        self.fault.retry_at[self.path] = when
        self._send(503, headers={"Retry-After": formatdate(when, usegmt=True)})

    def _etag(self) -> None:
        if self.headers.get("If-None-Match") == '"v1"':
            self.send_response(304)
            self.send_header("ETag", '"v1"')
            self.end_headers()
        else:
            self._send(200, OK_BODY, headers={"ETag": '"v1"'})

    def _chain(self) -> None:
        hops = int(self._arg("hops", 3))
        if hops > 0:
            self._send(302, headers={"Location": f"/chain?hops={hops - 1}"})
        else:
            self._send(200, b"end of chain")

    def _loop(self) -> None:
        other = "b" if self.query.get("at", "a") == "a" else "a"
        self._send(302, headers={"Location": f"/loop?at={other}"})

    def _redirect(self) -> None:
        self._send(302, headers={"Location": self.query.get("to", "/ok")})

    def _to_file(self) -> None:
        self._send(302, headers={"Location": "file:///etc/passwd"})

    def _huge(self) -> None:
        size = int(self._arg("size", 50_000_000))
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        if self._arg("length", 1):
            self.send_header("Content-Length", str(size))
        self.end_headers()
        block = b"x" * 65536
        for offset in range(0, size, len(block)):
            if self.fault.stopping.is_set():
                return
            self.wfile.write(block[: size - offset])

    def _gzip_bomb(self) -> None:
        body = _gzip_zeros(int(self._arg("size", 50_000_000)))
        self._send(200, body, headers={"Content-Encoding": "gzip"})

    def _corrupt_gzip(self) -> None:
        # A valid gzip header, then 0xFF: a final deflate block of the reserved type 3.
        body = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"\xff" * 64
        self._send(200, body, headers={"Content-Encoding": "gzip"})

    def _compressed(self) -> None:
        encoding = self.query.get("enc", "gzip")
        compress = gzip.compress if encoding == "gzip" else zlib.compress
        body = compress(COMPRESSED_TEXT)
        self._send(200, body, headers={"Content-Encoding": encoding})

    def _drip(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.flush()
        for _ in range(1000):
            self.wfile.write(b"x")
            self.wfile.flush()
            if self.fault.stopping.wait(self._arg("interval", 1.0)):
                return

    def _slow(self) -> None:
        if not self.fault.stopping.wait(self._arg("seconds", 0.2)):
            self._ok()

    def _reset(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "10000")
        self.end_headers()
        self.wfile.write(b"<html><body>" + b"x" * int(self._arg("after", 100)))
        self.wfile.flush()
        # SO_LINGER with a zero timeout turns close() into a TCP RST.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def _hang(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.flush()
        self.fault.stopping.wait(60)
        self.close_connection = True

    def _soft_404(self) -> None:
        self._send(200, b"<!doctype html><html><head><title>Page not found - Daily</title></head>"
                        b"<body><h1>Oops! That page can't be found.</h1><p>Try a search.</p>"
                        b"</body></html>")

    def _malformed(self) -> None:
        kind = self.query.get("kind", "unclosed")
        if kind == "nested":
            body = b"<html><body>" + b"<div>" * 50_000 + b"deep"
        elif kind == "nul":
            body = b"<html><head><title>N\x00UL</title></head><body><p>a\x00b\x00</p>\x00"
        else:
            body = b"<html><body><p>unclosed <b>bold <i>italic <table><tr><td>cell</span>"
        self._send(200, body)

    def _calendar(self) -> None:
        month = self.query.get("date", "2024-06")
        year, number = (int(part) for part in month.split("-"))
        following = f"{year + number // 12}-{number % 12 + 1:02d}"
        links = (f'<a href="/calendar/?date={following}">next</a>'
                 f'<a href="/events/2999/{number:02d}/">far future</a>')
        self._send(200, f"<html><body><h2>{month}</h2>{links}</body></html>".encode())

    def _keepalive(self) -> None:
        if self.answered:
            # A server that timed the idle connection out as the client reused it.
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        else:
            self._ok()

    def _robots_txt(self) -> None:
        variant = self.fault.robots
        if variant == "missing":
            self._send(404, b"not found")
        elif variant == "forbidden":
            self._send(403, b"forbidden")
        elif variant == "disallow_all":
            self._send(200, b"User-agent: newsarchive\nDisallow: /\n", content_type="text/plain")
        elif variant == "huge":
            filler = b"# " + b"padding " * 60 + b"\n"
            body = (b"User-agent: newsarchive\nDisallow: /private\n"
                    + filler * (600 * 1024 // len(filler)) + b"Disallow: /late\n")
            self._send(200, body, content_type="text/plain")
        elif variant == "error":
            self._send(503, b"try later")
        elif variant == "redirect":
            self._send(301, headers={"Location": "/robots-real.txt"})
        elif variant == "bom":
            body = "\ufeffUser-agent: newsarchive\nDisallow: /private\n".encode()
            self._send(200, body, content_type="text/plain")
        else:
            self._robots_real_txt()

    def _robots_real_txt(self) -> None:
        text = _NORMAL_ROBOTS.format(crawl_delay=self.fault.crawl_delay, base=self.fault.base_url)
        self._send(200, text.encode(), content_type="text/plain")


def _arabic_page(meta: bool) -> bytes:
    head = '<meta charset="windows-1256">' if meta else ""
    html = (f"<!doctype html><html><head>{head}<title>خبر عاجل</title></head>"
            f"<body><h1>خبر عاجل</h1><p>{ARABIC}</p></body></html>")
    return html.encode("cp1256")
