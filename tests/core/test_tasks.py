"""The database task queue is wired in: a task enqueued here is run by the worker."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from rapport.core.tasks import clear_expired_sessions


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_an_enqueued_task():
    Session.objects.create(session_key="old", session_data="",
                           expire_date=timezone.now() - timedelta(days=1))
    Session.objects.create(session_key="fresh", session_data="",
                           expire_date=timezone.now() + timedelta(days=1))
    result = clear_expired_sessions.enqueue()
    assert DBTaskResult.objects.filter(id=result.id, status="READY").exists()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == "SUCCESSFUL"
    assert list(Session.objects.values_list("session_key", flat=True)) == ["fresh"]
