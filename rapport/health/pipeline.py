"""The follow-up of new facts: link → detect signals → refresh health, for the clients a
commit touched (see `rapport.core.pipeline`). One background task per commit; running it
twice changes nothing, so a retry or a second worker is harmless."""

from __future__ import annotations

from django.dispatch import receiver
from django_tasks import task

from rapport.comms.linking import relink_known
from rapport.core.models import Workspace
from rapport.core.pipeline import facts_committed
from rapport.health.snapshots import refresh_clients
from rapport.signals import services as signal_services


@task()
def follow_up_clients(workspace_id: int, client_ids: list[int],
                      messages_from: int | None = None) -> dict[str, object]:
    """Bring the signals and the health of these clients up to date with what was just
    committed: mail from senders known by now is linked, new messages and facts are
    detected (incrementally, from the checkpoints), and their health is reassessed."""
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None:
        return {"workspace": "gone"}
    linked = relink_known(workspace)
    before = signal_services.message_position()
    if messages_from is not None and messages_from <= before:
        # Committed after `detect_new` read past these keys: detect them here.
        signal_services.detect_messages_from(workspace, client_ids, messages_from, before)
    stats = signal_services.detect_new(daily=False, clients={workspace.pk: set(client_ids)})
    refreshed = refresh_clients(workspace, client_ids)
    return {"linked": linked, **stats, "health": len(refreshed)}


@receiver(facts_committed, dispatch_uid="health-follow-up")
def _enqueue(sender: object, workspace_id: int, client_ids: list[int],
             messages_from: int | None = None, **kwargs: object) -> None:
    follow_up_clients.enqueue(workspace_id, client_ids, messages_from)
