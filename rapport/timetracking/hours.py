"""All the time a client costs: tracked entries, plus meetings and email counted on their own.

Meetings from the calendar and the meeting log are not copied into time entries; they are
added here as meeting time, unless the freelancer tracked that meeting by hand (a
meeting-category entry for the same client overlapping it), so nothing counts twice.
Handled email (a message the freelancer sent to the client) counts as communication time
at the per-workspace estimate, which is off (0) unless the freelancer sets it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from zoneinfo import ZoneInfo

from django.db.models import Count, Sum
from django.utils import timezone

from rapport.comms.models import Direction, Meeting, MeetingLog, Message
from rapport.core import clock
from rapport.core.models import Workspace
from rapport.timetracking.models import TimeEntry, TimeSettings

Span = tuple[dt.datetime, dt.datetime]
MinutesByCategory = dict[str, int]


def _moment(value: dt.date | dt.datetime, workspace: Workspace) -> dt.datetime:
    """A date means the start of that day in the workspace's time zone."""
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else value.replace(
            tzinfo=ZoneInfo(workspace.time_zone))
    return dt.datetime.combine(value, dt.time.min, tzinfo=ZoneInfo(workspace.time_zone))


def _overlaps(span: Span, others: list[Span]) -> bool:
    return any(start < span[1] and span[0] < end for start, end in others)


def empty_categories() -> MinutesByCategory:
    return {value: 0 for value in TimeEntry.Category.values}


def hours_by_client(workspace: Workspace, since: dt.date | dt.datetime,
                    until: dt.date | dt.datetime,
                    clients: Collection[int] | None = None) -> dict[int, MinutesByCategory]:
    """Minutes per category for every client with time in [since, until), or only for
    `clients` (a page showing five clients need not read a year of everyone's mail).

    Keyed by client pk; every category is present (0 when none). Dates are whole days in
    the workspace's time zone, `until` exclusive. Running timers are not counted yet;
    meetings count once they have started (a future meeting is no time spent)."""
    start, end = _moment(since, workspace), _moment(until, workspace)
    scope = {} if clients is None else {"client_id__in": list(clients)}
    zone = ZoneInfo(workspace.time_zone)
    result: dict[int, MinutesByCategory] = defaultdict(empty_categories)

    tracked_meetings: dict[int, list[Span]] = defaultdict(list)
    tracked_meeting_days: dict[int, set[dt.date]] = defaultdict(set)
    entries = TimeEntry.objects.filter(
        workspace=workspace, ended_at__isnull=False, started_at__gte=start, started_at__lt=end,
        **scope,
    ).values_list("client_id", "category", "minutes", "started_at", "ended_at")
    for client_id, category, minutes, started, ended in entries:
        result[client_id][category] += minutes
        if category == TimeEntry.Category.MEETINGS:
            tracked_meetings[client_id].append((started, ended))
            tracked_meeting_days[client_id].add(started.astimezone(zone).date())

    now = clock.now()
    meetings = list(Meeting.objects.filter(
        workspace=workspace, client__isnull=False, start__gte=start, start__lt=min(end, now),
        **scope,
    ).exclude(status=Meeting.Status.CANCELLED).values_list("pk", "client_id", "start", "end"))
    # A meeting with a log counts with the log's minutes (what really happened).
    logged: dict[int, int] = defaultdict(int)
    for meeting_id, actual, planned, no_show in MeetingLog.objects.filter(
            workspace=workspace, meeting_id__in=[m[0] for m in meetings],
    ).values_list("meeting_id", "actual_minutes", "planned_minutes", "no_show"):
        logged[meeting_id] += actual or (0 if no_show else planned)
    for pk, client_id, m_start, m_end in meetings:
        if _overlaps((m_start, m_end), tracked_meetings[client_id]):
            continue
        minutes = logged[pk] if pk in logged else int((m_end - m_start).total_seconds() // 60)
        result[client_id][TimeEntry.Category.MEETINGS] += max(0, minutes)

    # A log without a calendar meeting only knows its day: a meeting entry that day is
    # taken to be the same meeting.
    for client_id, held_on, actual, planned, no_show in MeetingLog.objects.filter(
            workspace=workspace, meeting__isnull=True,
            held_on__gte=start.astimezone(zone).date(), held_on__lt=end.astimezone(zone).date(),
            **scope,
    ).values_list("client_id", "held_on", "actual_minutes", "planned_minutes", "no_show"):
        if held_on not in tracked_meeting_days[client_id]:
            result[client_id][TimeEntry.Category.MEETINGS] += actual or (
                0 if no_show else planned)

    per_email = (TimeSettings.objects.filter(workspace=workspace)
                 .values_list("minutes_per_email", flat=True).first() or 0)
    if per_email:
        sent = Message.objects.filter(
            workspace=workspace, client__isnull=False, direction=Direction.OUTBOUND,
            date__gte=start, date__lt=end, **scope,
        ).order_by().values("client_id").annotate(n=Count("pk")).values_list("client_id", "n")
        for client_id, count in sent:
            result[client_id][TimeEntry.Category.COMMUNICATION] += per_email * count
    return {client_id: dict(minutes) for client_id, minutes in result.items()
            if any(minutes.values())}


def automatic_minutes(workspace: Workspace, client_id: int, since: dt.date | dt.datetime,
                      until: dt.date | dt.datetime) -> MinutesByCategory:
    """What `hours_by_client` adds to the client's tracked entries on its own: meeting
    minutes from the calendar and meeting log, communication from the email estimate."""
    start, end = _moment(since, workspace), _moment(until, workspace)
    total = hours_by_client(workspace, since, until, clients=[client_id]).get(
        client_id, empty_categories())
    tracked = dict(TimeEntry.objects.filter(
        workspace=workspace, client_id=client_id, ended_at__isnull=False,
        started_at__gte=start, started_at__lt=end,
    ).order_by().values_list("category").annotate(m=Sum("minutes")).values_list("category", "m"))
    return {category: total[category] - (tracked.get(category) or 0) for category in total}
