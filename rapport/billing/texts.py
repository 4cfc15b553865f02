"""The fixed wording invoices carry, in the invoice's language."""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _

from rapport.billing.models import Invoice, InvoiceLine, TaxTreatment


def tax_note(invoice: Invoice) -> str:
    """The legally required reason why no VAT is charged, or an empty string."""
    with translation.override(invoice.language):
        return {
            TaxTreatment.SMALL_BUSINESS: _(
                "In accordance with § 19 UStG, no VAT is charged (small business)."
            ),
            TaxTreatment.REVERSE_CHARGE: _(
                "Reverse charge: the recipient of the service is liable for VAT "
                "(Art. 196 Council Directive 2006/112/EC, § 13b UStG)."
            ),
            TaxTreatment.EXPORT: _(
                "Service not taxable in Germany (place of supply abroad, § 3a UStG)."
            ),
        }.get(invoice.tax_treatment, "")


def advance_payment_note(invoice: Invoice) -> str:
    """§ 14 UStG on a deposit invoice: the service is still to come, so no date of service.

    States the agreed (expected) period or date when there is one; empty for other kinds.
    """
    if invoice.kind != Invoice.Kind.DEPOSIT:
        return ""

    start, end = invoice.service_start, invoice.service_end
    with translation.override(invoice.language):
        day = lambda value: date_format(value, "DATE_FORMAT")  # noqa: E731
        if start and end and start != end:
            return _("Advance payment for a service not yet rendered; expected service "
                     "period: %(start)s – %(end)s.") % {"start": day(start), "end": day(end)}
        if start or end:
            return _("Advance payment for a service not yet rendered; expected date of "
                     "service: %(date)s.") % {"date": day(start or end)}
        return _("Advance payment for a service not yet rendered.")


def title(invoice: Invoice) -> str:
    with translation.override(invoice.language):
        return str(Invoice.Kind(invoice.kind).label)


def consumer_default_note(invoice: Invoice) -> str:
    """§ 286 (3) BGB: a consumer is in default after 30 days only if the invoice says so."""
    if invoice.buyer.get("is_business", True) or invoice.kind == Invoice.Kind.CANCELLATION:
        return ""
    with translation.override(invoice.language):
        return _(
            "If payment has not been made, you will be in default no later than 30 days "
            "after the due date and receipt of this invoice (§ 286 (3) BGB)."
        )


def unit_label(unit: str, quantity: Decimal) -> str:
    """'hour'/'hours' etc. for the active language; one is singular, anything else plural."""
    singular = abs(Decimal(quantity)) == 1
    n = 1 if singular else 2
    labels = {
        InvoiceLine.Unit.HOUR: ngettext("hour", "hours", n),
        InvoiceLine.Unit.DAY: ngettext("day", "days", n),
        InvoiceLine.Unit.MONTH: ngettext("month", "months", n),
        InvoiceLine.Unit.PIECE: ngettext("piece", "pieces", n),
        InvoiceLine.Unit.FLAT: gettext("flat rate"),
    }
    return str(labels.get(unit, unit))
