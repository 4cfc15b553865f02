"""Outbound connections to addresses that users type in (calendar URLs, IMAP servers).

Every workspace may enter any address, so the server must not become a way into its own
network: the host is resolved once, every address it resolves to must be public, and the
connection goes to exactly that checked address (so a DNS answer that changes between the
check and the connect cannot point it elsewhere). A self-hosted LAN install can allow
private addresses with `RAPPORT_ALLOW_PRIVATE_ADDRESSES=true`.

Errors never carry what the remote side said: `NotAllowed` for a refused address and
`Unreachable` for anything else on the way (no DNS answer, refused, timed out), so the
message a user sees cannot be used to scan ports or read internal services.
"""

from __future__ import annotations

import base64
import http.client
import ipaddress
import socket
import time
from dataclasses import dataclass
from email.message import Message
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Ranges `ipaddress` counts as global but that reach inside a network anyway.
_EXTRA_BLOCKED = [ipaddress.ip_network(n) for n in (
    "100.64.0.0/10",       # carrier-grade NAT
    "169.254.0.0/16",      # link-local, cloud metadata (169.254.169.254)
    "192.0.0.0/24",        # IETF protocol assignments
    "198.18.0.0/15",       # benchmarking
    "fc00::/7",            # unique local
    "fe80::/10",           # link-local
    "fec0::/10",           # site-local (deprecated)
)]
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
REDIRECTS = 3
REDIRECT_CODES = {301, 302, 303, 307, 308}


class NotAllowed(OSError):
    """The address is not public (and private addresses are not allowed here)."""


class Unreachable(OSError):
    """No answer: unknown name, refused, timed out, broken TLS; deliberately not told apart."""


class FetchError(OSError):
    """An HTTP fetch that got an answer, but not a usable one (status, size, redirects)."""


def private_allowed() -> bool:
    return bool(getattr(settings, "RAPPORT_ALLOW_PRIVATE_ADDRESSES", False))


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address.sixtofour:
        return address.sixtofour
    if address.teredo:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: IPAddress) -> bool:
    """True for an address on the public internet, also behind IPv6 wrappings of IPv4."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_ipv4(address)
        if inner is not None and not is_public(inner):
            return False
    if (address.is_private or address.is_loopback or address.is_link_local
            or address.is_multicast or address.is_reserved or address.is_unspecified
            or not address.is_global):
        return False
    return not any(address in network for network in _EXTRA_BLOCKED
                   if network.version == address.version)


def _parse(text: str) -> IPAddress:
    return ipaddress.ip_address(text.split("%", 1)[0])


def resolve(host: str, port: int) -> list[tuple]:
    """The host's addresses for a TCP connection, every one checked; raises if any is not
    public (a name that also points inside the network is refused as a whole)."""
    if not host:
        raise Unreachable("no host")
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError) as exc:
        raise Unreachable("no answer") from exc
    if not infos:
        raise Unreachable("no answer")
    if not private_allowed():
        for info in infos:
            if not is_public(_parse(info[4][0])):
                raise NotAllowed("address not allowed")
    return infos


def literal_address(host: str) -> IPAddress | None:
    """The address written in `host` itself (also the short IPv4 forms the resolver
    accepts, like 127.1 or 2130706433), read without any network lookup; None for a name."""
    text = host.strip().strip("[]").rstrip(".")
    try:
        return _parse(text)
    except ValueError:
        pass
    if text and all(c in "0123456789abcdefx." for c in text.lower()):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(text))
        except OSError:
            return None
    return None


def check_saved_host(host: str) -> None:
    """Validation when an address is saved, without touching the network: the request
    neither resolves nor connects (a slow or silent host cannot hold a web worker, and its
    timing cannot be read). An address written out, or a localhost name, that is not public
    is refused now; a name is resolved and checked in the worker, at connect time."""
    if private_allowed():
        return
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        raise NotAllowed("address not allowed")
    address = literal_address(name)
    if address is not None and not is_public(address):
        raise NotAllowed("address not allowed")


def connect(host: str, port: int, timeout: float) -> socket.socket:
    """A TCP connection to the first checked address of host that answers."""
    infos = resolve(host, port)
    for family, kind, proto, _name, sockaddr in infos:
        sock = socket.socket(family, kind, proto)
        sock.settimeout(timeout)
        try:
            sock.connect(sockaddr)
        except OSError:
            sock.close()
            continue
        return sock
    raise Unreachable("no answer")


def guarded(connection: http.client.HTTPConnection) -> http.client.HTTPConnection:
    """`connection` (not yet connected) made to connect only through `connect()`, so every
    address it resolves to is checked: for callers that need a method other than GET."""
    def create(address: tuple[str, int], timeout: float, *_args: object) -> socket.socket:
        return connect(address[0], address[1], timeout)

    connection._create_connection = create  # noqa: SLF001 - the one hook http.client has
    return connection


@dataclass
class Response:
    status: int
    headers: Message
    body: bytes
    url: str


def fetch(url: str, headers: dict[str, str] | None = None, max_bytes: int = 5 * 1024 * 1024,
          timeout: float = 20, total_timeout: float = 60, redirects: int = REDIRECTS
          ) -> Response:
    """GET an http(s) URL through the guard: redirects followed by hand and checked on
    every hop, the body read in chunks up to `max_bytes`, the whole fetch bounded in time.

    2xx and 304 come back as a Response; other statuses raise FetchError.
    """
    deadline = time.monotonic() + total_timeout
    first_host = urlsplit(url).hostname
    for _hop in range(redirects + 1):
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise NotAllowed("only http and https")
        connection_class = (http.client.HTTPSConnection if parts.scheme == "https"
                            else http.client.HTTPConnection)
        try:
            port = parts.port
        except ValueError as exc:
            raise Unreachable("bad port") from exc
        connection = guarded(connection_class(parts.hostname, port, timeout=timeout))
        sent = dict(headers or {})
        if parts.username and parts.hostname == first_host:
            pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            sent["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request("GET", path, headers=sent)
            response = connection.getresponse()
            if response.status in REDIRECT_CODES:
                location = response.getheader("Location") or ""
                connection.close()
                if not location:
                    raise FetchError("redirect without a location")
                url = urljoin(url, location)
                continue
            if not (200 <= response.status < 300 or response.status == 304):
                connection.close()
                raise FetchError(f"HTTP {response.status}")
            length = response.getheader("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                connection.close()
                raise FetchError("too large")
            body = _read(response, max_bytes, deadline)
            return Response(response.status, response.headers, body, url)
        except (FetchError, NotAllowed, Unreachable):
            raise
        except (OSError, http.client.HTTPException, ValueError) as exc:
            raise Unreachable("no answer") from exc
        finally:
            connection.close()
    raise FetchError("too many redirects")


def _read(response: http.client.HTTPResponse, max_bytes: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise Unreachable("too slow")
        chunk = response.read(65536)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError("too large")
        chunks.append(chunk)
