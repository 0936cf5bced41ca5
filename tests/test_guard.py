"""The address guard covers every request: robots.txt, sitemaps, feeds, pages and each
redirect hop, judged on the address a connection is actually opened to (issue 15: 1, 2,
DNS rebinding). A ``Listener`` on another loopback port proves that nothing connects."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import write_site
from hostileserver import HostileServer, Listener
from sqlite_utils.utils import sqlite3
from test_fetch import FAST, NO_DELAY

from scraper import Fetcher, FetchResult, crawl
from scraper.fetch import netguard
from scraper.fetch.netguard import AddressGuard


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.fixture(params=["127.0.0.1", "::1"])
def listener(request) -> Iterator[Listener]:
    """Another service on the loopback interface, counting the connections it gets."""
    if request.param == "::1" and not _ipv6_loopback():
        pytest.skip("no IPv6 loopback on this machine: [::1] cannot be listened on")
    with Listener(request.param) as service:
        yield service


def guarded(url: str, site: HostileServer, guard: AddressGuard | None = None,
            **kwargs) -> FetchResult:
    async def run() -> FetchResult:
        async with Fetcher(FAST, guard or AddressGuard([site.host])) as fetcher:
            fetcher.set_policy(site.host, NO_DELAY)
            return await fetcher.fetch(url, **kwargs)

    return asyncio.run(run())


# --- 1: robots.txt, sitemaps and feeds pass the guard, hop by hop ---------------------------


def test_a_robots_redirect_to_another_loopback_service_connects_nowhere(listener):
    target = f"http://{listener.netloc}/robots.txt"
    with HostileServer(robots_to=target) as site:
        result = guarded(f"{site.base_url}/story-one/", site)
    assert listener.connections == 0
    assert result.ok  # a refused robots.txt redirect counts as no robots.txt (RFC 9309)


def test_the_same_redirect_is_followed_when_the_operator_allows_that_host():
    with Listener() as service, HostileServer(robots_to=f"http://{service.netloc}/r") as site:
        guarded(f"{site.base_url}/story-one/", site, AddressGuard([site.host, service.netloc]))
    assert service.connections >= 1  # the listener hangs up: retried


def test_sitemaps_and_feeds_that_redirect_inside_are_blocked_in_a_crawl(
        listener, config_dir: Path, tmp_path: Path):
    inside = f"http://{listener.netloc}/x.xml"
    with HostileServer(robots_to=f"/redirect?to={inside}") as site:
        write_site(config_dir, "hostile", f"""
            name = "hostile"
            extends = "wordpress-tagdiv"
            start_urls = ["{site.base_url}/real/"]
            sitemaps = ["{site.base_url}/redirect?to={inside}"]
            feeds = ["{site.base_url}/redirect?to={inside}&feed=1"]
            [politeness]
            delay = 0
        """)
        report = crawl(config_dir, tmp_path / "news.db")
    assert listener.connections == 0
    with sqlite3.connect(tmp_path / "news.db") as db:
        kinds = dict(db.execute("select kind, outcome from fetches where kind != 'page'"))
    assert kinds == {"sitemap": "blocked_address", "feed": "blocked_address"}
    assert report.sites["hostile"].articles == 5  # the site itself is crawled


# --- 2: IPv6 forms that embed a private IPv4 address --------------------------------------


@pytest.mark.parametrize("address", [
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254, the metadata service
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    "::a9fe:a9fe",  # IPv4-compatible 169.254.169.254
    "2002:a9fe:a9fe::",  # 6to4 of 169.254.169.254
    "::7f00:1",  # IPv4-compatible 127.0.0.1
    "::ffff:0:7f00:1",  # IPv4-translated 127.0.0.1
    "64:ff9b:1::a00:1",  # the local-use NAT64 prefix
])
def test_ipv6_forms_embedding_a_private_ipv4_address_are_refused(address: str):
    assert not netguard.is_public(address)
    refusal = asyncio.run(AddressGuard().refusal(f"http://[{address}]/latest/meta-data/"))
    assert refusal and "not a public address" in refusal


@pytest.mark.parametrize("address", ["64:ff9b::808:808", "2002:808:808::1",
                                     "2606:4700:4700::1111"])
def test_ipv6_forms_embedding_a_public_address_pass(address: str):
    assert netguard.is_public(address)


def test_a_redirect_to_an_embedded_form_is_blocked_before_connecting():
    with HostileServer() as site:
        result = guarded(f"{site.base_url}/redirect?to=http://[64:ff9b::a9fe:a9fe]/", site)
    assert result.outcome == "blocked_address" and "64:ff9b::a9fe:a9fe" in result.error


# --- DNS rebinding: the address judged is the address connected to ------------------------


class FlippingResolver:
    """A DNS answer that turns internal after the first lookup (DNS rebinding)."""

    def __init__(self, first: str, then: str) -> None:
        self.answers = [first, then]
        self.asked = 0

    async def __call__(self, host: str, port: int) -> list[str]:
        self.asked += 1
        return [self.answers[min(self.asked, 2) - 1]]


def test_a_name_rebound_to_loopback_after_the_check_is_refused_at_connect():
    resolver = FlippingResolver("93.184.216.34", "127.0.0.1")
    with Listener() as service, HostileServer() as site:
        url = f"http://rebind.example:{service.port}/admin"
        result = guarded(url, site, AddressGuard([site.host], resolver=resolver),
                         check_robots=False)
    assert resolver.asked == 2  # once before the request, once for the connection
    assert result.outcome == "blocked_address" and "127.0.0.1" in result.error
    assert service.connections == 0


def test_the_connection_goes_to_the_address_the_resolver_gave():
    """The guard's resolver, not a second lookup of the HTTP client, decides where the
    socket connects: a name only the test's resolver knows reaches the listener."""
    resolver = FlippingResolver("127.0.0.1", "127.0.0.1")
    with Listener() as service, HostileServer() as site:
        guard = AddressGuard([site.host, "internal.example"], resolver=resolver)
        guarded(f"http://internal.example:{service.port}/", site, guard, check_robots=False)
    assert service.connections >= 1 and resolver.asked >= 1
