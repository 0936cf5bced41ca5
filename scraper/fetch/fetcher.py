"""Polite, bounded HTTP fetching.

A crawl touches thousands of URLs on servers we do not control, so this module is built around
three promises: we never hammer a host (robots.txt, Crawl-delay, per-host spacing and
concurrency), no single response can exhaust time or memory (one deadline per attempt, byte caps
enforced while streaming, including after decompression), and no URL can abort the crawl
(``Fetcher.fetch`` returns a :class:`FetchResult` with an outcome instead of raising).
Its settings and results are in ``scraper.fetch.types``, its outcomes in ``scraper.vocab``
and re-exported here. A host that keeps failing is paused for the run, a Retry-After holds
back the whole host, and with an ``AddressGuard`` no hop reaches a non-public address.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
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
from .netguard import AddressGuard, BlockedAddress, GuardedTransport
from .types import FetchResult, FetchSettings, HostPolicy, RobotsInfo

__all__ = ["Fetcher"]

# A host no site configured (``newsarchive extract URL``): one request at a time, a second apart.
UNCONFIGURED_HOST = HostPolicy(delay=1.0, concurrency=1)
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Internal marker for a redirect response; fetch() follows it, so it never reaches a caller.
_REDIRECT = "redirect"
# A Crawl-delay of hours would stall a crawl for one host forever; honour it up to a minute.
_MAX_CRAWL_DELAY = 60.0
# RFC 9309 2.3.1.2: follow at least five redirects for robots.txt.
_ROBOTS_MAX_REDIRECTS = 5
# The page of a 404/410 is kept up to this size: the crawl learns the site's "not found"
# page from it and recognises the same page served with 200 (a soft 404).
_NOT_FOUND_PAGE_BYTES = 256 * 1024


@dataclass
class _Exchange:
    """The outcome of one attempt at one URL, before retries and redirects are applied."""

    outcome: str  # one of vocab.FETCH_OUTCOMES, or _REDIRECT
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
    not_before: float = 0.0  # monotonic time before which no request starts (Retry-After)
    failures: int = 0  # consecutive failed requests
    paused: str | None = None  # why the host is paused for the rest of the run


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
    """Fetches URLs politely; use as ``async with Fetcher(settings) as fetcher``.

    With a ``guard`` every hop is checked against it (``blocked_address``); the crawl always
    passes one. Without, any address is fetched: for a URL an operator typed himself.
    """

    def __init__(
        self, settings: FetchSettings | None = None, guard: AddressGuard | None = None
    ) -> None:
        self.settings = settings or FetchSettings()
        self.guard = guard
        self._interrupted = asyncio.Event()
        s = self.settings
        # No pool-wide cap: the per-host slots bound what is in flight. httpx's default
        # of 100 made requests of a 20-site crawl queue for a connection inside their
        # deadline and time out unsent (bench/soak.py saw the server never get them).
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=200)
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            http1=True,
            http2=False,
            # httpx's own per-operation timeouts are a backstop; the real limit is the
            # asyncio.timeout around each attempt.
            timeout=httpx.Timeout(s.total_timeout, connect=s.connect_timeout),
            limits=limits,
            # With a guard, every connection is opened through it (netguard.py).
            transport=GuardedTransport(guard, limits=limits) if guard else None,
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

    def interrupt(self) -> None:
        """Stop retrying: requests in flight finish, their failures are reported at once.

        Called when the crawl is told to stop, so that a Retry-After or a backoff does not
        outlast the grace period and leave a request the server saw without a record.
        """
        self._interrupted.set()

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
            refusal = await self.guard.refusal(current) if self.guard else None
            if refusal:
                return result("blocked_address", refusal)
            paused = self._host(current).paused
            if paused:
                return result("host_paused", paused)
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
            # Each hop passes the guard as a page's redirects do; a refused or unusable
            # target counts as no robots.txt (RFC 9309 2.3.1.2), as too many redirects do.
            refusal = await self.guard.refusal(url) if self.guard else None
            if refusal:
                return RobotsInfo("missing", reason=f"redirected to {url}: {refusal}")
            exchange, _attempts = await self._request(url, None, robots=True)
            if exchange.outcome == "blocked_address":
                return RobotsInfo("missing", reason=f"{url}: {exchange.error}")
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
        last: _Exchange | None = None

        async def attempt() -> _Exchange:
            nonlocal attempts, last
            if last is not None and self._interrupted.is_set():
                return last  # the crawl is stopping: report the failure, do not try again
            attempts += 1
            last = await self._exchange(url, headers, robots)
            return last

        def wait(state: RetryCallState) -> float:
            assert state.outcome is not None
            retry_after = state.outcome.result().retry_after or 0.0
            return max(min(self._backoff(state), s.backoff_max), retry_after)

        retrying = AsyncRetrying(
            stop=stop_after_attempt(s.max_attempts) | (lambda _: self._interrupted.is_set()),
            wait=wait,
            sleep=self._sleep,
            retry=retry_if_result(lambda exchange: exchange.retryable),
            # Out of tries: report the last failure rather than raising RetryError.
            retry_error_callback=lambda state: state.outcome.result() if state.outcome else None,
        )
        exchange = await retrying(attempt)
        self._count_failure(url, exchange)
        return exchange, attempts

    def _count_failure(self, url: str, exchange: _Exchange) -> None:
        """Pause a host after ``host_failure_limit`` failed requests in a row."""
        host = self._host(url)
        failed = exchange.outcome in ("timeout", "network_error") or (
            exchange.outcome == "http_error" and exchange.status in _RETRY_STATUSES)
        host.failures = host.failures + 1 if failed else 0
        limit = self.settings.host_failure_limit
        if host.failures >= limit and not host.paused:
            host.paused = (f"host paused for this run after {limit} failed requests in a row"
                           f" (last: {exchange.error})")

    async def _sleep(self, seconds: float) -> None:
        """Wait before a retry, but no longer once the crawl is stopping."""
        with suppress(TimeoutError):
            await asyncio.wait_for(self._interrupted.wait(), seconds)

    async def _exchange(self, url: str, headers: dict[str, str] | None, robots: bool) -> _Exchange:
        exchange = await self._attempt(url, headers, robots)
        if exchange.retryable and exchange.retry_after:
            # Retry-After speaks for the server, not the URL: hold back the whole host.
            host = self._host(url)
            host.not_before = max(host.not_before, time.monotonic() + exchange.retry_after)
        return exchange

    async def _attempt(self, url: str, headers: dict[str, str] | None, robots: bool) -> _Exchange:
        s = self.settings
        async with self._slot(url):
            try:
                auth = self._host(url).policy.auth
                async with (
                    asyncio.timeout(s.total_timeout),
                    self._client.stream("GET", url, headers=headers,
                                        auth=httpx.BasicAuth(*auth) if auth else None)
                    as response,
                ):
                    return await self._receive(response, robots)
            except BlockedAddress as exc:  # the connection's address, judged as it opened
                return _Exchange("blocked_address", error=str(exc))
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
            if status in (404, 410) and not robots:
                exchange.body = await self._read(response, _NOT_FOUND_PAGE_BYTES, truncate=True)
            return exchange

        declared = headers.get("content-length", "")
        if not robots and declared.isdigit() and int(declared) > s.max_body_bytes:
            exchange.outcome = "too_large"
            exchange.error = (
                f"Content-Length {declared} exceeds max_body_bytes ({s.max_body_bytes})"
            )
            return exchange
        decoder = self._decoder(
            response, s.max_robots_bytes if robots else s.max_decoded_bytes, truncate=robots)
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

    def _decoder(self, response: httpx.Response, max_decoded: int, truncate: bool) -> BodyDecoder:
        return BodyDecoder(response.headers.get("content-encoding"),
                           max_wire=self.settings.max_body_bytes, max_decoded=max_decoded,
                           truncate=truncate)

    async def _read(self, response: httpx.Response, limit: int, truncate: bool) -> bytes:
        """The decoded body up to ``limit`` bytes; b"" if it is corrupt."""
        decoder = self._decoder(response, limit, truncate)
        async for chunk in response.aiter_raw():
            if not decoder.feed(chunk):
                break
        return decoder.finish()

    def _host(self, url: str) -> _Host:
        key = urlsplit(url).netloc.lower()
        host = self._hosts.get(key)
        if host is None:
            policy = self._policies.get(key, UNCONFIGURED_HOST)
            host = _Host(policy, asyncio.Semaphore(policy.concurrency), asyncio.Lock())
            self._hosts[key] = host
        return host

    @asynccontextmanager
    async def _slot(self, url: str) -> AsyncIterator[None]:
        """Hold a per-host concurrency slot, starting no sooner than the host delay and any
        Retry-After the host sent allow."""
        host = self._host(url)
        async with host.semaphore:
            async with host.lock:
                start = host.not_before
                if host.last_start is not None:
                    start = max(start, host.last_start + self._delay(url, host.policy))
                wait = start - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                host.last_start = time.monotonic()
            yield

    def _delay(self, url: str, policy: HostPolicy) -> float:
        robots = self._robots.get(_origin(url))
        if robots is None or robots.crawl_delay is None:
            return policy.delay
        return max(policy.delay, min(robots.crawl_delay, _MAX_CRAWL_DELAY))
