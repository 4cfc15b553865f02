"""`{% load billing %}`: invoice wording on the web pages, the same as in the PDF."""

from __future__ import annotations

from django import template

from rapport.billing.models import Invoice, InvoiceLine
from rapport.billing.positions import line_ids
from rapport.billing.texts import consumer_default_note, unit_label
from rapport.billing.texts import tax_note as tax_note_text

register = template.Library()


@register.filter
def unit(line: InvoiceLine) -> str:
    """"1 piece", "2 pieces": the unit in singular or plural, as on the PDF."""
    return unit_label(line.unit, line.quantity)


@register.filter
def consumer_note(invoice: Invoice) -> str:
    """The § 286 (3) BGB notice for consumers (empty for businesses and drafts)."""
    return consumer_default_note(invoice) if invoice.buyer else ""


@register.filter
def tax_note(invoice: Invoice) -> str:
    """Why no VAT is charged (§ 19, reverse charge, export), in the invoice's language."""
    return tax_note_text(invoice)


@register.filter
def numbered(lines: list[tuple[InvoiceLine, object]]) -> list[tuple[str, InvoiceLine, object]]:
    """(position, line, net) for the preview: the same numbers as the PDF and e-invoice."""
    return [(number, line, net)
            for number, (line, net) in zip(line_ids([line for line, _net in lines]), lines,
                                           strict=True)]
