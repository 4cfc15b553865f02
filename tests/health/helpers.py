"""Signals made by hand, so health tests do not depend on the detectors."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from rapport.clients.models import Client, Note
from rapport.signals.models import Signal

_ids = itertools.count(1)


def signal(client: Client, kind: str, days_ago: int, *, strength: str = "1.0",
           hour: int = 10, weekday: int | None = None, **fields: object) -> Signal:
    """A signal `days_ago` days before today, at `hour` local time (moved back to the
    given weekday if one is named)."""
    tz = client.workspace.tz
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    if weekday is not None:
        day -= dt.timedelta(days=(day.weekday() - weekday) % 7)
    moment = dt.datetime.combine(day, dt.time(hour, 5), tzinfo=tz)
    defaults = {"explanation": f"{kind} observed", "source_type": "test",
                "source_id": next(_ids)}
    defaults.update(fields)
    return Signal.objects.create(workspace=client.workspace, client=client, kind=kind,
                                 occurred_at=moment, strength=Decimal(strength), **defaults)


def incident(client: Client, category: str, days_ago: int, severity: int = 2) -> Signal:
    note = Note.objects.create(
        workspace=client.workspace, client=client, kind=Note.Kind.INCIDENT,
        happened_on=timezone.localdate() - dt.timedelta(days=days_ago),
        text=f"Incident: {category}", incident_category=category, severity=severity)
    return signal(client, "incident", days_ago, source_type="note", source_id=note.pk)
