"""Counts for the client page: volume, after-hours share, how fast the client answers."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from itertools import chain

from django.utils.translation import ngettext

from rapport.clients.models import Client
from rapport.comms.linking import own_addresses
from rapport.comms.models import Direction, Meeting, MeetingChange, MeetingLog, Message
from rapport.core import clock

WEEKS = 12


@dataclass
class CommsCounts:
    messages_per_week: float
    inbound: int
    outbound: int
    after_hours_share: float | None
    median_answer: dt.timedelta | None
    answered_questions: int
    cancelled_meetings: int
    late_cancellations: int
    late_reschedules: int


def counts_for(client: Client, now: dt.datetime | None = None) -> CommsCounts:
    now = now or clock.now()
    since = now - dt.timedelta(weeks=WEEKS)
    messages = list(
        Message.objects.filter(workspace_id=client.workspace_id, client=client)
        .order_by("date").values_list("date", "direction")
    )
    recent = [m for m in messages if m[0] >= since]
    inbound = [m for m in messages if m[1] == Direction.INBOUND]
    workspace = client.workspace
    after_hours = sum(1 for m in inbound if not workspace.is_office_time(m[0]))
    meetings = Meeting.objects.filter(workspace_id=client.workspace_id, client=client,
                                      status=Meeting.Status.CANCELLED)
    own = own_addresses(workspace)  # what the freelancer cancelled is not the client's doing
    late = sum(1 for m in meetings if m.cancellation_lead is not None
               and m.cancellation_lead < dt.timedelta(hours=24) and not organized_by(m, own))
    late_reschedules = sum(1 for change in MeetingChange.objects.filter(
        workspace_id=client.workspace_id, meeting__client=client,
        kind=MeetingChange.Kind.RESCHEDULED, lead_time__lt=dt.timedelta(hours=24),
    ).select_related("meeting") if not organized_by(change.meeting, own))
    answers = answer_times(client)
    return CommsCounts(
        messages_per_week=round(len(recent) / WEEKS, 1),
        inbound=len(inbound), outbound=len(messages) - len(inbound),
        after_hours_share=(after_hours / len(inbound)) if inbound else None,
        median_answer=statistics.median(answers) if answers else None,
        answered_questions=len(answers),
        cancelled_meetings=meetings.count(), late_cancellations=late,
        late_reschedules=late_reschedules,
    )


def answer_times(client: Client) -> list[dt.timedelta]:
    """For each question of mine, the time to the client's answer — the same questions
    and answers (found by thread and by In-Reply-To/References) that the "does not
    respond" signal judges, so the two never disagree."""
    from rapport.signals.facts import client_waits

    return [wait.answer.date - wait.question.date for wait in client_waits(client)
            if wait.answer is not None]


@dataclass
class TimelineItem:
    when: dt.datetime
    kind: str
    obj: object


def timeline(client: Client, kinds: set[str], limit: int = 100) -> list[TimelineItem]:
    """Messages, meetings, meeting logs and notes of a client, newest first."""
    ws = client.workspace_id
    sources = []
    if "messages" in kinds:
        sources.append(TimelineItem(m.date, "message", m) for m in
                       Message.objects.filter(workspace_id=ws, client=client)
                       .defer("body_text")[:limit])
    if "meetings" in kinds:
        sources.append(TimelineItem(m.start, "meeting", m) for m in
                       Meeting.objects.filter(workspace_id=ws, client=client)
                       .prefetch_related("changes")[:limit])
        sources.append(TimelineItem(_midday(log.held_on, client), "log", log) for log in
                       MeetingLog.objects.filter(workspace_id=ws, client=client)
                       .select_related("fee")[:limit])
    if "notes" in kinds:
        sources.append(TimelineItem(_midday(n.happened_on, client), "note", n) for n in
                       client.notes.filter(workspace_id=ws)[:limit])
    items = sorted(chain.from_iterable(sources), key=lambda item: item.when, reverse=True)
    return items[:limit]


def _midday(day: dt.date, client: Client) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=client.workspace.tz)


def organized_by(meeting: Meeting, addresses: set[str]) -> bool:
    """Did one of these addresses organize the meeting (and so cancel or move it)?"""
    return bool(meeting.organizer) and meeting.organizer.lower() in addresses


def describe_lead(lead: dt.timedelta | None) -> str:
    """'45 min', '2 h', '3 days' — how much notice a change gave."""
    if lead is None:
        return ""
    minutes = abs(int(lead.total_seconds() // 60))
    if minutes < 60:
        return ngettext("%(n)d min", "%(n)d min", minutes) % {"n": minutes}
    hours = round(minutes / 60)
    if hours < 48:
        return ngettext("%(n)d h", "%(n)d h", hours) % {"n": hours}
    days = round(hours / 24)
    return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
