"""Payment status and what clients owe, computed by the database: the invoice list filters
and sums with these, so they must agree with `Invoice.payment_status()` on every kind of
invoice."""

import datetime as dt
from decimal import Decimal

import pytest

from rapport.billing import services
from rapport.billing.models import Invoice
from tests.billing.factories import billable_client, make_billable

pytestmark = pytest.mark.django_db
ISSUED = dt.date(2026, 3, 2)  # due 2026-03-16
BEFORE_DUE, AFTER_DUE = dt.date(2026, 3, 10), dt.date(2026, 4, 1)


@pytest.fixture
def kunde(workspace):
    make_billable(workspace)
    return billable_client(workspace)


def _issued(client, net, currency="EUR"):
    invoice = services.new_draft(client.workspace, client, currency=currency)
    services.add_line(invoice, "Texte", 1, net)
    return services.issue(invoice, ISSUED)


@pytest.fixture
def invoices(kunde):
    """One invoice of every payment status (gross = net × 1.19)."""
    draft = services.new_draft(kunde.workspace, kunde)
    services.add_line(draft, "Entwurf", 1, "50.00")
    open_ = _issued(kunde, "100.00")
    partly = _issued(kunde, "200.00")
    services.record_payment(partly, "38.00", ISSUED)
    paid = _issued(kunde, "840.33")  # 999.99 gross, paid in three equal parts
    for _ in range(3):
        services.record_payment(paid, "333.33", ISSUED)
    cancelled = _issued(kunde, "300.00")
    cancellation = services.cancel(cancelled, ISSUED)
    cancelled.refresh_from_db()
    dollars = _issued(kunde, "1000.00", currency="USD")
    return {"draft": draft, "open": open_, "partly": partly, "paid": paid,
            "cancelled": cancelled, "cancellation": cancellation, "dollars": dollars}


@pytest.mark.parametrize("today", [BEFORE_DUE, AFTER_DUE])
def test_the_database_status_agrees_with_the_invoice_own_rule(invoices, today):
    rows = Invoice.objects.with_payment_status(today)
    for invoice in rows:
        assert invoice.payment_state == invoice.payment_status(today), invoice


def test_the_status_filter_finds_exactly_the_invoices_with_that_status(invoices):
    overdue = set(Invoice.objects.with_status("overdue", AFTER_DUE))
    assert overdue == {invoices["open"], invoices["partly"], invoices["dollars"]}
    assert set(Invoice.objects.with_status("paid", AFTER_DUE)) == {invoices["paid"]}
    assert set(Invoice.objects.with_status("cancelled", AFTER_DUE)) == {
        invoices["cancelled"], invoices["cancellation"]}
    assert list(Invoice.objects.with_status("partially_paid", BEFORE_DUE)) == [
        invoices["partly"]]


def test_what_clients_owe_is_summed_per_status_and_currency(invoices):
    before = Invoice.objects.outstanding(BEFORE_DUE)
    assert [(r["status"], r["currency"], r["amount"]) for r in before] == [
        ("open", "EUR", Decimal("119.00")),
        ("open", "USD", Decimal("1190.00")),
        ("partially_paid", "EUR", Decimal("200.00")),
    ]
    after = Invoice.objects.outstanding(AFTER_DUE)
    assert [(r["status"], r["currency"], r["amount"]) for r in after] == [
        ("overdue", "EUR", Decimal("319.00")),
        ("overdue", "USD", Decimal("1190.00")),
    ]
    assert str(after[0]["label"]) == "Overdue"


def test_payable_invoices_are_the_issued_ones_that_ask_for_money(invoices):
    payable = set(Invoice.objects.payable())
    assert payable == {invoices[k] for k in ("open", "partly", "paid", "dollars")}
    assert all(invoice.is_payable for invoice in payable)
    assert not any(invoices[k].is_payable for k in ("draft", "cancelled", "cancellation"))
