"""Helpers for the journal tests: a client who became a former client, paid income."""

from __future__ import annotations

import datetime as dt

import pytest

from rapport.billing import services as billing
from rapport.billing.models import Invoice
from rapport.clients.models import Client
from rapport.core.models import Workspace
from tests.billing.factories import billable_client, make_billable


def paid(client: Client, amount: str, on: dt.date, currency: str = "EUR",
         pay: str | None = None) -> Invoice:
    """An issued invoice of `amount` net plus 19 % VAT, paid on `on`: in full, or `pay`."""
    invoice = billing.new_draft(client.workspace, client)
    if currency != invoice.currency:
        invoice.currency = currency
        invoice.save(update_fields=["currency"])
    billing.add_line(invoice, "Work", 1, amount)
    invoice = billing.issue(invoice, today=on)
    invoice.refresh_from_db()
    billing.record_payment(invoice, pay or invoice.gross_total, paid_on=on)
    return invoice


def end_with(client: Client, on: dt.date) -> None:
    """Active, then offboarding, then former on `on`."""
    client.change_status(Client.Status.ACTIVE, on=on - dt.timedelta(days=200))
    client.change_status(Client.Status.OFFBOARDING, on=on - dt.timedelta(days=10))
    client.change_status(Client.Status.FORMER, reason="Ended.", on=on)


@pytest.fixture
def billable(workspace: Workspace) -> Workspace:
    return make_billable(workspace)


@pytest.fixture
def former(billable: Workspace) -> Client:
    return billable_client(billable, "Sturmfront GmbH")
