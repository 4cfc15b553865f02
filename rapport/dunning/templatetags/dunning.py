"""Reminder sections that the invoice and client pages include."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from rapport.core import clock
from rapport.dunning import services
from rapport.dunning.forms import PromiseForm
from rapport.dunning.models import Reminder

register = template.Library()


@register.inclusion_tag("dunning/_invoice_reminders.html")
def invoice_reminders(invoice: object) -> dict[str, object]:
    today = clock.today()
    step = services.next_step(invoice, today)
    return {
        "missing_base_rate": services.missing_base_rate(
            invoice, step.on if step else today, step.level if step else None),
        "step": step,
        "today": today,
        "step_title": step.level.title((get_language() or "en")[:2]) if step else "",
        "invoice": invoice,
        "reminders": invoice.reminders.select_related("level"),
        "promises": invoice.promises.all(),
        "blocked": services.blocking_reason(invoice, today),
        "promise_form": PromiseForm(),
        "has_charges": any(r.charged_total > 0 for r in
                           invoice.reminders.filter(state=Reminder.State.SENT)),
    }


@register.inclusion_tag("dunning/_client_reminders.html")
def client_reminders(client: object) -> dict[str, object]:
    return {
        "client": client,
        "terms": services.terms_for(client),
        "reminders": Reminder.objects.filter(invoice__client=client)
        .exclude(state=Reminder.State.SKIPPED).select_related("invoice", "level")
        .order_by("-due_on"),
        "promises": services.PaymentPromise.objects.filter(invoice__client=client)
        .select_related("invoice"),
    }
