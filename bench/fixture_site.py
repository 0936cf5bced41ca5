"""The crawl benchmarks' fixtures: tagDiv sites of realistic page size, served on 127.0.0.1
by a small asyncio server that is not the bottleneck.

    python bench/fixture_site.py --serve DIR        # (internal) serve DIR, print the port
    python bench/fixture_site.py --load URL ...     # (internal) load-test a server

``build_site`` renders ``scraper.demo.synthetic.synthetic_data(n)`` with
``render_demo_site`` and pads each article page to a real page's weight (~60-120 KB): an
inline theme configuration script and stylesheet, a mega menu, a comment thread and a
footer, as WordPress news sites carry; the padding lives here, not in the package. AMP
copies are left out (and their ``<link rel=amphtml>``), so that both crawlers fetch the
same pages. Two kinds of text (``FIXTURES``): ``distinct`` articles share no paragraphs;
``shared`` ones are recombined from a pool of paragraphs plus random words
(``benchlib.SharedParagraphs``) and published 3 minutes apart, so that every article has
near-duplicate candidates that are no copies, all within dedup's month window. The server
keeps every file in memory, gzipped when the client accepts it (as a real server does),
HTTP/1.1 keep-alive, 301 to the trailing slash, 404 page, and can log how long it took to
answer each request.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import random
import re
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

_FIRST = ["Ana", "Ben", "Chloe", "Dev", "Elif", "Femi", "Greta", "Hugo", "Ines", "Jon", "Kai",
          "Lena", "Marco", "Nia", "Omar", "Pia", "Ravi", "Sara", "Tom", "Uma", "Vik", "Wen"]
_WORDS = (  # noqa: SIM905
    "this is exactly what the council should have done years ago and everyone knows it "
          "the ferry was late again this morning which is becoming a habit I think the plan "
          "will cost far more than they say who is paying for all of this anyway great "
          "reporting as always thanks for covering the harbour story nobody else does").split()


def _padding(rng: random.Random, number: int) -> tuple[str, str]:
    """(head padding, body padding) for one article page: ~60-100 KB together."""
    config = {f"td_option_{i}": {"value": rng.choice(["on", "off", "default", str(i)]),
                                 "ts": 1_700_000_000 + i} for i in range(400)}
    style = "".join(f".td-block-{i} .td-module-title a{{color:#{rng.randrange(16**6):06x};"
                    f"font-size:{12 + i % 9}px;line-height:{18 + i % 7}px}}\n"
                    for i in range(160))
    head = (f"<style id=\"td-theme-inline\">{style}</style>\n"
            f"<script>var tdThemeConfig = {json.dumps(config)};</script>\n")
    menu = "".join(
        f'<li class="menu-item menu-item-type-taxonomy"><a href="/category/section-{i}/">'
        f'Section {i}</a><ul class="sub-menu">' + "".join(
            f'<li class="menu-item"><a href="/category/section-{i}/#sub{j}">Topic {i}.{j}</a>'
            "</li>" for j in range(6)) + "</ul></li>" for i in range(24))
    comments = "".join(
        f'<li class="comment even thread-even depth-1" id="li-comment-{number}-{c}">'
        f'<article><footer><img alt="" src="/avatar/{c}.png" class="avatar" height="50" '
        f'width="50"><cite class="comment-author">{rng.choice(_FIRST)} '
        f"{rng.choice(_FIRST)}son</cite><a href=\"#comment-{number}-{c}\" class=\"comment-link"
        f'"><time class="entry-date">March {1 + c % 28}, 2026 at {c % 12 + 1}:{c % 60:02d} '
        f'pm</time></a></footer><div class="comment-content"><p>'
        + " ".join(rng.choice(_WORDS) for _ in range(rng.randint(20, 70)))
        + f'</p></div><div class="comment-meta comment-reply"><a rel="nofollow" '
        f'class="comment-reply-link" href="#respond-{c}">Reply</a></div></article></li>'
        for c in range(rng.randint(8, 40)))
    footer = "".join(f'<div class="td-footer-col"><h4>Column {i}</h4><ul>' + "".join(
        f'<li><a href="/category/section-{(i * 7 + j) % 24}/">Footer link {i}.{j}</a></li>'
        for j in range(12)) + "</ul></div>" for i in range(6))
    body = (f'<div class="td-mega-menu"><ul class="sf-menu">{menu}</ul></div>'
            f'<div class="comments" id="comments"><h4 class="td-comments-title">Comments</h4>'
            f'<ol class="comment-list">{comments}</ol></div>'
            f'<footer class="td-footer-wrapper">{footer}</footer>')
    return head, body


_AMP = re.compile(r'<link rel="amphtml"[^>]*>\s*')


FIXTURES = ("distinct", "shared")


def build_site(dest: Path, articles: int = 5000, kind: str = "distinct") -> Path:
    """Render and pad the site under ``dest`` (reused when ``dest/BUILT`` says so)."""
    from datetime import datetime, timedelta

    from scraper.demo import render_demo_site, synthetic_data

    marker = dest / "BUILT"
    if marker.is_file() and marker.read_text() == f"{articles} {kind} v3":
        return dest
    if dest.exists():
        shutil.rmtree(dest)
    data = synthetic_data(articles)
    # synthetic_data's stories are drawn from ~7,000 sentences, so any two share many word
    # 5-shingles. Real-looking text instead: ~600 Zipfian words per story, in paragraphs of
    # their own (distinct) or partly from a shared pool (shared).
    from benchlib import SharedParagraphs, TextModel

    model = TextModel(sample_seed=articles)
    pool = SharedParagraphs(seed=articles) if kind == "shared" else None
    first = datetime.fromisoformat(data["articles"][0]["published"])
    for n, article in enumerate(data["articles"]):
        paragraphs = pool.article() if pool else model.article(600).split("\n\n")
        article["paragraphs"] = [*paragraphs[:3], article["paragraphs"][3], *paragraphs[3:]]
        article["description"] = paragraphs[0][:150]
        if pool:
            article["published"] = article["modified"] = \
                (first + timedelta(minutes=3 * n)).isoformat()
    render_demo_site(dest, data)
    rng = random.Random(articles)
    for number, page in enumerate(sorted(dest.glob("*/index.html"))):
        amp = page.parent / "amp"
        if amp.is_dir():
            shutil.rmtree(amp)
        html = page.read_text(encoding="utf-8")
        if "single-post" not in html[:20000] and "single-post" not in html:
            continue
        head, body = _padding(rng, number)
        html = _AMP.sub("", html).replace("</head>", head + "</head>", 1)
        html = html.replace("</body>", body + "</body>", 1)
        page.write_text(html, encoding="utf-8")
    marker.write_text(f"{articles} {kind} v3")
    return dest


def article_sizes(root: Path) -> list[int]:
    return [p.stat().st_size for p in root.glob("*/index.html")
            if b"single-post" in p.read_bytes()]


# -- the server -----------------------------------------------------------------------------

_TYPES = {".html": "text/html; charset=UTF-8", ".xml": "application/xml; charset=UTF-8",
          ".txt": "text/plain; charset=UTF-8", ".css": "text/css"}


def load_files(root: Path, base: str) -> dict[str, tuple[bytes, bytes, str]]:
    """URL path -> (body, gzipped body, content type), origin rewritten to ``base``."""
    settings = json.loads((root / "SITE.json").read_text())
    origin = settings["origin"].encode()
    host = b"//" + origin.split(b"//", 1)[1]
    served_host = b"//" + base.split("//", 1)[1].encode()
    files = {}
    for path in root.rglob("*"):
        if not path.is_file() or path.name in ("SITE.json", "BUILT"):
            continue
        body = path.read_bytes().replace(origin, base.encode()).replace(host, served_host)
        ctype = _TYPES.get(path.suffix, "application/octet-stream")
        if path.suffix == ".xml" and b"<rss" in body[:1024]:
            ctype = "application/rss+xml; charset=UTF-8"
        rel = "/" + path.relative_to(root).as_posix()
        if path.name in ("index.html", "index.xml"):
            rel = rel[: -len(path.name)]
        files[rel] = (body, gzip.compress(body, 6), ctype)
    return files


class _Http(asyncio.Protocol):
    files: dict[str, tuple[bytes, bytes, str]] = {}
    not_found: tuple[bytes, bytes, str] = (b"Not Found", gzip.compress(b"Not Found"),
                                           "text/plain")
    base = ""
    log = None  # a line-buffered file: milliseconds from request to response written, path

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            self._answer(head)

    def _answer(self, head: bytes) -> None:
        started = time.perf_counter()
        lines = head.decode("latin-1").split("\r\n")
        method, target = (lines[0].split(" ") + ["", ""])[:2]
        headers = {k.strip().lower(): v.strip() for k, _, v in
                   (line.partition(":") for line in lines[1:])}
        path = target.split("?", 1)[0].split("#", 1)[0]
        status, extra = "200 OK", ""
        entry = self.files.get(path)
        if entry is None and not path.endswith("/") and (path + "/") in self.files:
            status, extra, entry = "301 Moved Permanently", \
                f"Location: {self.base}{path}/\r\n", (b"", b"", "text/plain")
        elif entry is None:
            status, entry = "404 Not Found", self.not_found
        body, zipped, ctype = entry
        gz = "gzip" in headers.get("accept-encoding", "") and body
        payload = zipped if gz else body
        extra += "Content-Encoding: gzip\r\nVary: Accept-Encoding\r\n" if gz else ""
        self.transport.write(
            (f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(payload)}"
             f"\r\n{extra}Connection: keep-alive\r\n\r\n").encode()
            + (payload if method != "HEAD" else b""))
        if self.log is not None:
            self.log.write(f"{(time.perf_counter() - started) * 1000:.2f} {status[:3]} {path}\n")


def serve(root: Path, log: Path | None = None) -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(_Http, "127.0.0.1", 0, backlog=512)
        port = server.sockets[0].getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        _Http.files = load_files(root, base)
        _Http.base = base
        if log is not None:
            _Http.log = open(log, "a", buffering=1)  # noqa: SIM115 - open until killed
        if "/404.html" in _Http.files:
            _Http.not_found = _Http.files["/404.html"]
        print(port, flush=True)
        await server.serve_forever()

    asyncio.run(main())


class Served:
    """``with Served(root) as base_url:`` the site in a child process on 127.0.0.1 (logging
    each request's answer time to ``log``, when given)."""

    def __init__(self, root: Path, log: Path | None = None) -> None:
        import subprocess

        extra = ["--log", str(log)] if log else []
        self.proc = subprocess.Popen([sys.executable, __file__, "--serve", str(root), *extra],
                                     stdout=subprocess.PIPE, text=True)
        port = self.proc.stdout.readline().strip()  # type: ignore[union-attr]
        if not port:
            raise RuntimeError("fixture server did not start")
        self.base_url = f"http://127.0.0.1:{port}"

    def __enter__(self) -> str:
        return self.base_url

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.wait(10)


# -- a load generator, to show the server alone is fast enough --------------------------------

async def _load(base: str, paths: list[str], connections: int, seconds: float) -> tuple[int, int]:
    host, port = base.split("//")[1].split(":")
    done = [0, 0]
    stop_at = time.perf_counter() + seconds

    async def client(offset: int) -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        i = offset
        while time.perf_counter() < stop_at:
            path = paths[i % len(paths)]
            i += connections
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: gzip\r\n"
                         "\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(re.search(rb"Content-Length: (\d+)", head).group(1))
            await reader.readexactly(length)
            done[0] += 1
            done[1] += length
        writer.close()

    await asyncio.gather(*(client(i) for i in range(connections)))
    return done[0], done[1]


def load_test(base: str, root: Path, connections: int = 16, seconds: float = 5.0) -> dict:
    """Requests/s the server answers to a tight client in another process (article pages)."""
    import subprocess

    paths = sorted("/" + p.parent.relative_to(root).as_posix() + "/"
                   for p in root.glob("*/index.html"))[:2000]
    out = subprocess.run([sys.executable, __file__, "--load", base, "--connections",
                          str(connections), "--seconds", str(seconds)],
                         input="\n".join(paths), capture_output=True, text=True,
                         timeout=seconds + 60, check=True).stdout
    return json.loads(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", type=Path)
    parser.add_argument("--load")
    parser.add_argument("--log", type=Path)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.log)
    elif args.load:
        paths = sys.stdin.read().split()
        t0 = time.perf_counter()
        requests, body = asyncio.run(_load(args.load, paths, args.connections, args.seconds))
        wall = time.perf_counter() - t0
        print(json.dumps({"requests_per_s": requests / wall, "mib_per_s": body / wall / 2**20}))


if __name__ == "__main__":
    main()
