"""Turn a match into payments on invoices, and back: book, confirm, reject, undo, assign by
hand, mark as not client-related.

Money received is recorded through the billing payment service (which refreshes signals,
health and promises after commit); a refund or chargeback is a negative payment on the
invoice it reverses. Undo removes the payment the same way the invoice page does.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rapport.banking.engine import Candidate
from rapport.banking.match_models import KnownPayer, TransactionMatch
from rapport.banking.models import BankTransaction
from rapport.banking.references import iban_key, name_key
from rapport.billing import services as billing
from rapport.billing.models import Invoice, InvoiceEvent, Payment
from rapport.core import clock
from rapport.core.money import quantize
from rapport.core.pipeline import follow_up

if TYPE_CHECKING:
    from rapport.accounts.models import User

Status = BankTransaction.Status
State = TransactionMatch.State
NUMBER_CODES = {"invoice_number", "invoice_number_fuzzy", "girocode_reference"}


def match_rows(row: BankTransaction, candidate: Candidate,
               state: str = State.SUGGESTED) -> list[TransactionMatch]:
    """Unsaved match rows for a candidate: one per invoice it pays."""
    return [TransactionMatch(workspace_id=row.workspace_id, transaction=row, invoice_id=pk,
                             amount=amount, confidence=Decimal(str(candidate.confidence)),
                             reasons=candidate.reasons, state=state)
            for pk, amount in candidate.allocations]


def _note(row: BankTransaction) -> str:
    return (_("Bank: %(name)s") % {"name": row.counterparty_name or row.counterparty_iban
                                   or row.booking_date})[:200]


def _record(match: TransactionMatch, row: BankTransaction) -> Payment:
    """A payment for this share: through the billing service, or negative for money that
    went back to the client (the service takes only money received)."""
    invoice = Invoice.objects.get(pk=match.invoice_id, workspace_id=row.workspace_id)
    if invoice.currency != row.currency:
        raise ValidationError(_("A transaction in %(tx)s cannot pay an invoice in %(inv)s.")
                              % {"tx": row.currency, "inv": invoice.currency})
    if match.amount > 0:
        return billing.record_payment(invoice, match.amount, row.booking_date, _note(row),
                                      recorded_at=clock.now())  # the app's one clock
    return _record_reversal(invoice, match.amount, row)


def _record_reversal(invoice: Invoice, amount: Decimal, row: BankTransaction) -> Payment:
    if not invoice.is_payable:
        raise ValidationError(_("Payments can only be recorded on issued invoices."))
    amount = quantize(amount, invoice.currency)
    payment = Payment.objects.create(workspace_id=invoice.workspace_id, invoice=invoice,
                                     amount=amount, paid_on=row.booking_date, note=_note(row))
    InvoiceEvent.objects.create(workspace_id=invoice.workspace_id, invoice=invoice,
                                kind=InvoiceEvent.Kind.PAYMENT,
                                detail=f"{amount} {invoice.currency} ({payment.paid_on})")
    follow_up(invoice.workspace_id, [invoice.client_id])
    return payment


def _locked(row: BankTransaction) -> BankTransaction:
    return BankTransaction.objects.select_for_update().get(pk=row.pk,
                                                           workspace_id=row.workspace_id)


def _learn(row: BankTransaction, matches: list[TransactionMatch]) -> None:
    """Remember the account and name that paid, when all shares went to one client."""
    clients = {m.invoice.client_id for m in matches if m.amount > 0}
    if len(clients) != 1 or not (row.counterparty_iban or row.counterparty_name):
        return
    KnownPayer.objects.get_or_create(workspace_id=row.workspace_id, client_id=clients.pop(),
                                     iban=iban_key(row.counterparty_iban or ""),
                                     name=name_key(row.counterparty_name or "")[:140])


def _book_rows(row: BankTransaction, matches: list[TransactionMatch], *, automatic: bool,
               user: User | None) -> None:
    now = clock.now()
    for match in matches:
        match.payment = _record(match, row)
        match.state, match.automatic = State.BOOKED, automatic
        match.decided_by, match.decided_at = user, now
        match.save()
    row.status = Status.MATCHED
    row.save(update_fields=["status"])
    named = any(r.get("code") in NUMBER_CODES for m in matches for r in m.reasons)
    if not automatic or named:
        _learn(row, matches)


@transaction.atomic
def book(row: BankTransaction, candidate: Candidate, *, automatic: bool,
         user: User | None = None) -> list[TransactionMatch]:
    """Book a candidate at once (the matching does this above the threshold)."""
    matches = match_rows(row, candidate, State.BOOKED)
    for match in matches:
        match.save()
    _book_rows(row, matches, automatic=automatic, user=user)
    return matches


@transaction.atomic
def confirm(row: BankTransaction, user: User | None) -> list[TransactionMatch]:
    """One click: book the suggestion as it stands."""
    row = _locked(row)
    matches = list(row.matches.select_related("invoice").filter(state=State.SUGGESTED))
    if row.status != Status.SUGGESTED or not matches:
        raise ValidationError(_("This transaction has no suggestion to confirm any more."))
    _book_rows(row, matches, automatic=False, user=user)
    return matches


@transaction.atomic
def reject(row: BankTransaction, user: User | None) -> None:
    """The suggestion is wrong: the transaction waits to be assigned by hand."""
    row = _locked(row)
    row.matches.filter(state=State.SUGGESTED).update(state=State.REJECTED, decided_by=user,
                                                     decided_at=clock.now())
    if row.status == Status.SUGGESTED:
        row.status = Status.UNMATCHED
        row.save(update_fields=["status"])


@transaction.atomic
def undo(row: BankTransaction, user: User | None) -> None:
    """Take a booking back: its payments are removed, an automatic booking becomes a
    suggestion again, a booking by hand goes back to the unmatched list."""
    row = _locked(row)
    booked = list(row.matches.select_related("payment__invoice").filter(state=State.BOOKED))
    if not booked:
        raise ValidationError(_("This transaction has no booking to undo."))
    now = clock.now()
    for match in booked:
        payment, match.payment = match.payment, None
        match.state, match.decided_by, match.decided_at = State.UNDONE, user, now
        match.save(update_fields=["state", "payment", "decided_by", "decided_at"])
        if payment is not None:
            billing.remove_payment(payment)
    if all(m.automatic for m in booked):
        TransactionMatch.objects.bulk_create(
            TransactionMatch(workspace_id=m.workspace_id, transaction=row, invoice_id=m.invoice_id,
                             amount=m.amount, confidence=m.confidence, reasons=m.reasons)
            for m in booked)
        row.status = Status.SUGGESTED
    else:
        row.status = Status.UNMATCHED
    row.save(update_fields=["status"])


@transaction.atomic
def assign(row: BankTransaction, shares: list[tuple[Invoice, Decimal]],
           user: User | None) -> list[TransactionMatch]:
    """Assign a transaction by hand to one or more invoices. The shares must add up to
    the transaction's amount, and every invoice must be in its currency."""
    row = _locked(row)
    if row.status not in (Status.UNMATCHED, Status.SUGGESTED, Status.IGNORED):
        raise ValidationError(_("This transaction is already booked; undo that first."))
    if not shares:
        raise ValidationError(_("Choose at least one invoice."))
    total = sum((amount for _inv, amount in shares), Decimal("0.00"))
    if total != row.amount:
        raise ValidationError(_("The amounts add up to %(total)s, but the transaction is "
                                "%(amount)s.") % {"total": total, "amount": row.amount})
    for invoice, amount in shares:
        if invoice.workspace_id != row.workspace_id:
            raise ValidationError(_("Choose an invoice of this workspace."))
        if invoice.currency != row.currency:
            raise ValidationError(_("Invoice %(number)s is in %(inv)s, the transaction in "
                                    "%(tx)s.") % {"number": invoice.number,
                                                  "inv": invoice.currency, "tx": row.currency})
        if amount == 0 or (amount > 0) != (row.amount > 0):
            raise ValidationError(_("Each share must have the sign of the transaction."))
    row.matches.filter(state=State.SUGGESTED).update(state=State.REJECTED, decided_by=user,
                                                     decided_at=clock.now())
    matches = [TransactionMatch.objects.create(
        workspace_id=row.workspace_id, transaction=row, invoice=invoice, amount=amount,
        confidence=Decimal("1.00"), reasons=[{"code": "assigned_by_hand", "params": {}}],
        state=State.BOOKED) for invoice, amount in shares]
    _book_rows(row, matches, automatic=False, user=user)
    return matches


@transaction.atomic
def ignore(row: BankTransaction, user: User | None) -> None:
    """Not client-related (rent, tax, groceries): off the list, nothing booked."""
    row = _locked(row)
    if row.status == Status.MATCHED:
        raise ValidationError(_("This transaction is booked; undo that first."))
    row.matches.filter(state=State.SUGGESTED).update(state=State.REJECTED, decided_by=user,
                                                     decided_at=clock.now())
    row.status = Status.IGNORED
    row.save(update_fields=["status"])


@transaction.atomic
def unignore(row: BankTransaction) -> None:
    """Put a transaction marked as not client-related back on the unmatched list."""
    row = _locked(row)
    if row.status == Status.IGNORED:
        row.status = Status.UNMATCHED
        row.save(update_fields=["status"])
