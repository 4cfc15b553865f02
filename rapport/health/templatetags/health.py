"""`{% load health %}{% health_summary %}`: the health overview for the dashboard, with
the overview's own counts and "what changed" (`rapport.health.overview`), read from the
snapshots' columns like the overview's table."""

from __future__ import annotations

from django import template
from django.utils import timezone

from rapport.health.assessment import NONE
from rapport.health.overview import (
    ROW_COLUMNS,
    Values,
    assessed,
    status_counts,
    what_changed,
)

register = template.Library()


@register.inclusion_tag("health/_summary.html", takes_context=True)
def health_summary(context: template.Context, limit: int = 5) -> dict:
    workspace = context["request"].workspace
    today = timezone.localdate(timezone=workspace.tz)
    snapshots = assessed(workspace, today)
    worst = list(snapshots.exclude(status=NONE).values_list(*ROW_COLUMNS, "flagged")[:limit])
    values = Values.read(workspace, today) if worst else None
    changed, _more = what_changed(snapshots, limit)
    return {
        "attention": [values.row(*row) for row in worst] if values else [],
        "changed": changed,
        "counts": status_counts(snapshots),
    }
