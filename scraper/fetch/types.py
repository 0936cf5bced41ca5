"""The fetcher's contract: its settings, what it returns, and robots.txt as it read it.

Kept apart from ``scraper.fetch.fetcher`` so that the contract can be read in one place.
The outcomes a ``FetchResult`` may carry are ``scraper.vocab.FETCH_OUTCOMES``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from protego import Protego

from ..knobs import knob

__all__ = ["FetchSettings", "HostPolicy", "FetchResult", "RobotsInfo"]

@dataclass(frozen=True)
class FetchSettings:
    """Crawl-wide fetch settings: the ``[fetch]`` table of ``config/crawl.toml``."""

    # Sent on every request so site operators can identify and contact us.
    user_agent: str = knob("newsarchive/0.1 (+https://github.com/newsarchive/newsarchive)",
                           "the User-Agent header of every request")
    robots_agent: str = knob("newsarchive", "the product token matched against robots.txt "
                                            "`User-agent` groups")
    # One deadline per attempt covering connect, headers and the whole body, so a server
    # dripping bytes cannot hold a worker.
    total_timeout: float = knob(30.0, "seconds: one deadline per attempt, body included",
                                minimum=0.1)
    # Unreachable hosts should fail fast, well before the overall deadline.
    connect_timeout: float = knob(10.0, "seconds to connect", minimum=0.1)
    max_body_bytes: int = knob(10 * 1024 * 1024, "cap on body bytes on the wire (before "
                                                 "Content-Encoding is undone)", minimum=1)
    # Stops decompression bombs.
    max_decoded_bytes: int = knob(20 * 1024 * 1024, "cap on body bytes after gzip/deflate "
                                                    "decoding", minimum=1)
    max_redirects: int = knob(10, "redirect hops followed before `redirect_loop`", minimum=0)
    max_attempts: int = knob(3, "tries per request, the first included, on connection "
                                "failures and 429/500/502/503/504", minimum=1)
    # Random jitter keeps many workers from retrying in lockstep.
    backoff_base: float = knob(1.0, "seconds: retry n waits about backoff_base * 2^(n-1) "
                                    "plus up to backoff_base of jitter", minimum=0)
    backoff_max: float = knob(30.0, "seconds: ceiling of the exponential part of the "
                                    "backoff", minimum=0)
    max_retry_after: float = knob(120.0, "seconds: a longer `Retry-After` means come back "
                                         "much later: the URL is given up now", minimum=0)
    # RFC 9309 requires at least 500 KiB.
    max_robots_bytes: int = knob(512 * 1024, "robots.txt is parsed up to this many bytes",
                                 minimum=500 * 1024)
    host_failure_limit: int = knob(10, "a host failing this many requests in a row "
                                       "(timeouts, network errors, 429/5xx after retries) "
                                       "is paused for the run (`host_paused`) and tried next "
                                       "run", minimum=1)


@dataclass
class HostPolicy:
    delay: float  # minimum seconds between request starts on one host
    concurrency: int  # requests in flight per host
    # HTTP basic credentials sent to this host only (a site file's start URL gave them)
    auth: tuple[str, str] | None = field(default=None, repr=False)


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


