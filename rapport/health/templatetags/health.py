"""`{% load health %}{% health_summary %}`: the health overview for the dashboard, with
the overview's own counts and "what changed" (`rapport.health.overview`)."""

from __future__ import annotations

from django import template

from rapport.health.assessment import NONE
from rapport.health.overview import (
    assessed,
    healths,
    status_counts,
    what_changed,
    with_clients,
)

register = template.Library()


@register.inclusion_tag("health/_summary.html", takes_context=True)
def health_summary(context: template.Context, limit: int = 5) -> dict:
    workspace = context["request"].workspace
    snapshots = assessed(workspace)
    worst = list(with_clients(snapshots.exclude(status=NONE))[:limit])
    changed, _more = what_changed(snapshots, limit)
    return {
        "attention": healths(workspace, worst) if worst else [],
        "changed": changed,
        "counts": status_counts(snapshots),
    }
