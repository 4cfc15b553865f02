"""Where webhook events come from: audit entries (an invoice paid in full, a proposal
accepted) and the health tasks finishing (a client's health changed)."""

from __future__ import annotations

import logging

from django.dispatch import receiver
from django_tasks.signals import task_finished

from rapport.audit.models import AuditEntry
from rapport.audit.record import entry_recorded
from rapport.webhooks import events, health, services
from rapport.webhooks.models import Endpoint, Event

logger = logging.getLogger(__name__)

FROM_AUDIT = {
    "invoice.paid": (Event.INVOICE_PAID, events.invoice_paid),
    "proposal.accepted": (Event.PROPOSAL_ACCEPTED, events.proposal_accepted),
}
HEALTH_TASKS = {"refresh_health", "follow_up_clients"}


@receiver(entry_recorded, dispatch_uid="webhooks-from-audit")
def _from_audit(sender: object, entry: AuditEntry, **kwargs: object) -> None:
    if entry.action not in FROM_AUDIT:
        return
    event, build = FROM_AUDIT[entry.action]
    if not any(event in (e.events or []) for e in
               Endpoint.objects.filter(workspace_id=entry.workspace_id, active=True)):
        return
    services.emit(entry.workspace_id, event, build(entry.object_id))


@receiver(task_finished, dispatch_uid="webhooks-health-changed")
def _after_health_task(sender: object, task_result: object, **kwargs: object) -> None:
    task = getattr(task_result, "task", None)
    if getattr(task, "name", "") not in HEALTH_TASKS:
        return
    args = list(getattr(task_result, "args", []) or [])
    only = {args[0]} if task.name == "follow_up_clients" and args else None
    try:
        health.check_all(only)
    except Exception:  # the health task itself succeeded; never fail it afterwards
        logger.exception("Checking for health changes failed")
