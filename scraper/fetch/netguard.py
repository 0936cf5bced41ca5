"""Which network addresses a crawl may connect to.

A crawler that follows links and redirects from pages it does not control can be steered at
the machine it runs on: ``http://127.0.0.1:6379/``, the cloud metadata service at
``169.254.169.254`` or an intranet host (server-side request forgery). So, unless the
operator allowed a host, every connection to a loopback, private, link-local or otherwise
non-global address is refused with the outcome ``blocked_address``.

The guard works at two points, and both use one resolver:

- before a request (``AddressGuard.refusal``), so that a refused URL costs no robots.txt
  fetch and says why: an address literal is judged as written, a name by what it resolves
  to (any non-global answer refuses it);
- when a connection is opened (``GuardedTransport``, the HTTP client's network backend):
  the name is resolved once more, every answer is judged, and the socket is connected to one
  of exactly those addresses. A name whose DNS answer flips to an internal address between
  the two lookups (DNS rebinding) is therefore refused too, and no request path (robots.txt,
  sitemaps, feeds, pages, each redirect hop) can reach a socket without passing here.

An IPv6 address that embeds an IPv4 one (IPv4-mapped and -translated, the deprecated
IPv4-compatible ``::a.b.c.d``, NAT64 ``64:ff9b::/96``, 6to4 ``2002::/16``) is judged by its
IPv4 address as well: Python's ``is_global`` accepts ``[64:ff9b::a9fe:a9fe]``, which a NAT64
gateway delivers to 169.254.169.254. The local-use NAT64 prefix ``64:ff9b:1::/48`` is not
global (RFC 8215); Teredo is not global in Python already.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import typing
from collections.abc import Awaitable, Callable, Iterable
from urllib.parse import urlsplit

import httpcore
import httpx

__all__ = ["AddressGuard", "BlockedAddress", "GuardedTransport", "Resolver", "is_public"]

# host, port -> the addresses a connection to them may use (IPv4 or IPv6 literals).
Resolver = Callable[[str, int], Awaitable[list[str]]]

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_COMPATIBLE = ipaddress.ip_network("::/96")
_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")


class BlockedAddress(Exception):  # noqa: N818 - the name of the outcome it becomes
    """Raised by the transport instead of connecting to a refused address."""


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries, for the forms that deliver to it."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64 or ip in _TRANSLATED or (ip in _COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(address: str) -> bool:
    """Whether ``address`` (an IPv4 or IPv6 literal, zone index allowed) is a global unicast
    address, judging the IPv4 address an IPv6 one embeds as well."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _NAT64_LOCAL:
            return False
        embedded = _embedded_ipv4(ip)
        if embedded is not None and not is_public(str(embedded)):
            return False
    return ip.is_global and not ip.is_multicast


def _literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


async def system_resolver(host: str, port: int) -> list[str]:
    """The operating system's answer (getaddrinfo), as address literals."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(sockaddr[0]) for *_, sockaddr in infos))


def _host_port(entry: str) -> tuple[str, int | None]:
    parts = urlsplit(f"//{entry}")
    try:
        port = parts.port
    except ValueError:
        port = None
    return (parts.hostname or entry).lower(), port


class AddressGuard:
    """Refuses non-global addresses except on the hosts it was told to trust.

    ``allowed`` holds netlocs (``host:port``: only that port) or bare host names (any
    port); the crawl passes every site's start-URL hosts and its ``allow_private_hosts``.
    ``resolver`` answers for host names (default: the system's); tests pass their own.
    """

    def __init__(self, allowed: Iterable[str] = (), resolver: Resolver | None = None) -> None:
        self.allowed = {_host_port(entry) for entry in allowed}
        self.resolver = resolver or system_resolver
        self._checked: dict[tuple[str, int], str | None] = {}

    def trusts_host(self, host: str, port: int) -> bool:
        host = host.lower().strip("[]")
        return (host, port) in self.allowed or (host, None) in self.allowed

    def trusts(self, url: str) -> bool:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return self.trusts_host(parts.hostname or "", port)

    async def refusal(self, url: str) -> str | None:
        """Why a request to ``url`` must not be made, or None when it may (checked again,
        on the address itself, when the connection is opened)."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if self.trusts_host(host, port):
            return None
        key = (host, port)
        if key not in self._checked:
            try:
                await self.addresses(host, port)
                self._checked[key] = None
            except BlockedAddress as exc:
                self._checked[key] = str(exc)
            except OSError:
                return None  # unresolvable: the request itself fails as a network error
        return self._checked[key]

    async def addresses(self, host: str, port: int, *, judge: bool = True) -> list[str]:
        """The addresses a connection to ``host`` may use, each one judged unless
        ``judge`` is false (a trusted host); raises BlockedAddress if one is not public, and
        OSError if the name does not resolve."""
        host = host.strip("[]")
        if _literal(host):
            found = [host]
        else:
            try:
                found = await self.resolver(host, port)
            except UnicodeError as exc:
                raise OSError(f"cannot resolve {host!r}: {exc}") from exc
            if not found:
                raise OSError(f"{host} resolves to no address")
        for address in found if judge else ():
            if not is_public(address):
                raise BlockedAddress(f"{host} is not a public address" if address == host
                                     else f"{host} resolves to {address}, not a public address")
        return found


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting only to addresses the guard judged."""

    def __init__(self, guard: AddressGuard) -> None:
        self.guard = guard
        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(
        self, host: str, port: int, timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        judge = not self.guard.trusts_host(host, port)
        try:
            async with asyncio.timeout(timeout):
                addresses = await self.guard.addresses(host, port, judge=judge)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from exc
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        failure: Exception | None = None
        for address in addresses:  # in the resolver's order, as getaddrinfo ranks them
            try:
                return await self._backend.connect_tcp(address, port, timeout, local_address,
                                                       socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(self, *args: typing.Any, **kwargs: typing.Any) -> typing.NoReturn:
        raise BlockedAddress("unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport, its connections opened through ``AddressGuard``.

    httpx 0.28 takes no network backend (encode/httpx#3749 proposes one), so the transport
    holds a connection pool built as httpx builds it, with our backend, instead of httpx's
    (whose ``__init__`` is not called: it would build a pool and a TLS context only to drop
    them). A transport of our own also means httpx ignores proxy environment variables: a
    proxy would resolve names itself, out of the guard's sight.
    """

    def __init__(self, guard: AddressGuard, *, limits: httpx.Limits) -> None:
        self._pool = _GuardedPool(
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True, http2=False, network_backend=_GuardedBackend(guard))


class _GuardedPool(httpcore.AsyncConnectionPool):
    """httpcore's pool, making its TLS context when it first connects to an https origin.

    The context is httpx's default (``httpx.create_ssl_context``: certifi's bundle, or
    ``SSL_CERT_FILE``/``SSL_CERT_DIR``; certificates and host names verified), one for all
    https hosts, as before; only when it is made changes. Loading the bundle's ~150 CA
    certificates costs 1.2 MiB of RSS, which a crawl of http:// sites never needs (issue
    12's peak-memory round: bench/crawl_pipeline.py serves http).
    """

    def create_connection(self, origin: httpcore.Origin) -> httpcore.AsyncConnectionInterface:
        if origin.scheme == b"https" and self._ssl_context is None:
            self._ssl_context = httpx.create_ssl_context()
        return super().create_connection(origin)
