"""https through the guarded transport: certificates are verified as httpx verifies them,
and the CA bundle is loaded only when the first https host is connected (issue 12: a crawl
of http:// sites never pays its 1.2 MiB).

The server's certificate (tests/fixtures/tls: self-signed for 127.0.0.1, valid until 2126,
made with ``openssl req -x509 -newkey rsa:2048 -nodes -days 36500``) is trusted only where
a test names it in ``SSL_CERT_FILE``, which httpx's default context honours.
"""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path

import pytest
from faultserver import OK_BODY, FaultServer
from test_fetch import FAST, NO_DELAY

from scraper import Fetcher
from scraper.fetch.netguard import AddressGuard

TLS = Path(__file__).parent / "fixtures" / "tls"


class TLSServer(FaultServer):
    """The fault server behind TLS, with the fixture's self-signed certificate."""

    def __init__(self) -> None:
        super().__init__()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(TLS / "cert.pem", TLS / "key.pem")
        self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)

    @property
    def base_url(self) -> str:
        return f"https://{self.host}"


@pytest.fixture()
def tls_server():
    with TLSServer() as server, FaultServer() as plain:
        yield server, plain


def _fetch_plain_then_tls(plain: FaultServer, server: TLSServer,
                          before_tls=lambda: None) -> tuple:
    async def run() -> tuple:
        guard = AddressGuard([plain.host, server.host])
        async with Fetcher(FAST, guard) as fetcher:
            for site in (plain, server):
                fetcher.set_policy(site.host, NO_DELAY)
            first = await fetcher.fetch(f"{plain.base_url}/ok")
            before_tls()
            return first, await fetcher.fetch(f"{server.base_url}/ok", check_robots=False)

    return asyncio.run(run())


def test_an_https_server_with_an_untrusted_certificate_is_refused(tls_server):
    server, plain = tls_server
    first, refused = _fetch_plain_then_tls(plain, server)
    assert first.ok and first.body == OK_BODY
    assert not refused.ok and refused.outcome == "network_error"
    assert "CERTIFICATE_VERIFY_FAILED" in (refused.error or "")
    assert server.requests("/ok") == []  # no request crossed


def test_the_ca_bundle_is_loaded_at_the_first_https_connection(tls_server, monkeypatch):
    # SSL_CERT_FILE set after the crawl's client exists and has fetched over http: only a
    # context made at the first https connection sees it and trusts the fixture's server.
    server, plain = tls_server
    first, fetched = _fetch_plain_then_tls(
        plain, server, lambda: monkeypatch.setenv("SSL_CERT_FILE", str(TLS / "cert.pem")))
    assert first.ok
    assert fetched.ok and fetched.body == OK_BODY
