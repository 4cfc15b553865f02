"""Each invoice stores the sum of its payments, and lists and the dashboard decide the
payment status from it: whatever records, changes, moves or removes a payment (by hand,
by bank matching, in bulk) leaves the stored sum and status equal to what the payments
themselves say."""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from rapport.banking import booking
from rapport.banking.matching import match_new
from rapport.billing import services
from rapport.billing.models import Invoice, Payment
from tests.banking.factories import bank_line, issued
from tests.billing.factories import billable_client, make_billable

pytestmark = pytest.mark.django_db
ISSUED = dt.date(2026, 3, 2)  # due 14 days later
BEFORE_DUE = dt.date(2026, 3, 10)
AFTER_DUE = dt.date(2026, 4, 20)


@pytest.fixture
def kunde(workspace):
    make_billable(workspace)
    return billable_client(workspace)


def _stored(invoice: Invoice, today: dt.date = BEFORE_DUE) -> tuple[Decimal, str]:
    """What the database says: the stored sum and the status decided from it."""
    row = Invoice.objects.with_payment_status(today).get(pk=invoice.pk)
    return row.amount_paid, row.payment_state


def _counted(invoice: Invoice, today: dt.date = BEFORE_DUE) -> tuple[Decimal, str]:
    """What the payments say, counted one by one."""
    fresh = Invoice.objects.get(pk=invoice.pk)
    return fresh.paid_total(), fresh.payment_status(today)


def _agree(invoice: Invoice, paid: str, status: str, today: dt.date = BEFORE_DUE) -> None:
    assert _stored(invoice, today) == _counted(invoice, today) == (Decimal(paid), status)


def test_payments_partial_full_and_over_follow_the_payments(kunde):
    invoice = issued(kunde, "100.00")  # 119.00 gross
    _agree(invoice, "0.00", "open")
    services.record_payment(invoice, "19.00", BEFORE_DUE)
    _agree(invoice, "19.00", "partially_paid")
    _agree(invoice, "19.00", "overdue", AFTER_DUE)
    assert invoice.amount_paid == Decimal("19.00")  # the caller's object shows it too
    services.record_payment(invoice, "100.00", BEFORE_DUE)
    _agree(invoice, "119.00", "paid", AFTER_DUE)
    services.record_payment(invoice, "5.00", BEFORE_DUE)
    _agree(invoice, "124.00", "paid")
    assert not Invoice.objects.filter(pk=invoice.pk).unpaid(AFTER_DUE).exists()


def test_removing_a_payment_reopens_the_invoice(kunde):
    invoice = issued(kunde, "100.00")
    payment = services.record_payment(invoice, "119.00", BEFORE_DUE)
    _agree(invoice, "119.00", "paid", AFTER_DUE)
    services.remove_payment(payment)
    _agree(invoice, "0.00", "overdue", AFTER_DUE)
    assert list(Invoice.objects.filter(pk=invoice.pk).overdue(AFTER_DUE)) == [invoice]


def test_a_changed_or_moved_payment_updates_both_invoices(kunde):
    first, second = issued(kunde, "100.00"), issued(kunde, "200.00")
    payment = services.record_payment(first, "119.00", BEFORE_DUE)
    payment.amount = Decimal("50.00")
    payment.save()
    _agree(first, "50.00", "partially_paid")
    payment.invoice = second
    payment.save()
    _agree(first, "0.00", "open")
    _agree(second, "50.00", "partially_paid")


def test_bulk_writes_keep_the_stored_sums(kunde):
    first, second = issued(kunde, "100.00"), issued(kunde, "100.00")
    Payment.objects.bulk_create([
        Payment(workspace=kunde.workspace, invoice=first, amount=Decimal("119.00")),
        Payment(workspace=kunde.workspace, invoice=second, amount=Decimal("60.00")),
        Payment(workspace=kunde.workspace, invoice=second, amount=Decimal("59.00")),
    ])
    _agree(first, "119.00", "paid")
    _agree(second, "119.00", "paid")
    Payment.objects.filter(invoice=second, amount=Decimal("59.00")).update(
        amount=Decimal("9.00"))
    _agree(second, "69.00", "partially_paid")
    Payment.objects.filter(invoice=first).delete()
    _agree(first, "0.00", "overdue", AFTER_DUE)


def test_a_cancelled_invoice_and_its_cancellation_invoice_ask_for_nothing(kunde):
    invoice = issued(kunde, "100.00")
    services.record_payment(invoice, "19.00", BEFORE_DUE)
    storno = services.cancel(invoice, BEFORE_DUE)
    _agree(invoice, "19.00", "cancelled", AFTER_DUE)
    _agree(storno, "0.00", "cancelled", AFTER_DUE)
    assert not Invoice.objects.filter(pk__in=[invoice.pk, storno.pk]).unpaid(AFTER_DUE)


def test_a_bank_booking_and_its_undo_follow_the_payment(workspace, kunde):
    invoice = issued(kunde, "1000.00")  # 1,190.00 gross
    row = bank_line(workspace, "1190.00", f"Rechnung {invoice.number}")
    assert match_new(workspace.pk, [row.pk])["booked"] == 1
    _agree(invoice, "1190.00", "paid", AFTER_DUE)
    booking.undo(row, None)
    _agree(invoice, "0.00", "overdue", AFTER_DUE)


def test_money_sent_back_by_the_bank_lowers_the_sum(workspace, kunde):
    invoice = issued(kunde, "100.00")
    services.record_payment(invoice, "119.00", BEFORE_DUE)
    refund = bank_line(workspace, "-19.00", f"Erstattung {invoice.number}")
    booking.assign(refund, [(invoice, Decimal("-19.00"))], None)
    _agree(invoice, "100.00", "overdue", AFTER_DUE)


def test_the_migration_fills_the_sum_of_existing_payments(kunde):
    paid, part, untouched = (issued(kunde, "100.00") for _ in range(3))
    services.record_payment(paid, "119.00", BEFORE_DUE)
    services.record_payment(part, "0.10", BEFORE_DUE)
    services.record_payment(part, "0.20", BEFORE_DUE)  # 0.1 + 0.2 is 0.3 here, exactly
    Invoice.objects.update(amount_paid=Decimal(0))  # as before the column existed
    migration = importlib.import_module(
        "rapport.billing.migrations.0005_invoice_stored_payment_state")
    migration.fill_amount_paid(apps, None)
    _agree(paid, "119.00", "paid")
    _agree(part, "0.30", "partially_paid")
    _agree(untouched, "0.00", "open")
