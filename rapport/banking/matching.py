"""Match newly imported bank transactions to open invoices (called after every import).

The workspace's open invoices, known payers and client names are read in a few queries
into a `Matcher` (rapport.banking.engine); the transactions are then read in chunks and
decided in memory, so memory grows with the open invoices, not with the statement, and
no query runs per transaction except for the bookings themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce

from rapport.banking import booking
from rapport.banking.engine import BookedPayment, Decision, Matcher, OpenInvoice
from rapport.banking.match_models import (
    DEFAULT_THRESHOLD,
    KnownPayer,
    MatchSettings,
    TransactionMatch,
)
from rapport.banking.models import BankTransaction
from rapport.billing.models import ZERO, Invoice
from rapport.clients.models import Client

CHUNK = 1000
logger = logging.getLogger(__name__)


def threshold_for(workspace_id: int) -> Decimal:
    row = MatchSettings.objects.filter(workspace_id=workspace_id).first()
    return row.auto_book_threshold if row else DEFAULT_THRESHOLD


def open_invoices(workspace_id: int) -> Iterator[OpenInvoice]:
    """Issued invoices with money still open, in one query."""
    rows = (Invoice.objects.filter(workspace_id=workspace_id, state=Invoice.State.ISSUED)
            .exclude(kind=Invoice.Kind.CANCELLATION)
            .annotate(paid=Coalesce(Sum("payments__amount"),
                                    Value(ZERO, output_field=DecimalField())))
            .values_list("pk", "number", "client_id", "currency", "gross_total",
                         "deducted_total", "paid", "due_date"))
    for pk, number, client_id, currency, gross, deducted, paid, due in rows.iterator(2000):
        open_amount = Decimal(gross) - Decimal(deducted) - Decimal(paid)
        if open_amount > 0:
            yield OpenInvoice(pk, number, client_id, currency, open_amount, due)


def booked_payments(workspace_id: int) -> Iterator[BookedPayment]:
    """Money received through earlier matches: what a refund or chargeback may reverse."""
    rows = (TransactionMatch.objects
            .filter(workspace_id=workspace_id, state=TransactionMatch.State.BOOKED, amount__gt=0)
            .values_list("invoice_id", "invoice__number", "invoice__client_id",
                         "invoice__currency", "amount", "transaction__counterparty_iban",
                         "transaction__end_to_end_id"))
    for row in rows.iterator(2000):
        yield BookedPayment(*row)


def load_matcher(workspace_id: int, with_reversals: bool = True) -> Matcher:
    payers = KnownPayer.objects.filter(workspace_id=workspace_id).values_list(
        "client_id", "iban", "name")
    clients = Client.objects.filter(workspace_id=workspace_id).values_list("pk", "name")
    return Matcher(open_invoices(workspace_id), payers=payers.iterator(),
                   clients=clients.iterator(),
                   booked=booked_payments(workspace_id) if with_reversals else ())


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _claim(pk: int) -> bool:
    """Take an unmatched transaction for booking; exactly one concurrent caller gets True."""
    return bool(BankTransaction.objects.filter(pk=pk, status=BankTransaction.Status.UNMATCHED)
                .update(status=BankTransaction.Status.MATCHED))


def match_new(workspace_id: int, transaction_ids: Iterable[int]) -> dict[str, int]:
    """Book, suggest or leave unmatched each of these transactions that is still unmatched;
    returns how many went which way. Safe to call again: decided ones are left alone."""
    ids = sorted(set(transaction_ids))
    counts = {"booked": 0, "suggested": 0, "unmatched": 0}
    if not ids:
        return counts
    threshold = threshold_for(workspace_id)
    matcher = load_matcher(workspace_id)
    for chunk in _chunks(ids):
        rows = (BankTransaction.objects
                .filter(workspace_id=workspace_id, pk__in=chunk,
                        status=BankTransaction.Status.UNMATCHED)
                .order_by("booking_date", "pk"))
        suggestions: list[TransactionMatch] = []
        suggested: list[int] = []
        for row in rows:
            decision = matcher.decide(row, threshold)
            if decision.action == Decision.BOOK:
                try:
                    with transaction.atomic():
                        if not _claim(row.pk):
                            continue  # another worker decided it meanwhile
                        booking.book(row, decision.candidate, automatic=True)
                except ValidationError as exc:  # e.g. the invoice was cancelled meanwhile
                    logger.warning("Bank transaction %s not booked: %s", row.pk, exc)
                    suggestions += booking.match_rows(row, decision.candidate)
                    suggested.append(row.pk)
                    counts["suggested"] += 1
                    continue
                matcher.consume(decision.candidate)
                counts["booked"] += 1
            elif decision.action == Decision.SUGGEST:
                suggestions += booking.match_rows(row, decision.candidate)
                suggested.append(row.pk)
                counts["suggested"] += 1
            else:
                counts["unmatched"] += 1
        with transaction.atomic():
            still_open = set(BankTransaction.objects.select_for_update()
                             .filter(pk__in=suggested, status=BankTransaction.Status.UNMATCHED)
                             .values_list("pk", flat=True))
            TransactionMatch.objects.bulk_create(
                match for match in suggestions if match.transaction_id in still_open)
            BankTransaction.objects.filter(pk__in=still_open).update(
                status=BankTransaction.Status.SUGGESTED)
    return counts
