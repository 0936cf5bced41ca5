"""Shared fixtures: the seed site served on 127.0.0.1, and site files written to a config dir.

The seed site lives in ../shared/seed (beside the checkout in CI). Elsewhere the tests that
need it skip with a message naming the missing directory.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from scraper.demo import SiteServer, serve_site

# Property tests assert behaviour, not speed: Hypothesis's default 200 ms deadline per example
# is a timing assertion that failed on a CI-sized machine under load (test_urls, 2026-12-01).
settings.register_profile("newsarchive", deadline=None)
settings.load_profile("newsarchive")

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED_SITE = SHARED / "seed" / "site"
SEED_ARTICLE = "/western-policymakers-ignore-iran-al-qaeda-relationship-at-their-peril/"


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    if not (SEED_SITE / "EXPECTED.json").exists():
        pytest.skip(f"seed site not found: {SEED_SITE} (../shared/seed/site beside the checkout)")
    return SEED_SITE


@pytest.fixture(scope="session")
def seed_expected(seed_dir: Path) -> dict:
    return json.loads((seed_dir / "EXPECTED.json").read_text("utf-8"))


@pytest.fixture()
def seed_server(seed_dir: Path) -> Iterator[SiteServer]:
    with serve_site(seed_dir) as server:
        yield server


def write_site(config_dir: Path, name: str, body: str) -> Path:
    """Write ``config_dir/sites/<name>.toml`` with ``body`` (dedented)."""
    path = config_dir / "sites" / f"{name}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    return path


def write_local_site(config_dir: Path, name: str, base_url: str, extra: str = "",
                     politeness: str = "") -> Path:
    """A tagDiv site file for a test server on 127.0.0.1, politeness off (``extra``: more
    top-level TOML lines; ``politeness``: more lines of that table)."""
    return write_site(config_dir, name, f"""
        name = "{name}"
        extends = "wordpress-tagdiv"
        start_urls = ["{base_url}/"]
        {extra}
        [politeness]
        delay = 0
        {politeness}
    """)


@pytest.fixture()
def config_dir(tmp_path: Path) -> Path:
    path = tmp_path / "config"
    (path / "sites").mkdir(parents=True)
    # Fast retries for tests: the fault endpoints answer at once on 127.0.0.1.
    (path / "crawl.toml").write_text(
        "[fetch]\ntotal_timeout = 10.0\nbackoff_base = 0.05\nbackoff_max = 0.2\n", "utf-8"
    )
    return path


class RouteServer:
    """A tiny server on 127.0.0.1 answering from a dict: path -> (status, content type, body)
    or (status, content type, body, extra headers).

    ``routes`` may be changed between requests (e.g. to turn a site into a 500 storm).
    """

    def __init__(self, routes: dict[str, tuple[int, str, bytes]]) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        outer = self
        self.routes = routes
        self.requests: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - stdlib name
                outer.requests.append(self.path)
                status, ctype, body, *extra = outer.routes.get(  # with its query first
                    self.path, outer.routes.get(self.path.split("?")[0],
                                                (404, "text/html", b"<h1>Not found</h1>")))
                self.send_response(status)
                for name, value in (extra[0] if extra else {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture()
def route_server() -> Iterator[RouteServer]:
    server = RouteServer({})
    yield server
    server.close()
