"""Importing ICS files from common calendar programs: meetings, cancellations, reschedules."""

import datetime as dt

import pytest
from django.core.management import call_command

from rapport.comms.calendar import import_ics
from rapport.comms.models import Meeting, MeetingChange
from tests.comms.helpers import DATA, kranich, vogt

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def _import(workspace, name):
    return import_ics(workspace, (DATA / name).read_bytes(), now=NOW)


def test_google_series_is_expanded_with_removed_and_cancelled_occurrences(workspace):
    client = kranich(workspace)
    result = _import(workspace, "google.ics")
    assert result.errors == []
    meetings = Meeting.objects.filter(uid="weekly-jour-fixe@google.com").order_by("start")
    assert [(m.start.date().isoformat(), m.status) for m in meetings] == [
        ("2026-11-02", "planned"), ("2026-11-09", "cancelled"),
        ("2026-11-16", "cancelled"), ("2026-11-23", "planned"),
    ]
    assert {m.client for m in meetings} == {client}
    short_notice = meetings[2]
    assert short_notice.cancellation_lead == dt.timedelta(hours=1)
    change = short_notice.changes.get()
    assert (change.kind, change.lead_time) == ("cancelled", dt.timedelta(hours=1))
    # The all-day holiday is not a meeting.
    assert not Meeting.objects.filter(uid="holiday@google.com").exists()


def test_outlook_windows_time_zone_and_cancellation(workspace):
    kranich(workspace)
    _import(workspace, "outlook.ics")
    meeting = Meeting.objects.get()
    assert meeting.start == dt.datetime(2026, 11, 12, 13, 0, tzinfo=dt.UTC)  # 14:00 CET
    assert meeting.status == "cancelled"
    assert meeting.cancellation_lead == dt.timedelta(hours=1)
    assert meeting.client.name == "Kranich Verlag"  # the organizer's domain


def test_apple_reschedule_with_higher_sequence_is_recorded_with_its_notice(workspace):
    client = vogt(workspace)
    _import(workspace, "apple.ics")
    meeting = Meeting.objects.get()
    assert meeting.start == dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
    assert meeting.client == client
    _import(workspace, "apple-rescheduled.ics")
    meeting.refresh_from_db()
    assert meeting.start == dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)
    change = meeting.changes.get()
    assert change.kind == "rescheduled"
    assert change.old_start == dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
    assert change.lead_time == dt.timedelta(hours=23)  # moved the day before, 11:00 UTC
    # The older version arriving again does not undo the reschedule.
    _import(workspace, "apple.ics")
    meeting.refresh_from_db()
    assert meeting.start.day == 23 and meeting.changes.count() == 1


def test_nextcloud_moved_occurrence_is_a_reschedule_and_a_broken_event_is_reported(
        workspace):
    vogt(workspace)
    result = _import(workspace, "nextcloud.ics")
    assert result.errors == [{"position": "event 3", "reason": "no UID or no DTSTART"}]
    starts = [m.start for m in Meeting.objects.filter(uid="a1b2c3d4-nextcloud")
              .order_by("start")]
    assert [s.isoformat() for s in starts] == [
        "2026-11-03T15:00:00+00:00", "2026-11-12T08:00:00+00:00", "2026-11-17T15:00:00+00:00"]
    change = MeetingChange.objects.get()
    assert change.kind == "rescheduled"
    assert change.old_start.isoformat() == "2026-11-10T15:00:00+00:00"
    assert change.lead_time == dt.timedelta(hours=22)


def test_reimporting_a_calendar_changes_nothing(workspace):
    kranich(workspace)
    _import(workspace, "google.ics")
    before = (list(Meeting.objects.order_by("pk").values()),
              list(MeetingChange.objects.order_by("pk").values()))
    again = _import(workspace, "google.ics")
    assert again.imported == 0
    assert (list(Meeting.objects.order_by("pk").values()),
            list(MeetingChange.objects.order_by("pk").values())) == before


def test_an_invalid_calendar_is_reported_and_nothing_is_written(workspace):
    result = _import(workspace, "invalid.ics")
    assert result.errors[0]["position"] == "file"
    assert not Meeting.objects.exists()


def test_the_command_imports_calendars(workspace, capsys):
    kranich(workspace)
    call_command("import-calendar", str(DATA / "outlook.ics"))
    assert "1 imported" in capsys.readouterr().out
