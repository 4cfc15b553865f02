"""Reminder tasks for the worker. `rapport tick` enqueues `run_reminders` periodically."""

from __future__ import annotations

from django_tasks import task

from rapport.dunning import services


@task()
def deliver_reminder(reminder_id: int) -> str:
    return services.deliver(reminder_id)


@task()
def run_reminders() -> dict[str, int]:
    """Resolve promises, plan what is due today and hand each outbox row to the workers."""
    resolved = services.resolve_promises()
    planned = services.plan()
    due = services.due_for_delivery()
    for reminder_id in due:
        deliver_reminder.enqueue(reminder_id)
    return {"promises_resolved": resolved, "planned": len(planned), "enqueued": len(due)}
