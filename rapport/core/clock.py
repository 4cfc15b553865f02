"""The one place that says what time it is, so tests can move time instead of sleeping."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    return _frozen or timezone.now()


def today() -> dt.date:
    return timezone.localdate(now())


@contextmanager
def travel(to: dt.datetime | dt.date) -> Iterator[None]:
    """Pretend it is `to` (a date means noon, local time) inside the block."""
    global _frozen
    if not isinstance(to, dt.datetime):
        to = timezone.make_aware(dt.datetime.combine(to, dt.time(12)))
    previous, _frozen = _frozen, to
    try:
        yield
    finally:
        _frozen = previous
