"""Background tasks of the signals app (django-tasks; run by `rapport db_worker`)."""

from __future__ import annotations

from django_tasks import task

from rapport.signals.services import detect_new


@task()
def detect_new_signals() -> dict[str, int]:
    """Turn what arrived since the last run into signals; idempotent."""
    return detect_new()
