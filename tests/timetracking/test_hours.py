"""All the hours a client costs: entries, meetings and handled email, nothing twice."""

import datetime as dt
from zoneinfo import ZoneInfo

from rapport.comms.models import Direction, Meeting, MeetingLog, Message, Source
from rapport.timetracking.hours import hours_by_client
from rapport.timetracking.models import TimeEntry, TimeSettings
from tests.conftest import make_client

BERLIN = ZoneInfo("Europe/Berlin")
MARCH, APRIL = dt.date(2026, 3, 1), dt.date(2026, 4, 1)


def at(day, hour, minute=0):
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=BERLIN)


def entry(workspace, client, start, minutes, category="work"):
    return TimeEntry.objects.create(workspace=workspace, client=client, category=category,
                                    started_at=start, minutes=minutes,
                                    ended_at=start + dt.timedelta(minutes=minutes))


def meeting(workspace, client, start, minutes, uid="m1", **fields):
    return Meeting.objects.create(workspace=workspace, client=client, uid=uid, start=start,
                                  end=start + dt.timedelta(minutes=minutes),
                                  source=Source.ICS, **fields)


def sent(workspace, client, when, n, direction=Direction.OUTBOUND):
    for i in range(n):
        Message.objects.create(workspace=workspace, client=client, date=when,
                               dedup_key=f"{direction}{when}{i}", thread_key=f"t{i}",
                               direction=direction, source=Source.EML)


def test_tracked_entries_count_per_category(workspace, client_obj):
    entry(workspace, client_obj, at(2, 9), 120)
    entry(workspace, client_obj, at(3, 9), 30, "admin")
    entry(workspace, client_obj, dt.datetime(2026, 4, 1, 9, tzinfo=BERLIN), 600)  # April
    hours = hours_by_client(workspace, MARCH, APRIL)
    assert hours == {client_obj.pk: {"work": 120, "communication": 0, "meetings": 0,
                                     "admin": 30, "travel": 0}}


def test_a_calendar_meeting_counts_as_meeting_time_on_its_own(workspace, client_obj):
    entry(workspace, client_obj, at(2, 9), 60)
    meeting(workspace, client_obj, at(4, 10), 45)
    assert hours_by_client(workspace, MARCH, APRIL)[client_obj.pk]["meetings"] == 45
    assert not TimeEntry.objects.filter(category="meetings").exists()  # not copied


def test_a_meeting_tracked_by_hand_is_not_counted_twice(workspace, client_obj):
    meeting(workspace, client_obj, at(4, 10), 60)
    entry(workspace, client_obj, at(4, 10, 5), 70, "meetings")  # the timer ran through it
    assert hours_by_client(workspace, MARCH, APRIL)[client_obj.pk]["meetings"] == 70


def test_a_meeting_entry_of_another_client_does_not_hide_the_meeting(workspace, client_obj):
    other = make_client(workspace, "Other AG")
    meeting(workspace, client_obj, at(4, 10), 60)
    entry(workspace, other, at(4, 10), 60, "meetings")
    hours = hours_by_client(workspace, MARCH, APRIL)
    assert hours[client_obj.pk]["meetings"] == 60
    assert hours[other.pk]["meetings"] == 60


def test_cancelled_and_future_meetings_cost_no_time(workspace, client_obj):
    meeting(workspace, client_obj, at(4, 10), 60, uid="c", status=Meeting.Status.CANCELLED)
    future = dt.datetime.now(BERLIN) + dt.timedelta(days=3)
    meeting(workspace, client_obj, future, 60, uid="f")
    assert hours_by_client(workspace, MARCH, future.date() + dt.timedelta(days=1)) == {}


def test_the_meeting_log_says_how_long_the_call_really_took(workspace, client_obj):
    planned = meeting(workspace, client_obj, at(4, 10), 30)
    MeetingLog.objects.create(workspace=workspace, client=client_obj, meeting=planned,
                              held_on=dt.date(2026, 3, 4), planned_minutes=30,
                              actual_minutes=75, off_topic_minutes=40)
    assert hours_by_client(workspace, MARCH, APRIL)[client_obj.pk]["meetings"] == 75


def test_a_logged_call_without_calendar_entry_counts_unless_tracked_that_day(
        workspace, client_obj):
    MeetingLog.objects.create(workspace=workspace, client=client_obj,
                              held_on=dt.date(2026, 3, 5), actual_minutes=50)
    MeetingLog.objects.create(workspace=workspace, client=client_obj,
                              held_on=dt.date(2026, 3, 6), actual_minutes=40)
    entry(workspace, client_obj, at(6, 15), 45, "meetings")  # the call of the 6th, by hand
    assert hours_by_client(workspace, MARCH, APRIL)[client_obj.pk]["meetings"] == 50 + 45


def test_handled_email_counts_only_once_an_estimate_is_set(workspace, client_obj):
    sent(workspace, client_obj, at(3, 11), 3)
    sent(workspace, client_obj, at(3, 12), 4, direction=Direction.INBOUND)
    assert hours_by_client(workspace, MARCH, APRIL) == {}
    TimeSettings.objects.create(workspace=workspace, minutes_per_email=5)
    assert hours_by_client(workspace, MARCH, APRIL)[client_obj.pk]["communication"] == 15


def test_everything_together_without_double_counting(workspace, client_obj):
    TimeSettings.objects.create(workspace=workspace, minutes_per_email=4)
    entry(workspace, client_obj, at(2, 9), 240)                     # work
    entry(workspace, client_obj, at(2, 14), 20, "communication")    # a call by hand
    meeting(workspace, client_obj, at(3, 10), 60, uid="a")          # counted from calendar
    meeting(workspace, client_obj, at(5, 10), 60, uid="b")          # tracked by hand
    entry(workspace, client_obj, at(5, 10), 55, "meetings")
    sent(workspace, client_obj, at(6, 9), 5)
    hours = hours_by_client(workspace, MARCH, APRIL)[client_obj.pk]
    assert hours == {"work": 240, "communication": 20 + 5 * 4, "meetings": 60 + 55,
                     "admin": 0, "travel": 0}


def test_asked_for_some_clients_it_counts_exactly_theirs(workspace, client_obj):
    """A page with a few clients reads only their time, and gets the same numbers."""
    other = make_client(workspace, "Beta AG")
    TimeSettings.objects.create(workspace=workspace, minutes_per_email=3)
    for who, minutes, uid in ((client_obj, 90, "a"), (other, 40, "b")):
        entry(workspace, who, at(2, 9), minutes)
        meeting(workspace, who, at(4, 10), minutes // 2, uid=uid)
        MeetingLog.objects.create(workspace=workspace, client=who, held_on=dt.date(2026, 3, 9),
                                  actual_minutes=15)
    sent(workspace, client_obj, at(6, 9), 4)
    sent(workspace, other, at(6, 10), 2)
    everyone = hours_by_client(workspace, MARCH, APRIL)
    assert set(everyone) == {client_obj.pk, other.pk}
    assert everyone[client_obj.pk]["communication"] == 12
    assert hours_by_client(workspace, MARCH, APRIL, [other.pk]) == {other.pk: everyone[other.pk]}
    assert hours_by_client(workspace, MARCH, APRIL, []) == {}


def test_a_running_timer_is_not_counted_yet(workspace, owner, client_obj):
    TimeEntry.objects.create(workspace=workspace, client=client_obj, user=owner,
                             started_at=at(2, 9))
    assert hours_by_client(workspace, MARCH, APRIL) == {}
