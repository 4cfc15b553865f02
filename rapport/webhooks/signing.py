"""The signature on every webhook: HMAC-SHA256 over "<timestamp>.<body>" with the
endpoint's secret, sent as `Rapport-Signature: t=<unix seconds>,v1=<hex digest>`.

A receiver recomputes the digest from the raw body and the `t` value, compares in
constant time and rejects old timestamps (replays); `verify()` does exactly that and is
what the README shows.
"""

from __future__ import annotations

import hashlib
import hmac
import time

# Wall-clock time on purpose, not rapport.core.clock: the receiver checks the timestamp
# against its own clock, and this module is what receivers copy (it needs no Django).

HEADER = "Rapport-Signature"
TOLERANCE_SECONDS = 300


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    message = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: bytes, now: float | None = None,
           tolerance: int = TOLERANCE_SECONDS) -> bool:
    """True if `header` signs `body` with `secret` and is recent enough."""
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _sep, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return any(hmac.compare_digest(expected, given) for given in parts.get("v1", []))
