"""Invoicing follows the application clock (`rapport.core.clock`), so a test can move time
to a day and see what a user would see on that day: the invoice date, the due date, when
an invoice turns overdue and how many days late it is."""

import datetime as dt

import pytest

from rapport.billing import services
from rapport.billing.models import Invoice, InvoiceEvent
from rapport.core import clock
from tests.billing.factories import billable_client, make_billable

pytestmark = pytest.mark.django_db
ISSUED_ON = dt.date(2025, 11, 3)  # not today, so the real date cannot pass these tests


@pytest.fixture
def issued(workspace) -> Invoice:
    make_billable(workspace)
    invoice = services.new_draft(workspace, billable_client(workspace))
    services.add_line(invoice, "Website texts", "1", "1000", vat_rate="19")
    with clock.travel(ISSUED_ON):
        return services.issue(invoice)


def test_an_invoice_issued_without_a_date_takes_the_clocks_day(issued):
    assert issued.issue_date == ISSUED_ON
    assert issued.due_date == ISSUED_ON + dt.timedelta(days=issued.payment_term_days)
    assert issued.number.startswith("RE-2025-")
    event = issued.events.get(kind=InvoiceEvent.Kind.ISSUED)
    assert timezone_day(event.at, issued) == ISSUED_ON


def test_an_invoice_turns_overdue_the_day_after_its_due_date_by_the_clock(issued):
    with clock.travel(issued.due_date):
        assert issued.payment_status() == Invoice.PaymentStatus.OPEN
        assert issued.days_late() == 0
    with clock.travel(issued.due_date + dt.timedelta(days=10)):
        assert issued.payment_status() == Invoice.PaymentStatus.OVERDUE
        assert issued.days_late() == 10


def test_a_payment_recorded_without_a_date_is_dated_on_the_clocks_day(issued):
    paid_on = issued.due_date + dt.timedelta(days=3)
    with clock.travel(paid_on):
        payment = services.record_payment(issued, issued.amount_due)
    assert payment.paid_on == paid_on
    with clock.travel(paid_on + dt.timedelta(days=30)):
        assert issued.payment_status() == Invoice.PaymentStatus.PAID
        assert issued.days_late() == 3  # late until the day it was paid, not until "now"


def timezone_day(moment: dt.datetime, invoice: Invoice) -> dt.date:
    return moment.astimezone(invoice.workspace.tz).date()
