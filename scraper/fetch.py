"""Polite, bounded HTTP fetching.

A crawl touches thousands of URLs on servers we do not control, so this module is built around
three promises: we never hammer a host (robots.txt, Crawl-delay, per-host spacing and
concurrency), no single response can exhaust time or memory (one deadline per attempt, byte caps
enforced while streaming, including after decompression), and no URL can abort the crawl
(``Fetcher.fetch`` returns a :class:`FetchResult` with an outcome instead of raising).
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_result,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)

from .decode import BodyDecoder

__all__ = ["OUTCOMES", "FetchSettings", "HostPolicy", "FetchResult", "RobotsInfo", "Fetcher"]

OUTCOMES: frozenset[str] = frozenset(
    {
        "ok",  # 2xx, body read completely within the caps
        "not_modified",  # 304 to a conditional request
        "http_error",  # 4xx/5xx (after retries), a stray 3xx, or a Retry-After we will not wait
        "robots_disallowed",  # robots.txt forbids the URL (or could not be fetched: RFC 9309)
        "too_large",  # body over max_body_bytes on the wire or max_decoded_bytes decompressed
        "timeout",  # the per-attempt deadline (or the connect timeout) expired
        "redirect_loop",  # a redirect target repeated, or more than max_redirects hops
        "blocked_scheme",  # the URL or a redirect target is not http(s)
        "network_error",  # DNS, refused or dropped connections, protocol errors
        "decode_error",  # the Content-Encoding stream is corrupt
    }
)

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Internal marker for a redirect response; fetch() follows it, so it never reaches a caller.
_REDIRECT = "redirect"
# A Crawl-delay of hours would stall a crawl for one host forever; honour it up to a minute.
_MAX_CRAWL_DELAY = 60.0
# RFC 9309 2.3.1.2: follow at least five redirects for robots.txt.
_ROBOTS_MAX_REDIRECTS = 5


@dataclass(frozen=True)
class FetchSettings:
    # Sent on every request so site operators can identify and contact us.
    user_agent: str = "newsarchive/0.1 (+https://github.com/newsarchive/newsarchive)"
    # Product token matched against robots.txt User-agent groups.
    robots_agent: str = "newsarchive"
    # One deadline per attempt covering connect, headers and the whole body, so a server
    # dripping bytes cannot hold a worker.
    total_timeout: float = 30.0
    # Unreachable hosts should fail fast, well before the overall deadline.
    connect_timeout: float = 10.0
    # Cap on bytes received on the wire (before Content-Encoding is undone).
    max_body_bytes: int = 10 * 1024 * 1024
    # Cap on bytes after gzip/deflate decoding: stops decompression bombs.
    max_decoded_bytes: int = 20 * 1024 * 1024
    # Redirect hops followed before giving up with "redirect_loop".
    max_redirects: int = 10
    # Tries per request (first one included) on connection failures and 429/500/502/503/504.
    max_attempts: int = 3
    # Backoff before retry n is about backoff_base * 2**(n-1) seconds plus up to backoff_base
    # of random jitter, so that many workers do not retry in lockstep.
    backoff_base: float = 1.0
    # Ceiling of the exponential part of the backoff.
    backoff_max: float = 30.0
    # A Retry-After longer than this means "come back much later": give up on the URL now.
    max_retry_after: float = 120.0
    # robots.txt is parsed up to this many bytes; RFC 9309 requires at least 500 KiB.
    max_robots_bytes: int = 512 * 1024


@dataclass
class HostPolicy:
    delay: float = 1.0  # minimum seconds between request starts on one host
    concurrency: int = 2  # requests in flight per host


@dataclass
class FetchResult:
    url: str  # as requested
    final_url: str  # after redirects
    status: int | None  # of the final response; None when no response was received
    outcome: str  # one of OUTCOMES
    error: str | None  # human-readable reason when the outcome is not "ok"
    headers: dict[str, str]  # final response headers, lower-case keys
    body: bytes  # content-decoded body; b"" unless the outcome is "ok"
    bytes_downloaded: int  # body bytes received on the wire for the final response
    elapsed: float  # seconds, including politeness waits, retries and redirects
    attempts: int  # tries of the final request (1 + retries); 0 if nothing was sent
    redirects: list[str]  # each URL that answered with a redirect, in order

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")


@dataclass
class RobotsInfo:
    # "ok" (parsed), "missing" (4xx: allow all) or "unreachable" (5xx, 429, network errors:
    # disallow all, because RFC 9309 treats a failing robots.txt as a complete disallow).
    status: str
    sitemaps: list[str] = field(default_factory=list)
    crawl_delay: float | None = None  # for FetchSettings.robots_agent
    # Why robots.txt could not be used; a dead host otherwise looks like a strict robots.txt.
    reason: str | None = None
    parser: Protego | None = field(default=None, repr=False, compare=False)

    def allowed(self, url: str, agent: str) -> bool:
        """Whether ``agent`` may fetch ``url`` on this origin."""
        if self.status == "unreachable":
            return False
        return self.parser is None or self.parser.can_fetch(url, agent)


@dataclass
class _Exchange:
    """The outcome of one attempt at one URL, before retries and redirects are applied."""

    outcome: str  # one of OUTCOMES, or _REDIRECT
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    downloaded: int = 0
    error: str | None = None
    retryable: bool = False
    retry_after: float | None = None  # seconds the server asked us to wait


@dataclass
class _Host:
    policy: HostPolicy
    semaphore: asyncio.Semaphore
    lock: asyncio.Lock  # serialises the "wait for my start time" step
    last_start: float | None = None


def _is_http(url: str) -> bool:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port outside 0-65535
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _retry_after_seconds(value: str | None) -> float | None:
    """Parse Retry-After, which is either delta-seconds or an HTTP-date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class Fetcher:
    """Fetches URLs politely; use as ``async with Fetcher(settings) as fetcher``."""

    def __init__(self, settings: FetchSettings | None = None) -> None:
        self.settings = settings or FetchSettings()
        s = self.settings
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            http1=True,
            http2=False,
            # httpx's own per-operation timeouts are a backstop; the real limit is the
            # asyncio.timeout around each attempt.
            timeout=httpx.Timeout(s.total_timeout, connect=s.connect_timeout),
            headers={"User-Agent": s.user_agent, "Accept-Encoding": "gzip, deflate"},
        )
        self._policies: dict[str, HostPolicy] = {}
        self._hosts: dict[str, _Host] = {}
        self._robots: dict[str, RobotsInfo] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self._backoff = wait_exponential(
            multiplier=s.backoff_base, max=s.backoff_max
        ) + wait_random(0, s.backoff_base)

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._client.aclose()

    def set_policy(self, host: str, policy: HostPolicy) -> None:
        """Set the politeness policy for ``host`` (netloc, port included); call before fetching."""
        host = host.lower()
        self._policies[host] = policy
        self._hosts.pop(host, None)

    async def robots(self, url: str) -> RobotsInfo:
        """Return the robots.txt rules for the origin of ``url``, fetching them once."""
        origin = _origin(url)
        lock = self._robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:
            if origin not in self._robots:
                self._robots[origin] = await self._load_robots(origin)
        return self._robots[origin]

    async def fetch(
        self, url: str, *, headers: dict[str, str] | None = None, check_robots: bool = True
    ) -> FetchResult:
        """Fetch ``url``; every network or HTTP failure is reported as an outcome, never raised.

        ``headers`` (e.g. If-None-Match) are sent on every hop that stays on the origin of
        ``url``, and dropped once a redirect leaves it so credentials do not leak.
        """
        started = time.monotonic()
        redirects: list[str] = []
        current = url

        def result(
            outcome: str, error: str | None, exchange: _Exchange | None = None, attempts: int = 0
        ) -> FetchResult:
            return FetchResult(
                url=url,
                final_url=current,
                status=exchange.status if exchange else None,
                outcome=outcome,
                error=error,
                headers=exchange.headers if exchange else {},
                body=exchange.body if exchange else b"",
                bytes_downloaded=exchange.downloaded if exchange else 0,
                elapsed=time.monotonic() - started,
                attempts=attempts,
                redirects=redirects,
            )

        while True:
            if not _is_http(current):
                return result("blocked_scheme", f"not a valid http(s) URL: {current!r}")
            if check_robots:
                robots = await self.robots(current)
                if not robots.allowed(current, self.settings.robots_agent):
                    reason = (
                        f"robots.txt unreachable ({robots.reason}): disallow-all per RFC 9309"
                        if robots.status == "unreachable"
                        else "disallowed by robots.txt"
                    )
                    return result("robots_disallowed", reason)
            same_origin = _origin(current) == _origin(url)
            exchange, attempts = await self._request(current, headers if same_origin else None)
            if exchange.outcome != _REDIRECT:
                return result(exchange.outcome, exchange.error, exchange, attempts)

            location = exchange.headers.get("location", "").strip()
            try:
                target = urljoin(current, location)
            except ValueError:
                target = ""
            if not location or not target:
                error = f"HTTP {exchange.status} with unusable Location {location!r}"
                return result("http_error", error, exchange, attempts)
            redirects.append(current)
            if target in redirects:
                return result("redirect_loop", f"redirect to {target} repeats", exchange, attempts)
            if len(redirects) > self.settings.max_redirects:
                error = f"more than {self.settings.max_redirects} redirects"
                return result("redirect_loop", error, exchange, attempts)
            current = target

    async def _load_robots(self, origin: str) -> RobotsInfo:
        url = f"{origin}/robots.txt"
        for _ in range(_ROBOTS_MAX_REDIRECTS + 1):
            exchange, _attempts = await self._request(url, None, robots=True)
            if exchange.outcome != _REDIRECT:
                break
            url = urljoin(url, exchange.headers.get("location", ""))
            if not _is_http(url):
                return RobotsInfo("missing", reason=f"redirected to {url!r}")
        else:
            # RFC 9309 2.3.1.2: past the redirect limit robots.txt counts as unavailable.
            return RobotsInfo("missing", reason="too many redirects")

        if exchange.outcome == "ok":
            text = exchange.body.decode("utf-8", errors="replace").removeprefix("\ufeff")
            parser = Protego.parse(text)
            return RobotsInfo(
                status="ok",
                sitemaps=list(parser.sitemaps),
                crawl_delay=parser.crawl_delay(self.settings.robots_agent),
                parser=parser,
            )
        status = exchange.status
        # 429 is a 4xx but means "overloaded", so it counts as unreachable like a 5xx.
        if status is not None and 400 <= status < 500 and status != 429:
            return RobotsInfo("missing", reason=f"HTTP {status}")
        return RobotsInfo("unreachable", reason=exchange.error or f"HTTP {status}")

    async def _request(
        self, url: str, headers: dict[str, str] | None, *, robots: bool = False
    ) -> tuple[_Exchange, int]:
        """One URL with retries; returns the last exchange and the number of tries."""
        s = self.settings
        attempts = 0

        async def attempt() -> _Exchange:
            nonlocal attempts
            attempts += 1
            return await self._exchange(url, headers, robots)

        def wait(state: RetryCallState) -> float:
            assert state.outcome is not None
            retry_after = state.outcome.result().retry_after or 0.0
            return max(min(self._backoff(state), s.backoff_max), retry_after)

        retrying = AsyncRetrying(
            stop=stop_after_attempt(s.max_attempts),
            wait=wait,
            retry=retry_if_result(lambda exchange: exchange.retryable),
            # Out of tries: report the last failure rather than raising RetryError.
            retry_error_callback=lambda state: state.outcome.result() if state.outcome else None,
        )
        exchange = await retrying(attempt)
        return exchange, attempts

    async def _exchange(self, url: str, headers: dict[str, str] | None, robots: bool) -> _Exchange:
        s = self.settings
        async with self._slot(url):
            try:
                async with (
                    asyncio.timeout(s.total_timeout),
                    self._client.stream("GET", url, headers=headers) as response,
                ):
                    return await self._receive(response, robots)
            except TimeoutError:
                return _Exchange("timeout", error=f"no complete response in {s.total_timeout}s")
            except httpx.ConnectTimeout as exc:
                return _Exchange("timeout", error=f"connect timeout: {exc}", retryable=True)
            except (
                httpx.ConnectError,
                httpx.ReadError,
                httpx.WriteError,
                httpx.RemoteProtocolError,
            ) as exc:
                error = f"{type(exc).__name__}: {exc}"
                return _Exchange("network_error", error=error, retryable=True)
            except httpx.TimeoutException as exc:
                return _Exchange("timeout", error=f"{type(exc).__name__}: {exc}")
            except (httpx.TransportError, httpx.InvalidURL) as exc:
                return _Exchange("network_error", error=f"{type(exc).__name__}: {exc}")

    async def _receive(self, response: httpx.Response, robots: bool) -> _Exchange:
        s = self.settings
        status = response.status_code
        headers = {key.lower(): value for key, value in response.headers.items()}
        exchange = _Exchange("http_error", status=status, headers=headers)
        if status in _RETRY_STATUSES:
            exchange.error = f"HTTP {status}"
            exchange.retry_after = _retry_after_seconds(headers.get("retry-after"))
            if exchange.retry_after is not None and exchange.retry_after > s.max_retry_after:
                exchange.error += (
                    f"; Retry-After {exchange.retry_after:.0f}s exceeds"
                    f" max_retry_after {s.max_retry_after:.0f}s, giving up"
                )
            else:
                exchange.retryable = True
            return exchange
        if status in _REDIRECT_STATUSES:
            exchange.outcome = _REDIRECT
            return exchange
        if status == 304:
            exchange.outcome = "not_modified"
            return exchange
        if not 200 <= status < 300:
            exchange.error = f"HTTP {status}"
            return exchange

        declared = headers.get("content-length", "")
        if not robots and declared.isdigit() and int(declared) > s.max_body_bytes:
            exchange.outcome = "too_large"
            exchange.error = (
                f"Content-Length {declared} exceeds max_body_bytes ({s.max_body_bytes})"
            )
            return exchange
        decoder = BodyDecoder(
            headers.get("content-encoding"),
            max_wire=s.max_body_bytes,
            max_decoded=s.max_robots_bytes if robots else s.max_decoded_bytes,
            truncate=robots,
        )
        async for chunk in response.aiter_raw():
            if not decoder.feed(chunk):
                break
        body = decoder.finish()
        exchange.downloaded = decoder.downloaded
        if decoder.failure:
            exchange.outcome, exchange.error = decoder.failure, decoder.error
        else:
            exchange.outcome, exchange.body = "ok", body
        return exchange

    @asynccontextmanager
    async def _slot(self, url: str) -> AsyncIterator[None]:
        """Hold a per-host concurrency slot, starting no sooner than the host delay allows."""
        key = urlsplit(url).netloc.lower()
        host = self._hosts.get(key)
        if host is None:
            policy = self._policies.get(key, HostPolicy())
            host = _Host(policy, asyncio.Semaphore(policy.concurrency), asyncio.Lock())
            self._hosts[key] = host
        async with host.semaphore:
            async with host.lock:
                if host.last_start is not None:
                    wait = host.last_start + self._delay(url, host.policy) - time.monotonic()
                    if wait > 0:
                        await asyncio.sleep(wait)
                host.last_start = time.monotonic()
            yield

    def _delay(self, url: str, policy: HostPolicy) -> float:
        robots = self._robots.get(_origin(url))
        if robots is None or robots.crawl_delay is None:
            return policy.delay
        return max(policy.delay, min(robots.crawl_delay, _MAX_CRAWL_DELAY))
