"""An overdue invoice of a business client, ready for reminders."""

import datetime as dt

import pytest

from rapport.billing import services as billing
from rapport.clients.models import Contact
from rapport.clients.services import set_contact_emails
from rapport.dunning.interest import BaseRate
from rapport.dunning.models import BaseRateEntry
from tests.billing.factories import billable_client, make_billable
from tests.billing.smtp import smtp_server  # noqa: F401

ISSUED = dt.date(2026, 3, 2)  # due 2026-03-16 with 14 days


@pytest.fixture
def overdue(workspace):
    make_billable(workspace)
    client = billable_client(workspace, "Möbelmanufaktur Brandt KG")
    contact = Contact.objects.create(workspace=workspace, client=client, name="Herr Brandt")
    set_contact_emails(contact, ["buchhaltung@brandt.example"])
    invoice = billing.new_draft(workspace, client)
    billing.add_line(invoice, "Produkttexte", 1, "1000.00")
    return billing.issue(invoice, ISSUED)


@pytest.fixture
def known_rates(workspace):
    """The base rate from 2026-07-01 as if the user had entered it."""
    BaseRateEntry.objects.create(workspace=workspace, valid_from=dt.date(2026, 7, 1),
                                 rate="1.27")
    return BaseRate(dt.date(2026, 7, 1), "1.27")
