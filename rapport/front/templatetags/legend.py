"""`{% status_legend "client" %}` / `{% status_legend "payment" %}`: what the colours mean.

It lives in `front` because it reads two domain apps' choices. One shared partial
(`core/_status_legend.html`) for every page with coloured status
badges, built from the models' own choices so a new status cannot be forgotten.
"""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from rapport.billing.models import Invoice
from rapport.clients.models import Client

register = template.Library()

CLIENT_MEANINGS = {
    "prospect": _("asked about working together; not decided yet"),
    "active": _("you are working together; counts in health"),
    "paused": _("work is on hold for now"),
    "offboarding": _("the work is ending; the offboarding checklist runs"),
    "former": _("you no longer work together"),
    "declined": _("you decided not to take them on"),
}
PAYMENT_MEANINGS = {
    "draft": _("not issued yet; can still be changed"),
    "open": _("issued; waiting for payment, not yet due"),
    "partially_paid": _("part of the amount has arrived"),
    "paid": _("paid in full"),
    "overdue": _("past the due date and not paid in full"),
    "cancelled": _("cancelled by a cancellation invoice; nothing to pay"),
}


@register.inclusion_tag("core/_status_legend.html")
def status_legend(kind: str) -> dict[str, object]:
    if kind == "payment":
        choices, prefix, meanings = Invoice.PaymentStatus.choices, "pay", PAYMENT_MEANINGS
        title = _("Payment status colours")
    else:
        choices, prefix, meanings = Client.Status.choices, "status", CLIENT_MEANINGS
        title = _("Client status colours")
    return {"kind": kind, "title": title,
            "entries": [(f"{prefix}-{value}", label, meanings.get(value, ""))
                        for value, label in choices]}
