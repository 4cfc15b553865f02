"""Date the demo's records as its story, not as the moment it was loaded.

The demo is built in one go, so every record's creation time would read "today, a second
ago". The audit entries are dated as they are made (the builder moves the app's clock to
each step of the story); this pass gives clients and payments the creation times
of the story too. Deterministic: every date comes from the story's own dates, which are
relative to the day the demo is built.
"""

from __future__ import annotations

import datetime as dt

from rapport.billing.models import Payment
from rapport.clients.models import Client, Note, StatusChange
from rapport.core.models import Workspace


def _moment(day: dt.date, workspace: Workspace, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=workspace.tz)


def date_the_records(workspace: Workspace, today: dt.date) -> None:
    """Clients from their first dated step, payments from when they came in (an issued
    invoice is immutable; its history is dated by the events written when it was issued)."""
    for client in Client.objects.filter(workspace=workspace):
        days = [*StatusChange.objects.filter(client=client).values_list("changed_on", flat=True),
                *Note.objects.filter(client=client).values_list("happened_on", flat=True)]
        Client.objects.filter(pk=client.pk).update(
            created_at=_moment(min(days, default=today), workspace, 9))
    for payment in Payment.objects.filter(workspace=workspace):
        Payment.objects.filter(pk=payment.pk).update(
            created_at=_moment(payment.paid_on, workspace, 12))
