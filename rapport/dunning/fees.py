"""Charging the reminder fees and default interest on a separate invoice.

Fees and default interest are damages, not a service: no VAT on them. The interest of the
latest sent reminder already covers the whole period, so only that one is charged.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.billing import services as billing
from rapport.billing.models import Invoice, InvoiceLine
from rapport.core.dates import document_date
from rapport.dunning.models import Reminder

NOTHING_CHARGED = gettext_lazy("No fees have been charged on this invoice.")


def charged_reminders(invoice: Invoice) -> list[Reminder]:
    """Sent reminders of the invoice that charged a fee or interest."""
    return [r for r in invoice.reminders.filter(state=Reminder.State.SENT)
            if r.charged_total > 0]


@transaction.atomic
def create_fee_invoice(invoice: Invoice) -> Invoice:
    """A draft invoice for the fees and interest charged on `invoice` so far, written in
    the client's language; raises ValidationError when nothing was charged."""
    charged = charged_reminders(invoice)
    if not charged:
        raise ValidationError(NOTHING_CHARGED, code="nothing_charged")
    draft = billing.new_draft(invoice.workspace, invoice.client, project=invoice.project,
                              currency=invoice.currency)
    with translation.override(draft.language):
        draft.intro_text = _("Late-payment charges for invoice %(number)s.") % {
            "number": invoice.number}
        draft.save()
        for reminder in charged:
            if reminder.fee_amount:
                billing.add_line(draft, f"{reminder.title}: " + _("fee"), 1,
                                 reminder.fee_amount, unit=InvoiceLine.Unit.FLAT,
                                 vat_rate="0.00")
        latest = max(charged, key=lambda r: r.due_on)
        if latest.interest_amount:
            billing.add_line(draft, _("Default interest until %(date)s") % {
                "date": document_date(latest.due_on, draft.language)}, 1,
                latest.interest_amount, unit=InvoiceLine.Unit.FLAT, vat_rate="0.00")
    return draft
