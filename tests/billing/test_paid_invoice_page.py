"""A paid invoice offers no more payment or promise forms; an open one does."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from rapport.billing import services
from rapport.billing.models import Payment
from tests.billing.factories import billable_client, make_billable

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(workspace):
    make_billable(workspace)
    invoice = services.new_draft(workspace, billable_client(workspace))
    services.add_line(invoice, "Text", 1, 100)
    return services.issue(invoice)


def test_an_open_invoice_offers_to_record_a_payment_and_a_promise(owner_http, issued):
    page = owner_http.get(f"/invoices/{issued.pk}/").content.decode()
    assert f"/invoices/{issued.pk}/payments/new/" in page
    assert "Record promise" in page
    assert 'data-testid="paid-in-full"' not in page


def test_a_paid_invoice_hides_the_payment_and_promise_forms(owner_http, issued):
    Payment.objects.create(workspace=issued.workspace, invoice=issued,
                           amount=issued.amount_due, paid_on=dt.date(2026, 11, 20))
    page = owner_http.get(f"/invoices/{issued.pk}/").content.decode()
    assert "Paid in full: nothing left to record." in page
    assert f"/invoices/{issued.pk}/payments/new/" not in page
    assert "Record promise" not in page
    assert "Yes, remove this payment" in page  # a mistaken payment can still be removed


def test_a_partly_paid_invoice_still_takes_payments(owner_http, issued):
    Payment.objects.create(workspace=issued.workspace, invoice=issued,
                           amount=Decimal("10.00"), paid_on=dt.date(2026, 11, 20))
    page = owner_http.get(f"/invoices/{issued.pk}/").content.decode()
    assert f"/invoices/{issued.pk}/payments/new/" in page
