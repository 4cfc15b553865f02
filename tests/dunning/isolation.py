"""Objects of the reminders app for the tenant isolation test."""

import datetime as dt

from rapport.billing import services as billing
from rapport.clients.models import Client
from rapport.core import clock
from rapport.dunning import services


def objects_for(workspace, client: Client) -> dict[str, int]:
    invoice = billing.new_draft(workspace, client)
    billing.add_line(invoice, "Reminded work", 1, 100)
    invoice = billing.issue(invoice, dt.date(2026, 1, 5))
    with clock.travel(dt.date(2026, 3, 2)):  # a Monday: reminders go out on working days
        [reminder] = services.plan(workspace=workspace)
    return {"reminder_pk": reminder.pk}
