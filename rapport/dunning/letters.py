"""Printable reminder letters: a notice by post carries weight where an email does not."""

from __future__ import annotations

from decimal import Decimal

from rapport.core import clock
from rapport.core.documents import render_pdf
from rapport.dunning.interest import MissingBaseRate
from rapport.dunning.models import Reminder
from rapport.dunning.position import charges_interest, default_statement, open_position


def letter_context(reminder: Reminder) -> dict[str, object]:
    invoice = reminder.invoice
    try:
        statement = default_statement(invoice, reminder.due_on)
    except MissingBaseRate:
        statement = None
    earlier = [r for r in invoice.reminders.exclude(pk=reminder.pk).order_by("due_on")
               if r.state == Reminder.State.SENT and r.fee_amount > 0]
    fees_total = sum((r.fee_amount for r in earlier), reminder.fee_amount)
    position = open_position(invoice, reminder.due_on, Decimal("0.00"),
                             charges_interest(invoice, reminder.level))
    return {
        "reminder": reminder, "invoice": invoice, "seller": invoice.seller,
        "buyer": invoice.buyer, "earlier": earlier, "statement": statement,
        "explanation": reminder.fee_explanation, "fees_total": fees_total,
        "position": position, "total": position.total,
        "payments": invoice.payments.all(), "today": clock.today(),
    }


def render_letter(reminder: Reminder) -> bytes:
    return render_pdf("dunning/pdf/letter.html", lambda: letter_context(reminder),
                      reminder.invoice.language)
