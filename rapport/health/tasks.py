"""Background tasks of the health app (django-tasks; run by `rapport worker`)."""

from __future__ import annotations

import logging

from django.db import transaction
from django_tasks import task

from rapport.core.models import Workspace
from rapport.health.snapshots import refresh

logger = logging.getLogger(__name__)


@task()
def refresh_health() -> int:
    """Reassess the clients whose signals changed (and everyone after midnight), so the
    dashboard finds its snapshots ready."""
    count = 0
    for workspace in Workspace.objects.all():
        try:
            with transaction.atomic():
                refresh(workspace)
        except Exception:  # one workspace's failure must not leave the others stale
            logger.exception("Refreshing the health of workspace %s failed", workspace.pk)
            continue
        count += 1
    return count
