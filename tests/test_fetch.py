"""Fetcher behaviour against a real misbehaving server on 127.0.0.1 (tests/faultserver.py).

Settings are shrunk (tiny backoff, short deadlines, small caps) so the file runs in seconds;
the politeness delay is zero unless a test is about politeness.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import pytest
from faultserver import COMPRESSED_TEXT, OK_BODY, FaultServer

from scraper import Fetcher, FetchResult, FetchSettings
from scraper.fetch.types import HostPolicy, RobotsInfo
from scraper.vocab import FETCH_OUTCOMES

FAST = FetchSettings(
    total_timeout=3.0,
    connect_timeout=1.0,
    max_body_bytes=1_000_000,
    max_decoded_bytes=2_000_000,
    max_redirects=4,
    max_attempts=3,
    backoff_base=0.01,
    backoff_max=0.05,
    max_retry_after=5.0,
)
NO_DELAY = HostPolicy(delay=0.0, concurrency=4)


@pytest.fixture()
def server() -> Iterator[FaultServer]:
    with FaultServer() as srv:
        yield srv


async def _fetch_all(
    server: FaultServer,
    paths: list[str],
    settings: FetchSettings = FAST,
    policy: HostPolicy = NO_DELAY,
    **kwargs: Any,
) -> list[FetchResult]:
    async with Fetcher(settings) as fetcher:
        fetcher.set_policy(server.host, policy)
        return await asyncio.gather(*(fetcher.fetch(server.url(p), **kwargs) for p in paths))


def fetch(
    server: FaultServer, path: str, settings: FetchSettings = FAST, **kwargs: Any
) -> FetchResult:
    """Fetch one path with a fresh Fetcher (so robots.txt and politeness state start clean)."""
    return asyncio.run(_fetch_all(server, [path], settings, **kwargs))[0]


# How much shorter a gap between two logged request starts may read than the client spaced
# them: the server logs a request when its handler thread reads the request line, and under
# load (CI, a benchmark on the other core) that thread can start tens of ms late, so one
# request logged late shortens the gap to the next; without the delay the gaps are ~0.
LOG_JITTER = 0.05


def gaps(times: list[float]) -> list[float]:
    return [later - earlier for earlier, later in zip(times, times[1:], strict=False)]


# --- plain responses ----------------------------------------------------------------------


def test_ok_page_returns_body_headers_and_identifies_us(server: FaultServer) -> None:
    result = fetch(server, "/ok")
    assert result.ok and result.outcome == "ok" and result.error is None
    assert result.status == 200
    assert result.body == OK_BODY
    assert result.content_type == "text/html; charset=utf-8"
    assert result.final_url == result.url == server.url("/ok")
    assert result.attempts == 1 and result.redirects == []
    assert result.bytes_downloaded == len(OK_BODY)
    sent = server.requests("/ok")[0].headers
    assert sent["user-agent"] == FAST.user_agent
    assert sent["accept-encoding"] == "gzip, deflate"


def test_every_outcome_is_in_the_documented_vocabulary(server: FaultServer) -> None:
    paths = ["/ok", "/status/404", "/to-file", "/loop", "/corrupt-gzip", "/huge?size=2000000"]
    results = asyncio.run(_fetch_all(server, paths))
    assert {r.outcome for r in results} <= set(FETCH_OUTCOMES)


def test_not_found_is_http_error_and_not_retried(server: FaultServer) -> None:
    result = fetch(server, "/status/404")
    assert result.outcome == "http_error" and result.status == 404
    assert result.body == b"" and "404" in (result.error or "")
    assert result.attempts == 1
    assert len(server.requests("/status/404")) == 1


def test_not_modified_when_conditional_header_matches(server: FaultServer) -> None:
    result = fetch(server, "/etag", headers={"If-None-Match": '"v1"'})
    assert result.outcome == "not_modified" and result.status == 304
    assert result.headers["etag"] == '"v1"'


# --- retries ------------------------------------------------------------------------------


def test_server_error_is_retried_until_success(server: FaultServer) -> None:
    result = fetch(server, "/flaky?fails=2")
    assert result.ok and result.attempts == 3
    assert len(server.requests("/flaky?fails=2")) == 3


def test_permanent_503_gives_http_error_after_max_attempts(server: FaultServer) -> None:
    result = fetch(server, "/status/503")
    assert result.outcome == "http_error" and result.status == 503
    assert result.attempts == FAST.max_attempts
    assert len(server.requests("/status/503")) == FAST.max_attempts


def test_dropped_connection_is_retried(server: FaultServer) -> None:
    result = fetch(server, "/hangup?fails=1")
    assert result.ok and result.attempts == 2


def test_connection_refused_is_retried_then_network_error() -> None:
    with FaultServer() as gone:
        url = gone.url("/ok")
    result = asyncio.run(_fetch_one_url(url))
    assert result.outcome == "network_error" and result.status is None
    assert result.attempts == FAST.max_attempts
    assert result.error


async def _fetch_one_url(url: str) -> FetchResult:
    async with Fetcher(FAST) as fetcher:
        fetcher.set_policy(urlsplit(url).netloc, NO_DELAY)
        return await fetcher.fetch(url, check_robots=False)


def test_retry_after_is_honoured_before_retrying(server: FaultServer) -> None:
    path = "/retry-after?seconds=1&fails=1"
    result = fetch(server, path)
    assert result.ok and result.attempts == 2
    first, second = (r.time for r in server.requests(path))
    assert second - first >= 0.95  # backoff alone would have waited ~0.01 s


def test_retry_after_http_date_is_honoured(server: FaultServer) -> None:
    path = "/retry-after-date?fails=1"
    result = fetch(server, path)
    assert result.ok and result.attempts == 2
    retry = server.requests(path)[1]
    assert retry.time >= server.retry_at[path] - 0.05  # tolerance: clock granularity only


def test_retry_after_longer_than_max_gives_up_at_once(server: FaultServer) -> None:
    path = "/retry-after?seconds=3600&fails=1"
    result = fetch(server, path)
    assert result.outcome == "http_error" and result.status == 429
    assert "Retry-After" in (result.error or "")
    assert result.attempts == 1 and len(server.requests(path)) == 1
    assert result.elapsed < 1.0


# --- redirects ----------------------------------------------------------------------------


def test_redirect_chain_with_relative_locations_is_followed(server: FaultServer) -> None:
    result = fetch(server, "/chain?hops=3")
    assert result.ok and result.body == b"end of chain"
    assert result.final_url == server.url("/chain?hops=0")
    assert result.redirects == [server.url(f"/chain?hops={n}") for n in (3, 2, 1)]


def test_more_redirects_than_allowed_is_redirect_loop(server: FaultServer) -> None:
    result = fetch(server, f"/chain?hops={FAST.max_redirects + 1}")
    assert result.outcome == "redirect_loop"
    assert len(server.requests("/chain?hops=0")) == 0


def test_redirect_cycle_is_detected(server: FaultServer) -> None:
    result = fetch(server, "/loop?at=a")
    assert result.outcome == "redirect_loop"
    assert len(server.requests("/loop?at=a")) == 1


def test_redirect_to_file_scheme_is_blocked(server: FaultServer) -> None:
    result = fetch(server, "/to-file")
    assert result.outcome == "blocked_scheme"
    assert result.final_url == "file:///etc/passwd"
    assert result.body == b""


def test_non_http_url_is_blocked_without_a_request() -> None:
    result = asyncio.run(_fetch_one_url("ftp://127.0.0.1/file"))
    assert result.outcome == "blocked_scheme" and result.attempts == 0


def test_redirect_hop_is_checked_against_robots() -> None:
    with FaultServer(robots="normal") as server:
        result = fetch(server, "/redirect?to=/private/page")
        assert result.outcome == "robots_disallowed"
        assert result.redirects == [server.url("/redirect?to=/private/page")]
        assert server.requests("/private/page") == []


# --- size caps and content decoding -------------------------------------------------------


def test_content_length_over_cap_is_rejected_before_download(server: FaultServer) -> None:
    result = fetch(server, "/huge?size=5000000&length=1")
    assert result.outcome == "too_large" and result.body == b""
    assert result.bytes_downloaded == 0
    assert "Content-Length" in (result.error or "")


def test_body_without_length_is_cut_at_cap(server: FaultServer) -> None:
    result = fetch(server, "/huge?size=5000000&length=0")
    assert result.outcome == "too_large" and result.body == b""
    assert FAST.max_body_bytes < result.bytes_downloaded <= FAST.max_body_bytes + 256 * 1024


def test_gzip_bomb_is_stopped_at_decoded_cap(server: FaultServer) -> None:
    result = fetch(server, "/gzip-bomb?size=20000000")
    assert result.outcome == "too_large"
    assert "decoded" in (result.error or "")
    assert result.bytes_downloaded < FAST.max_body_bytes


def test_corrupt_gzip_is_decode_error(server: FaultServer) -> None:
    result = fetch(server, "/corrupt-gzip")
    assert result.outcome == "decode_error" and result.body == b""


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_compressed_body_is_decoded(server: FaultServer, encoding: str) -> None:
    result = fetch(server, f"/compressed?enc={encoding}")
    assert result.ok and result.body == COMPRESSED_TEXT
    assert result.bytes_downloaded < len(COMPRESSED_TEXT)


# --- deadline -----------------------------------------------------------------------------


def test_dripping_server_hits_the_total_deadline(server: FaultServer) -> None:
    settings = replace(FAST, total_timeout=0.5)
    result = fetch(server, "/drip?interval=0.1", settings)
    assert result.outcome == "timeout" and result.body == b""
    assert result.attempts == 1
    assert result.elapsed < 1.5


# --- robots.txt ---------------------------------------------------------------------------


def test_robots_disallow_prevents_the_request() -> None:
    with FaultServer(robots="normal") as server:
        result = fetch(server, "/private/story")
        assert result.outcome == "robots_disallowed" and result.attempts == 0
        assert server.requests("/private/story") == []
        assert fetch(server, "/ok").ok  # the newsarchive group allows it; "*" would not


def test_robots_is_skipped_when_check_robots_is_false() -> None:
    with FaultServer(robots="normal") as server:
        assert fetch(server, "/private/story", check_robots=False).ok
        assert server.requests("/robots.txt") == []


def test_robots_info_exposes_sitemaps_and_crawl_delay() -> None:
    async def load(server: FaultServer) -> RobotsInfo:
        async with Fetcher(FAST) as fetcher:
            return await fetcher.robots(server.url("/anything"))

    with FaultServer(robots="normal", crawl_delay=2.5) as server:
        info = asyncio.run(load(server))
    assert info.status == "ok" and info.crawl_delay == 2.5
    assert info.sitemaps == [server.url("/sitemap.xml"), server.url("/news-sitemap.xml")]
    assert info.allowed(server.url("/ok"), "newsarchive")
    assert not info.allowed(server.url("/ok"), "otherbot")


def test_robots_is_fetched_once_per_origin_even_when_concurrent() -> None:
    with FaultServer(robots="normal") as server:
        paths = [f"/ok?n={n}" for n in range(6)]
        results = asyncio.run(_fetch_all(server, paths))
        assert all(r.ok for r in results)
        assert len(server.requests("/robots.txt")) == 1


def test_missing_robots_allows_everything() -> None:
    async def check(server: FaultServer) -> None:
        async with Fetcher(FAST) as fetcher:
            fetcher.set_policy(server.host, NO_DELAY)
            info = await fetcher.robots(server.url("/"))
            assert info.status == "missing"
            assert info.allowed(server.url("/private/story"), "newsarchive")
            assert (await fetcher.fetch(server.url("/ok"))).ok

    with FaultServer(robots="missing") as server:
        asyncio.run(check(server))


def test_unreachable_robots_disallows_everything() -> None:
    with FaultServer(robots="error") as server:
        result = fetch(server, "/ok")
        assert result.outcome == "robots_disallowed"
        assert "unreachable (HTTP 503)" in (result.error or "")
        assert server.requests("/ok") == []


def test_robots_utf8_bom_is_stripped() -> None:
    with FaultServer(robots="bom") as server:
        assert fetch(server, "/private/story").outcome == "robots_disallowed"


def test_robots_redirect_is_followed() -> None:
    with FaultServer(robots="redirect") as server:
        assert fetch(server, "/private/story").outcome == "robots_disallowed"
        assert len(server.requests("/robots-real.txt")) == 1


# --- politeness ---------------------------------------------------------------------------


def test_host_delay_spaces_request_starts(server: FaultServer) -> None:
    policy = HostPolicy(delay=0.3, concurrency=3)
    paths = [f"/ok?n={n}" for n in range(3)]
    asyncio.run(_fetch_all(server, paths, policy=policy, check_robots=False))
    starts = sorted(r.time for r in server.log)
    assert len(starts) == 3
    assert min(gaps(starts)) >= 0.3 - LOG_JITTER


def test_host_concurrency_limits_requests_in_flight(server: FaultServer) -> None:
    policy = HostPolicy(delay=0.0, concurrency=1)
    paths = [f"/slow?seconds=0.2&n={n}" for n in range(3)]
    results = asyncio.run(_fetch_all(server, paths, policy=policy, check_robots=False))
    assert all(r.ok for r in results)
    starts = sorted(r.time for r in server.log)
    assert min(gaps(starts)) >= 0.2 - LOG_JITTER  # each waited for the previous one to finish


def test_crawl_delay_raises_the_host_delay() -> None:
    with FaultServer(robots="normal", crawl_delay=0.4) as server:
        paths = [f"/ok?n={n}" for n in range(3)]
        asyncio.run(_fetch_all(server, paths, policy=HostPolicy(delay=0.0, concurrency=3)))
        starts = sorted(r.time for r in server.log if r.path.startswith("/ok"))
        assert min(gaps(starts)) >= 0.4 - LOG_JITTER
