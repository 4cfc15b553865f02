"""`{% load journal %}`: the journal's offers and the recover period on other apps' pages."""

from __future__ import annotations

from django import template

from rapport.clients.models import Client
from rapport.intake.models import Interview
from rapport.journal import offers, recover

register = template.Library()


@register.inclusion_tag("journal/_dashboard.html", takes_context=True)
def journal_summary(context: template.Context, limit: int = 5) -> dict:
    workspace = context["request"].workspace
    return {"offers": offers.offers(workspace)[:limit],
            "period": recover.current_period(workspace), "request": context["request"],
            "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("journal/_offer.html", takes_context=True)
def journal_offer(context: template.Context, client: Client) -> dict:
    """A link to reflect on this client, while an occasion is open, and "not now"."""
    return {"offer": offers.offer_for(client), "request": context["request"],
            "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("journal/_recover_confirm.html", takes_context=True)
def recover_confirm(context: template.Context, interview: Interview) -> dict:
    """Inside the accept form: the warning and the box to tick during the period."""
    return {"warning": recover.intake_warning(interview), "request": context["request"]}
