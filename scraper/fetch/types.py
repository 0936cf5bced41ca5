"""The fetcher's contract: its settings, what it returns, and robots.txt as it read it.

Kept apart from ``scraper.fetch.fetcher`` so that the contract can be read in one place.
The outcomes a ``FetchResult`` may carry are ``scraper.vocab.FETCH_OUTCOMES``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from protego import Protego

__all__ = ["FetchSettings", "HostPolicy", "FetchResult", "RobotsInfo"]

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
    # A host whose requests failed this many times in a row (timeouts, network errors,
    # 429/5xx after retries) is paused for the rest of the run: its remaining URLs are
    # recorded as "host_paused" without a request and tried again in the next run.
    host_failure_limit: int = 10


@dataclass
class HostPolicy:
    delay: float = 1.0  # minimum seconds between request starts on one host
    concurrency: int = 2  # requests in flight per host


@dataclass
class FetchResult:
    url: str  # as requested
    final_url: str  # after redirects
    status: int | None  # of the final response; None when no response was received
    outcome: str  # one of vocab.FETCH_OUTCOMES
    error: str | None  # human-readable reason when the outcome is not "ok"
    headers: dict[str, str]  # final response headers, lower-case keys
    body: bytes  # content-decoded body; b"" unless "ok" (or the page of a 404/410, kept
    # up to 256 KiB so the crawl can recognise that page when it is served with 200)
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


