"""A worker killed with SIGKILL in the middle of a background task that is not an import:
the next worker marks the dead entry failed and runs the task again, to the end.

Real `rapport worker` processes on a real database (a SQLite file, or the PostgreSQL test
database), reusing the helpers of the interrupted-import test.
"""

from __future__ import annotations

import datetime as dt
import signal

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from rapport.core import interrupted
from tests.comms.test_worker_killed_mid_import import Database, _wait_for

TASK = "tests.core.slow_tasks.slow_follow_up"
ENQUEUE = """
import os
from tests.core.slow_tasks import slow_follow_up
print(slow_follow_up.enqueue(os.environ["LOG"], [7, 8]).id)
"""


@pytest.fixture
def database(transactional_db, tmp_path) -> Database:
    return Database(tmp_path)


def _status(database: Database, pk: str) -> str:
    rows = database.query("SELECT status FROM django_tasks_database_dbtaskresult WHERE id = ?",
                          pk if database.sqlite is None else pk.replace("-", ""))
    return rows[0][0]


def test_a_second_worker_runs_again_a_task_whose_worker_was_killed(database, tmp_path):
    log = tmp_path / "runs.log"
    pk = database.rapport("shell", "-c", ENQUEUE, LOG=str(log)).split()[-1]

    first = database.worker()
    try:
        _wait_for(lambda: log.exists(), timeout=60, worker=first)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    assert _status(database, pk) == "RUNNING", "killed in the middle"

    second = database.worker()
    try:
        _wait_for(lambda: "done" in log.read_text(), timeout=60, worker=second)
    finally:
        second.send_signal(signal.SIGKILL)
        second.wait(timeout=10)
    starts = [line for line in log.read_text().splitlines() if line.startswith("started")]
    assert len(starts) == 2 and starts[0] != starts[1], "run again by another process"
    assert starts[1].endswith("[7, 8]"), "with the same arguments"
    assert _status(database, pk) == "FAILED", "the dead entry no longer reads running"
    note, = database.query("SELECT traceback FROM django_tasks_database_dbtaskresult "
                           "WHERE task_path = ? AND status = 'FAILED'", TASK)[0]
    assert "stopped reporting" in note and "retry 1 of 3" in note
    done = database.query("SELECT COUNT(*) FROM django_tasks_database_dbtaskresult "
                          "WHERE task_path = ? AND status = 'SUCCESSFUL'", TASK)
    assert done == [(1,)]


def _dead_entry(task_path: str = "rapport.core.tasks.clear_expired_sessions") -> DBTaskResult:
    return DBTaskResult.objects.create(
        task_path=task_path, args_kwargs={"args": [], "kwargs": {}}, backend_name="default",
        status="RUNNING", worker_ids=["host-1-abcdef"], run_after=timezone.now(),
        started_at=timezone.now() - dt.timedelta(hours=1))


def _age_running() -> None:
    DBTaskResult.objects.filter(status="RUNNING").update(
        status="RUNNING", started_at=timezone.now() - dt.timedelta(hours=1))


@pytest.mark.django_db
def test_a_task_that_kills_its_worker_every_time_is_retried_three_times_then_left_failed():
    _dead_entry()
    for _ in range(5):
        # Each new entry is taken by a worker that dies at once, too.
        DBTaskResult.objects.filter(status="READY").update(
            status="RUNNING", worker_ids=["host-2-abcdef"])
        _age_running()
        interrupted.requeue_interrupted_tasks()
    entries = DBTaskResult.objects.all()
    assert entries.count() == 4, "the original and three retries"
    assert not entries.exclude(status="FAILED").exists()
    assert entries.filter(traceback__contains="given up after 3 retries").count() == 1


@pytest.mark.django_db
def test_a_task_of_a_live_worker_is_left_alone():
    entry = _dead_entry()
    interrupted.beat("host-1-abcdef")
    assert interrupted.requeue_interrupted_tasks() == 0
    entry.refresh_from_db()
    assert entry.status == "RUNNING"


@pytest.mark.django_db
def test_an_interrupted_import_is_closed_but_left_to_its_own_recovery():
    entry = _dead_entry("rapport.comms.tasks.import_upload")
    assert interrupted.requeue_interrupted_tasks() == 0
    entry.refresh_from_db()
    assert entry.status == "FAILED" and "its own recovery" in entry.traceback
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db
def test_an_interrupted_follow_up_is_queued_again_for_the_same_clients():
    entry = _dead_entry("rapport.health.pipeline.follow_up_clients")
    DBTaskResult.objects.filter(pk=entry.pk).update(
        args_kwargs={"args": [3, [11, 12], 40], "kwargs": {}})
    assert interrupted.requeue_interrupted_tasks() == 1
    again = DBTaskResult.objects.get(status="READY")
    assert again.task_path == "rapport.health.pipeline.follow_up_clients"
    assert again.args_kwargs == {"args": [3, [11, 12], 40], "kwargs": {}}
    entry.refresh_from_db()
    assert entry.status == "FAILED" and f"queued again as {again.pk} " in entry.traceback
