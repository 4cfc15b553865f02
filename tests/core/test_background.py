"""The dashboard tells whether the background work runs: healthy, how many jobs wait, when
the last one ran — and warns, in the user's language, when no worker has run lately.
The scheduler's tick is claimed once per interval, whatever the number of workers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from rapport.core import background
from rapport.core.models import Heartbeat
from rapport.core.tasks import clear_expired_sessions

pytestmark = pytest.mark.django_db


def test_the_dashboard_warns_when_no_worker_has_ever_run(owner_http):
    page = owner_http.get("/").content.decode()
    assert 'data-testid="background-warning"' in page
    assert "No background worker has run yet." in page
    assert "rapport serve" in page


def test_the_warning_is_german_for_a_german_user(owner_http, owner):
    owner.language = "de"
    owner.save()
    background.beat(now=timezone.now() - dt.timedelta(hours=3))
    with translation.override("de"):
        page = owner_http.get("/").content.decode()
    assert "Die Hintergrundverarbeitung läuft seit" in page
    assert "läuft nicht" in page


def test_a_live_worker_shows_healthy_with_the_jobs_waiting(owner_http):
    background.beat()
    clear_expired_sessions.enqueue()
    clear_expired_sessions.enqueue()
    page = owner_http.get("/").content.decode()
    assert 'data-testid="background-warning"' not in page
    assert "healthy" in page and "2 jobs waiting" in page
    assert "No job has run yet." in page


def test_a_worker_silent_for_longer_than_expected_is_reported():
    now = timezone.now()
    background.beat(now=now - background.STALE_AFTER + dt.timedelta(seconds=5))
    assert background.status(now).healthy
    background.beat(now=now - background.STALE_AFTER - dt.timedelta(seconds=5))
    state = background.status(now)
    assert not state.healthy and not state.never_ran


@pytest.mark.django_db(transaction=True)
def test_a_worker_run_records_its_heartbeat_and_the_last_job():
    clear_expired_sessions.enqueue()
    call_command("worker", "--once", verbosity=0)
    state = background.status()
    assert state.healthy and state.waiting == 0
    assert state.last_finished is not None


def test_the_tick_is_claimed_once_per_interval():
    now = timezone.now()
    every = dt.timedelta(minutes=15)
    assert background.claim_tick(every, now)            # the first worker ticks
    assert not background.claim_tick(every, now)        # a second one does not
    assert not background.claim_tick(every, now + dt.timedelta(minutes=14))
    assert background.claim_tick(every, now + dt.timedelta(minutes=15))
    assert Heartbeat.objects.get(name="tick").at == now + dt.timedelta(minutes=15)
