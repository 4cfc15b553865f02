"""Background tasks (django-tasks, database backend). Run them with `rapport worker`."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django_tasks import task

from rapport.core import clock


@task()
def clear_expired_sessions() -> int:
    """Delete expired login sessions; safe to run any number of times."""
    deleted, _ = Session.objects.filter(expire_date__lt=clock.now()).delete()
    return deleted
