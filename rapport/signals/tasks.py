"""Background tasks of the signals app (django-tasks; run by `rapport worker`)."""

from __future__ import annotations

from django_tasks import task

from rapport.core.models import Workspace
from rapport.signals.services import detect_new, redetect_office_time


@task()
def detect_new_signals() -> dict[str, int]:
    """Turn what arrived since the last run into signals; idempotent."""
    return detect_new()


@task()
def redetect_office_time_signals(workspace_id: int) -> int:
    """Rejudge message times after the office hours, time zone or holidays changed."""
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    return redetect_office_time(workspace) if workspace else 0


@task()
def rejudge_taught_signals(workspace_id: int, client_ids: list[int]) -> int:
    """Judge a large client's message signals again after the user taught the detectors."""
    from rapport.signals.teaching import rejudge_now

    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None:
        return 0
    rejudge_now(workspace, client_ids)
    return len(client_ids)
