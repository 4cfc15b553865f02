"""Imported transactions become payments: booked on their own, confirmed, assigned by hand,
undone — and every step shows on the invoice."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from rapport.banking import booking
from rapport.banking.matching import match_new
from rapport.banking.models import BankTransaction, KnownPayer, MatchSettings, TransactionMatch
from rapport.billing.models import Invoice
from rapport.core.models import Workspace
from tests.banking.factories import BRANDT_IBAN, bank_line, issued
from tests.billing.factories import billable_client, make_billable

pytestmark = pytest.mark.django_db


@pytest.fixture
def brandt(workspace):
    make_billable(workspace)
    return billable_client(workspace, "Möbelmanufaktur Brandt KG")


@pytest.fixture
def two_open(brandt):
    return issued(brandt, "1000.00"), issued(brandt, "500.00")  # 1,190.00 and 595.00 gross


def _fresh(invoice):
    return Invoice.objects.get(pk=invoice.pk)


def _status(row):
    row.refresh_from_db()
    return row.status


def test_a_transfer_naming_the_invoice_with_its_amount_is_booked_as_a_payment(
        workspace, two_open):
    first, _second = two_open
    row = bank_line(workspace, "1190.00", f"Rechnung {first.number} Danke",
                    name="MOEBELMANUFAKTUR BRANDT", iban=BRANDT_IBAN)
    assert match_new(workspace.pk, [row.pk]) == {"booked": 1, "suggested": 0, "unmatched": 0}
    assert _status(row) == "matched"
    [match] = row.matches.all()
    assert match.state == "booked" and match.automatic and match.invoice_id == first.pk
    assert [r["code"] for r in match.reasons] == ["invoice_number", "exact_amount", "payer_name"]
    invoice = _fresh(first)
    assert invoice.payment_status() == "paid"
    assert invoice.paid_on() == dt.date(2026, 3, 20)  # the booking date, not today
    assert match.payment.note == "Bank: MOEBELMANUFAKTUR BRANDT"
    # the account is remembered for this client
    assert KnownPayer.objects.filter(client=first.client, iban=BRANDT_IBAN).exists()


def test_matching_again_changes_nothing(workspace, two_open):
    first, _second = two_open
    row = bank_line(workspace, "1190.00", first.number)
    match_new(workspace.pk, [row.pk])
    assert match_new(workspace.pk, [row.pk]) == {"booked": 0, "suggested": 0, "unmatched": 0}
    assert _fresh(first).payments.count() == 1


def test_two_transfers_for_one_invoice_in_one_import_are_not_both_booked_in_full(
        workspace, two_open):
    first, _second = two_open
    rows = [bank_line(workspace, "1190.00", first.number, on=dt.date(2026, 3, d))
            for d in (20, 21)]
    counts = match_new(workspace.pk, [r.pk for r in rows])
    assert counts["booked"] == 1 and _fresh(first).paid_total() == Decimal("1190.00")
    assert _status(rows[1]) == "unmatched"


def test_a_suggestion_is_booked_with_one_click_and_teaches_the_payer(workspace, owner, brandt,
                                                                     two_open):
    first, second = two_open
    row = bank_line(workspace, "1190.00", "RE 2O26 OOO1", iban=BRANDT_IBAN)  # a scanner's 0/O
    assert match_new(workspace.pk, [row.pk])["suggested"] == 1
    assert _status(row) == "suggested" and _fresh(first).payments.count() == 0
    booking.confirm(row, owner)
    assert _status(row) == "matched"
    [match] = row.matches.all()
    assert match.state == "booked" and not match.automatic and match.decided_by == owner
    assert _fresh(first).payment_status() == "paid"
    # next time the same account pays the other invoice's amount without any number
    later = bank_line(workspace, "595.00", "Danke", iban=BRANDT_IBAN)
    match_new(workspace.pk, [later.pk])
    [suggestion] = later.matches.all()
    assert suggestion.invoice_id == second.pk and suggestion.state == "suggested"
    assert suggestion.reasons[0]["code"] == "payer_iban"


def test_a_rejected_suggestion_leaves_the_transaction_unmatched(workspace, owner, two_open):
    row = bank_line(workspace, "595.00", "Überweisung")
    match_new(workspace.pk, [row.pk])
    assert _status(row) == "suggested"
    booking.reject(row, owner)
    assert _status(row) == "unmatched"
    assert list(row.matches.values_list("state", flat=True)) == ["rejected"]
    with pytest.raises(ValidationError):
        booking.confirm(row, owner)


def test_undoing_an_automatic_booking_removes_the_payment_and_suggests_it_again(
        workspace, owner, two_open):
    first, _second = two_open
    row = bank_line(workspace, "1190.00", first.number)
    match_new(workspace.pk, [row.pk])
    booking.undo(row, owner)
    assert _fresh(first).payments.count() == 0
    assert _fresh(first).payment_status() == "overdue"
    assert _status(row) == "suggested"
    assert sorted(row.matches.values_list("state", flat=True)) == ["suggested", "undone"]
    booking.confirm(row, owner)
    assert _fresh(first).payment_status() == "paid"


def test_one_transfer_assigned_by_hand_to_two_invoices(workspace, owner, two_open):
    first, second = two_open
    row = bank_line(workspace, "1000.00", "Abschlag Projekt", name="Brandt")
    match_new(workspace.pk, [row.pk])
    booking.assign(row, [(first, Decimal("800.00")), (second, Decimal("200.00"))], owner)
    assert _status(row) == "matched"
    assert _fresh(first).balance() == Decimal("390.00")
    assert _fresh(second).balance() == Decimal("395.00")
    assert _fresh(first).payment_status() == "overdue"  # partly paid and past due
    booking.undo(row, owner)
    assert _status(row) == "unmatched"
    assert _fresh(first).payments.count() == _fresh(second).payments.count() == 0


def test_a_hand_assignment_that_does_not_add_up_is_refused_and_books_nothing(
        workspace, owner, brandt, two_open):
    first, second = two_open
    row = bank_line(workspace, "1000.00", "Abschlag")
    with pytest.raises(ValidationError, match="add up to 900.00"):
        booking.assign(row, [(first, Decimal("800.00")), (second, Decimal("100.00"))], owner)
    dollars = issued(brandt, "100.00", currency="USD")
    with pytest.raises(ValidationError, match="is in USD"):
        booking.assign(row, [(dollars, Decimal("1000.00"))], owner)
    assert _status(row) == "unmatched" and TransactionMatch.objects.count() == 0
    assert _fresh(first).payments.count() == 0


def test_money_that_is_not_from_a_client_is_put_aside(workspace, owner, two_open):
    row = bank_line(workspace, "-850.00", "Miete Büro April", name="Hausverwaltung Meier")
    match_new(workspace.pk, [row.pk])
    assert _status(row) == "unmatched"
    booking.ignore(row, owner)
    assert _status(row) == "ignored"
    booking.unignore(row)
    assert _status(row) == "unmatched"


def test_a_fee_deducted_by_the_bank_settles_the_invoice(workspace, two_open):
    first, _second = two_open
    row = bank_line(workspace, "1175.00", first.number, fee="15.00")
    match_new(workspace.pk, [row.pk])
    [match] = row.matches.all()
    assert match.state == "booked" and match.amount == Decimal("1190.00")
    assert match.reasons[1] == {"code": "bank_fee",
                                "params": {"fee": "15.00", "currency": "EUR"}}
    assert _fresh(first).payment_status() == "paid"


def test_a_chargeback_reopens_the_invoice(workspace, two_open):
    first, _second = two_open
    paid = bank_line(workspace, "1190.00", first.number, iban=BRANDT_IBAN, e2e="E2E-4711")
    match_new(workspace.pk, [paid.pk])
    back = bank_line(workspace, "-1190.00", f"RUECKLASTSCHRIFT {first.number}",
                     iban=BRANDT_IBAN, e2e="E2E-4711", on=dt.date(2026, 3, 25))
    match_new(workspace.pk, [back.pk])
    [match] = back.matches.all()
    assert match.state == "booked" and match.amount == Decimal("-1190.00")
    assert match.reasons[-1]["code"] == "chargeback"
    invoice = _fresh(first)
    assert invoice.balance() == Decimal("1190.00") and invoice.payment_status() == "overdue"


def test_nothing_is_booked_on_its_own_when_the_threshold_says_never(workspace, two_open):
    first, _second = two_open
    MatchSettings.objects.create(workspace=workspace, auto_book_threshold="1.00")
    row = bank_line(workspace, "1190.00", first.number)
    assert match_new(workspace.pk, [row.pk])["suggested"] == 1
    assert _fresh(first).payments.count() == 0


def test_removing_the_payment_on_the_invoice_puts_the_transaction_back(
        workspace, owner, two_open, client):
    first, _second = two_open
    row = bank_line(workspace, "1190.00", first.number)
    match_new(workspace.pk, [row.pk])
    payment = row.matches.get().payment
    client.force_login(owner)
    client.post(reverse("billing:payment_delete", args=[first.pk, payment.pk]))
    assert _fresh(first).payments.count() == 0
    assert _status(row) == "unmatched"
    assert row.matches.get().state == "undone"


def test_another_workspaces_transactions_are_not_touched(workspace, outsider, two_open):
    first, _second = two_open
    row = bank_line(workspace, "1190.00", first.number)
    other = Workspace.objects.get(name="Elsewhere Ltd")
    assert match_new(other.pk, [row.pk]) == {"booked": 0, "suggested": 0, "unmatched": 0}
    assert BankTransaction.objects.get(pk=row.pk).status == "unmatched"
