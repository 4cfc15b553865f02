"""Two tabs pressing Start at the same moment still give one running timer.

Only PostgreSQL runs the two starts truly in parallel (SQLite serialises every writer),
so only there does this prove that the partial unique constraint, not luck, decides."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from rapport.timetracking import timer
from rapport.timetracking.models import TimeEntry

TABS = 6

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: SQLite never starts two timers at once"),
    pytest.mark.django_db(transaction=True),
]


def test_simultaneous_starts_leave_exactly_one_running_timer(workspace, owner, client_obj):
    start = threading.Barrier(TABS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def press_start() -> None:
        try:
            start.wait(timeout=30)
            timer.start(workspace, owner, client_obj)
            outcome = "started"
        except ValidationError as error:
            outcome = " ".join(error.messages)
        except Exception as exc:  # reported by the main thread  # noqa: BLE001
            outcome = repr(exc)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=press_start) for _ in range(TABS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count("started") == 1, outcomes
    assert set(outcomes) - {"started"} == {
        "A timer is already running. Stop it before starting another."}
    assert TimeEntry.objects.filter(user=owner, ended_at__isnull=True).count() == 1
