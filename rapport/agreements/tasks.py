"""Background tasks of agreements (django-tasks; run by `rapport worker`)."""

from __future__ import annotations

from django_tasks import task

from rapport.agreements.services import expire_offers


@task()
def expire_overdue_offers() -> int:
    """Mark offers past their validity date as expired, so lists and reminders are right
    without anyone opening a page; idempotent."""
    return expire_offers()
