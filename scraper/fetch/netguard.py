"""Which network addresses a crawl may connect to.

A crawler that follows links and redirects from pages it does not control can be steered at
the machine it runs on: ``http://127.0.0.1:6379/``, the cloud metadata service at
``169.254.169.254`` or an intranet host (server-side request forgery). So, unless the
operator allowed a host, every hop to a loopback, private, link-local or otherwise
non-global address is refused with the outcome ``blocked_address`` before a connection is
opened; host names are resolved first and refused if any of their addresses is not global.

The resolution is ours, and the HTTP client resolves again when it connects, so a name
whose DNS answer flips between the two lookups (DNS rebinding) is not covered; the guard
stops links, redirects and sitemap entries that name internal addresses, which is the
threat a news crawl meets in practice.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

__all__ = ["AddressGuard"]


def _is_global(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone index
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class AddressGuard:
    """Refuses non-global addresses except on the hosts it was told to trust.

    ``allowed`` holds netlocs (``host:port``: only that port) or bare host names (any
    port); the crawl passes every site's start-URL hosts and its ``allow_private_hosts``.
    """

    def __init__(self, allowed: Iterable[str] = ()) -> None:
        self.allowed = {entry.lower() for entry in allowed}
        self._resolved: dict[tuple[str, int], str | None] = {}

    def trusts(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.netloc.lower() in self.allowed or (parts.hostname or "") in self.allowed

    async def refusal(self, url: str) -> str | None:
        """Why a request to ``url`` must not be made, or None when it may."""
        if self.trusts(url):
            return None
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            return None if _is_global(host) else f"{host} is not a public address"
        except ValueError:
            pass  # a name, not an address literal
        key = (host, port)
        if key not in self._resolved:
            self._resolved[key] = await self._check_name(host, port)
        return self._resolved[key]

    @staticmethod
    async def _check_name(host: str, port: int) -> str | None:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            return None  # unresolvable: the request itself fails as a network error
        for *_, sockaddr in infos:
            if not _is_global(sockaddr[0]):
                return f"{host} resolves to {sockaddr[0]}, not a public address"
        return None
