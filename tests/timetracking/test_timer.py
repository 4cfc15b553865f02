"""The timer: one running at a time, stored in the database, stopped into whole minutes."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from rapport.timetracking import timer
from rapport.timetracking.models import TimeEntry

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_stopping_the_timer_stores_the_elapsed_whole_minutes(workspace, owner, client_obj):
    timer.start(workspace, owner, client_obj, now=START)
    entry = timer.stop(workspace, owner, now=START + dt.timedelta(minutes=47, seconds=50))
    assert entry.minutes == 47
    assert entry.ended_at is not None
    assert entry.source == TimeEntry.Source.TIMER
    assert timer.running(workspace, owner) is None


def test_a_second_timer_is_refused_while_one_runs(workspace, owner, client_obj):
    timer.start(workspace, owner, client_obj, now=START)
    with pytest.raises(ValidationError, match="already running"):
        timer.start(workspace, owner, client_obj, now=START)
    assert TimeEntry.objects.filter(ended_at__isnull=True).count() == 1


def test_the_database_refuses_two_running_timers_for_one_person(workspace, owner, client_obj):
    TimeEntry.objects.create(workspace=workspace, user=owner, client=client_obj,
                             started_at=START)
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeEntry.objects.create(workspace=workspace, user=owner, client=client_obj,
                                 started_at=START)


def test_two_people_may_each_run_a_timer(workspace, owner, member, client_obj):
    timer.start(workspace, owner, client_obj, now=START)
    timer.start(workspace, member, client_obj, now=START)
    assert TimeEntry.objects.filter(ended_at__isnull=True).count() == 2


def test_the_running_timer_is_found_again_after_a_reload(workspace, owner, client_obj):
    started = timer.start(workspace, owner, client_obj, now=START)
    assert timer.running(workspace, owner) == started


def test_stopping_without_a_running_timer_changes_nothing(workspace, owner):
    assert timer.stop(workspace, owner) is None
