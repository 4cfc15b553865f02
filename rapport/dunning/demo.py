"""The demo's reminder history: the slow payer has been reminded, promised, and broken it."""

from __future__ import annotations

import datetime as dt

from rapport.billing.models import Invoice
from rapport.clients.models import Client
from rapport.core import clock
from rapport.core.models import Workspace
from rapport.dunning import services
from rapport.dunning.models import LateFeesSource, PaymentPromise, Reminder


def _send_quietly(reminder: Reminder, day: dt.date) -> None:
    """Demo history is recorded as sent without actually emailing anybody."""
    sent_at = clock.now().replace(year=day.year, month=day.month, day=day.day, hour=9)
    Reminder.objects.filter(pk=reminder.pk).update(state=Reminder.State.SENT, sent_at=sent_at)


def add_demo_data(workspace: Workspace, today: dt.date) -> None:
    slow = Client.objects.get(workspace=workspace, name="Möbelmanufaktur Brandt KG")
    terms = services.terms_for(slow)
    terms.late_fees_since = today - dt.timedelta(days=400)
    terms.late_fees_source = LateFeesSource.AGREED
    terms.save()
    for client in Client.objects.filter(workspace=workspace, kind=Client.Kind.PERSON):
        services.terms_for(client)  # consumers: + 5 points, no flat fee
    overdue = (Invoice.objects.filter(workspace=workspace, client=slow,
                                      state=Invoice.State.ISSUED)
               .order_by("-issue_date").first())
    if overdue is None or overdue.due_date is None:
        return
    for offset in (3, 14):
        day = overdue.due_date + dt.timedelta(days=offset)
        if day >= today:
            break
        with clock.travel(day):
            for reminder in services.plan(day, workspace=workspace):
                _send_quietly(reminder, day)
    promised_on = overdue.due_date + dt.timedelta(days=16)
    if promised_on < today:
        PaymentPromise.objects.create(
            workspace=workspace, invoice=overdue, promised_on=promised_on,
            pay_by=promised_on + dt.timedelta(days=7),
            note="„Buchhaltung ist im Urlaub, zahlen nächste Woche.“",
        )
        services.resolve_promises(today)
