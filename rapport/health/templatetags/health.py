"""`{% load health %}{% health_summary %}`: the health overview for the dashboard."""

from __future__ import annotations

from django import template

from rapport.health.snapshots import portfolio

register = template.Library()


@register.inclusion_tag("health/_summary.html", takes_context=True)
def health_summary(context: template.Context, limit: int = 5) -> dict:
    request = context["request"]
    clients = portfolio(request.workspace)
    return {
        "attention": [h for h in clients if h.status != "none"][:limit],
        "changed": [h for h in clients if h.changes or h.new_this_week][:limit],
        "counts": {status: sum(1 for h in clients if h.status == status)
                   for status in ("present", "watch", "none")},
    }
