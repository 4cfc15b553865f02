"""The address of the person at the keyboard, even behind the documented reverse proxy.

Behind a proxy every request comes from the proxy's address, so login throttling keyed
on it would let anyone lock anyone out. `X-Forwarded-For` is believed only when the
direct peer is one of `TRUSTED_PROXIES` (addresses or networks, empty by default);
otherwise anyone could claim any address by sending the header themselves.
"""

from __future__ import annotations

import ipaddress
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry!r} is not an address or network.") from exc
    return tuple(networks)


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1:value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(address in network for network in trusted_networks())


def client_ip(request: HttpRequest) -> str:
    """The peer's address, or – from a trusted proxy – the nearest untrusted address in
    X-Forwarded-For (read right to left, as each proxy appends what it saw)."""
    peer = request.META.get("REMOTE_ADDR", "")
    address = _parse(peer)
    if address is None or not _trusted(address):
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part for part in forwarded.split(",") if part.strip()]):
        hop_address = _parse(hop)
        if hop_address is None:
            break  # a garbled chain: trust nothing further left
        if not _trusted(hop_address):
            return str(hop_address)
        address = hop_address
    return str(address)
