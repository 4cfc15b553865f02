"""Background tasks of the webhooks (django-tasks; run by `rapport worker`)."""

from __future__ import annotations

from django_tasks import task

from rapport.webhooks.services import attempt


@task()
def deliver_webhook(delivery_id: int) -> str:
    """Send one webhook delivery if it is due; a failure schedules the next try itself."""
    return attempt(delivery_id)
