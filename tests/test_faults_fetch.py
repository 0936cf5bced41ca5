"""The fault matrix, fetch level: what the fetcher does on the wire for each fault.

Complements tests/test_fetch.py (retries, caps, redirects, robots basics) with the faults of
issue 7: resets mid-body, hangs, stale keep-alive connections, internal addresses, robots.txt
variants, memory bounds, and a stop that cuts retries short. Settings come from test_fetch.
"""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from dataclasses import replace

import pytest
from faultserver import ARABIC, FaultServer
from test_fetch import FAST, NO_DELAY, fetch

from scraper import Fetcher, FetchResult
from scraper.fetch.decode import decode_body
from scraper.fetch.netguard import AddressGuard


def guarded_fetch(server: FaultServer, path: str, allowed: tuple[str, ...] = ()) -> FetchResult:
    async def run() -> FetchResult:
        async with Fetcher(FAST, AddressGuard((server.host, *allowed))) as fetcher:
            fetcher.set_policy(server.host, NO_DELAY)
            return await fetcher.fetch(server.url(path))

    return asyncio.run(run())


# --- broken connections -------------------------------------------------------------------


def test_reset_mid_body_is_retried_then_network_error() -> None:
    with FaultServer() as server:
        result = fetch(server, "/reset")
        assert result.outcome == "network_error" and result.body == b""
        assert result.attempts == FAST.max_attempts == len(server.requests("/reset"))


def test_server_hanging_after_headers_hits_the_deadline_once() -> None:
    with FaultServer() as server:
        result = fetch(server, "/hang", replace(FAST, total_timeout=0.4))
        assert result.outcome == "timeout" and result.attempts == 1
        assert result.elapsed < 1.0


def test_stale_keep_alive_connection_is_retried_on_a_fresh_one() -> None:
    async def twice(server: FaultServer) -> list[FetchResult]:
        async with Fetcher(FAST) as fetcher:
            fetcher.set_policy(server.host, NO_DELAY)
            first = await fetcher.fetch(server.url("/keepalive"), check_robots=False)
            return [first, await fetcher.fetch(server.url("/keepalive"), check_robots=False)]

    with FaultServer(keep_alive=True) as server:
        first, second = asyncio.run(twice(server))
        assert first.ok and first.attempts == 1
        assert second.ok and second.attempts == 2  # the reused connection was dead
        assert [r.status for r in server.log] == [200, None, 200]


def test_empty_gzip_body_is_an_empty_ok() -> None:
    with FaultServer() as server:
        result = fetch(server, "/empty-gzip")
        assert result.ok and result.body == b""


# --- addresses ----------------------------------------------------------------------------


def test_redirect_to_another_port_of_loopback_is_blocked() -> None:
    with FaultServer() as server, FaultServer() as bystander:
        path = f"/redirect?to=http://{bystander.host}/ok"
        result = guarded_fetch(server, path)
        assert result.outcome == "blocked_address"
        assert result.final_url == bystander.url("/ok") and bystander.log == []
        assert guarded_fetch(server, path, allowed=(bystander.host,)).ok


def test_redirect_to_the_metadata_address_is_blocked_without_connecting() -> None:
    with FaultServer() as server:
        result = guarded_fetch(server, "/redirect?to=http://169.254.169.254/latest/meta-data/")
        assert result.outcome == "blocked_address" and "169.254.169.254" in (result.error or "")
        assert result.elapsed < 0.5


def test_a_host_name_resolving_to_loopback_is_blocked() -> None:
    with FaultServer() as server:
        port = server.host.rsplit(":", 1)[1]
        result = guarded_fetch(server, f"/redirect?to=http://localhost:{port}/ok")
        assert result.outcome == "blocked_address" and "resolves to" in (result.error or "")
        assert len(server.requests("/ok")) == 0


@pytest.mark.parametrize("address", ["10.1.2.3", "192.168.0.1", "[::1]", "[fe80::1]",
                                     "0.0.0.0", "100.64.0.1", "[::ffff:127.0.0.1]"])
def test_non_public_address_literals_are_refused(address: str) -> None:
    refusal = asyncio.run(AddressGuard().refusal(f"http://{address}/x"))
    assert refusal and "not a public address" in refusal


def test_public_addresses_and_allowed_hosts_pass() -> None:
    guard = AddressGuard(["intranet.example", "10.0.0.5:8080"])
    assert asyncio.run(guard.refusal("http://93.184.216.34/")) is None
    assert guard.trusts("http://intranet.example:81/") and guard.trusts("http://10.0.0.5:8080/")
    assert not guard.trusts("http://10.0.0.5:8081/")


# --- robots.txt ---------------------------------------------------------------------------


def test_robots_403_allows_everything() -> None:
    with FaultServer(robots="forbidden") as server:
        assert fetch(server, "/private/story").ok


def test_robots_disallow_all_means_no_request_but_robots() -> None:
    with FaultServer(robots="disallow_all") as server:
        assert fetch(server, "/ok").outcome == "robots_disallowed"
        assert [r.path for r in server.log] == ["/robots.txt"]


def test_robots_over_512_kib_is_parsed_up_to_the_limit() -> None:
    with FaultServer(robots="huge") as server:
        assert fetch(server, "/private/story").outcome == "robots_disallowed"
        assert fetch(server, "/late").outcome == "http_error"  # allowed: fetched, 404


# --- memory and charsets ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/gzip-bomb?size=50000000", "/huge?size=20000000&length=0"])
def test_memory_stays_within_the_cap_plus_one_chunk(path: str) -> None:
    settings = replace(FAST, max_body_bytes=4_000_000, max_decoded_bytes=2_000_000)
    with FaultServer() as server:
        fetch(server, "/gzip-bomb?size=50000000" if "bomb" in path else "/ok")  # warm caches
        tracemalloc.start()
        try:
            result = fetch(server, path, settings)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert result.outcome == "too_large"
    # Without Content-Encoding the body is held against the decoded cap too. The margin is
    # one 64 KiB chunk in flight plus what a fetch allocates anyway (client, event loop).
    cap = settings.max_decoded_bytes
    assert peak < cap + 768 * 1024, f"peak {peak:,} bytes for a cap of {cap:,}"


@pytest.mark.parametrize("path", ["/mislabeled", "/meta-charset"])
def test_arabic_page_is_decoded_whatever_the_label_says(path: str) -> None:
    with FaultServer() as server:
        result = fetch(server, path)
    text, encoding = decode_body(result.body, result.content_type)
    assert encoding == "cp1256" and ARABIC.strip() in text


# --- stopping -----------------------------------------------------------------------------


def test_interrupt_cuts_a_retry_after_wait_short() -> None:
    async def run(server: FaultServer) -> FetchResult:
        async with Fetcher(FAST) as fetcher:
            fetcher.set_policy(server.host, NO_DELAY)
            asyncio.get_running_loop().call_later(0.3, fetcher.interrupt)
            return await fetcher.fetch(server.url("/retry-after?seconds=4&fails=5"))

    with FaultServer() as server:
        started = time.monotonic()
        result = asyncio.run(run(server))
    assert result.outcome == "http_error" and result.status == 429 and result.attempts == 1
    assert time.monotonic() - started < 1.5
