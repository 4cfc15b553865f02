"""Limits on mails anyone can trigger without an account (password reset, sign-up,
invitations): per address and per IP address, per hour, counted in the database so the
limit holds across server processes. Keys are stored hashed."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import transaction

from rapport.accounts.models import Throttle
from rapport.core import clock

WINDOW = dt.timedelta(hours=1)


def _hashed(value: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value.strip().lower()}".encode()).hexdigest()


def per_address() -> int:
    return int(getattr(settings, "ACCOUNT_MAIL_LIMIT_PER_ADDRESS", 3))


def per_ip() -> int:
    return int(getattr(settings, "ACCOUNT_MAIL_LIMIT_PER_IP", 10))


def allow(kind: str, limits: dict[str, int], now: dt.datetime | None = None) -> bool:
    """Count one request under every key unless one of them is at its limit already.

    `limits` maps a key (an address, an IP) to its hourly limit; empty keys are ignored.
    """
    now = now or clock.now()
    hashed = {_hashed(key): limit for key, limit in limits.items() if key}
    with transaction.atomic():
        Throttle.objects.filter(at__lt=now - dt.timedelta(days=1)).delete()
        for key, limit in hashed.items():
            if Throttle.objects.filter(kind=kind, key=key, at__gt=now - WINDOW).count() >= limit:
                return False
        Throttle.objects.bulk_create([Throttle(kind=kind, key=key, at=now) for key in hashed])
    return True
