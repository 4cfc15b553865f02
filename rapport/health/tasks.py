"""Background tasks of the health app (django-tasks; run by `rapport db_worker`)."""

from __future__ import annotations

from django_tasks import task

from rapport.core.models import Workspace
from rapport.health.snapshots import refresh


@task()
def refresh_health() -> int:
    """Reassess the clients whose signals changed (and everyone after midnight), so the
    dashboard finds its snapshots ready."""
    count = 0
    for workspace in Workspace.objects.all():
        refresh(workspace)
        count += 1
    return count
