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


def _lateness(page: str) -> list[str]:
    import re

    block = page.split('data-testid="lateness">')[1].split("</article>")[0]
    return re.sub(r"<[^>]+>", " ", block).split()


def test_a_paid_invoice_says_it_was_paid_late_not_that_it_is_late(owner, owner_http, issued):
    Payment.objects.create(workspace=issued.workspace, invoice=issued, amount=issued.amount_due,
                           paid_on=issued.due_date + dt.timedelta(days=14))
    words = " ".join(_lateness(owner_http.get(f"/invoices/{issued.pk}/").content.decode()))
    assert words.startswith("Paid on") and words.endswith("paid 14 days late")
    assert "Days late" not in words
    owner.language = "de"
    owner.save()
    words = " ".join(_lateness(owner_http.get(f"/invoices/{issued.pk}/").content.decode()))
    assert words.startswith("Bezahlt am") and words.endswith("14 Tage zu spät bezahlt")


def test_an_invoice_paid_on_time_says_so_and_an_open_one_counts_its_days(owner_http, issued):
    from rapport.core import clock

    with clock.travel(issued.due_date + dt.timedelta(days=3)):
        words = _lateness(owner_http.get(f"/invoices/{issued.pk}/").content.decode())
    assert words == ["Days", "late", "3"]
    Payment.objects.create(workspace=issued.workspace, invoice=issued, amount=issued.amount_due,
                           paid_on=issued.due_date)
    words = " ".join(_lateness(owner_http.get(f"/invoices/{issued.pk}/").content.decode()))
    assert words.endswith("paid on time")
