"""Noticing that a client's overall health changed (none → watch → present and back).

The health app stores its assessments as snapshots in bulk, without model signals; after
each health task the worker compares the stored snapshots with the status last announced
per client and emits `client.health_changed` for each difference. The first sight of a
client only records its status: there is no change to announce yet.
"""

from __future__ import annotations

import logging

from django.db import transaction

from rapport.core import clock
from rapport.health.assessment import NONE, STATUS_ORDER
from rapport.health.models import HealthSnapshot
from rapport.webhooks import events, services
from rapport.webhooks.models import ClientHealthState, Endpoint, Event

logger = logging.getLogger(__name__)


def overall(signs: list) -> str:
    statuses = [row[1] for row in signs or [] if isinstance(row, list) and len(row) > 1]
    return max(statuses, key=lambda s: STATUS_ORDER.get(s, 0), default=NONE)


def subscribed_workspaces() -> set[int]:
    return {e.workspace_id for e in Endpoint.objects.filter(active=True)
            if Event.CLIENT_HEALTH_CHANGED in (e.events or [])}


@transaction.atomic
def check_changes(workspace_id: int) -> int:
    """Compare the workspace's snapshots with the last announced statuses; emit one event
    per change. Returns the number of changes."""
    snapshots = (HealthSnapshot.objects.filter(workspace_id=workspace_id,
                                               update_failed_at__isnull=True)
                 .exclude(settings_key="").select_related("client"))
    known = {s.client_id: s for s in ClientHealthState.objects.select_for_update()
             .filter(workspace_id=workspace_id)}
    now, changes = clock.now(), 0
    for snapshot in snapshots:
        status = overall(snapshot.signs)
        state = known.get(snapshot.client_id)
        if state is None:
            ClientHealthState.objects.create(workspace_id=workspace_id,
                                             client_id=snapshot.client_id, status=status,
                                             changed_at=now)
            continue
        if state.status == status:
            continue
        services.emit(workspace_id, Event.CLIENT_HEALTH_CHANGED,
                      events.health_changed(snapshot.client, state.status, status))
        state.status, state.changed_at = status, now
        state.save(update_fields=["status", "changed_at"])
        changes += 1
    return changes


def check_all(workspace_ids: set[int] | None = None) -> int:
    """Check the given (or every subscribed) workspace; one failure does not stop the rest."""
    wanted = subscribed_workspaces()
    if workspace_ids is not None:
        wanted &= set(workspace_ids)
    total = 0
    for workspace_id in sorted(wanted):
        try:
            total += check_changes(workspace_id)
        except Exception:
            logger.exception("Checking health changes of workspace %s failed", workspace_id)
    return total
