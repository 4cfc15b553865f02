"""Line positions: unique and ordered within an invoice, printed and sent as line IDs.

A new line takes the next free position; removing a draft line closes the gap. Issued
invoices are never renumbered (GoBD), but their documents still get unique line IDs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Max

from rapport.billing.models import Invoice, InvoiceLine


def next_position(invoice: Invoice) -> int:
    """The position a line added now gets: one after the highest so far."""
    highest = invoice.lines.aggregate(highest=Max("position"))["highest"]
    return (highest or 0) + 1


@transaction.atomic
def save_draft_lines(invoice: Invoice, changed: Iterable[InvoiceLine],
                     removed: Iterable[InvoiceLine] = ()) -> None:
    """Store edited, new and removed lines of a draft; new ones go to the end, in order."""
    Invoice.objects.select_for_update().filter(pk=invoice.pk).first()
    for line in removed:
        line.delete()
    for line in changed:
        if line.pk is None:
            line.position = next_position(invoice)
        line.save()
    renumber(invoice)


def renumber(invoice: Invoice) -> None:
    """Close gaps and repair duplicates in a draft: 1, 2, 3 … in the current order."""
    if not invoice.is_draft:
        return
    for number, line in enumerate(invoice.lines.order_by("position", "pk"), start=1):
        if line.position != number:
            InvoiceLine.objects.filter(pk=line.pk).update(position=number)


def line_ids(lines: Sequence[InvoiceLine]) -> list[str]:
    """What the PDF prints and the e-invoice sends as LineID (BT-126), one per line.

    The stored positions when they are unique; otherwise (invoices issued before
    positions were assigned properly) 1, 2, 3 … in print order, so that the IDs never
    repeat.
    """
    positions = [line.position for line in lines]
    if len(set(positions)) == len(positions):
        return [str(position) for position in positions]
    return [str(number) for number in range(1, len(lines) + 1)]
