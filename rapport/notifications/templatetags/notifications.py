"""`{% load notifications %}`: the "Needs your attention" list on the dashboard."""

from __future__ import annotations

from django import template

from rapport.notifications import services

register = template.Library()


@register.inclusion_tag("notifications/_attention.html", takes_context=True)
def attention(context: template.Context, limit: int = 8) -> dict:
    request = context["request"]
    rows = list(services.unread(request.workspace)[:limit])
    return {"items": [(n, services.headline(n)) for n in rows], "request": request,
            "csrf_token": context.get("csrf_token")}
