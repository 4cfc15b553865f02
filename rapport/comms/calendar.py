"""Import ICS calendars: meetings, cancellations and reschedules with their notice.

Recurring events are expanded only inside a window around today and only so far: a rule
that repeats every second, or a million times, is skipped or cut with a note on the
import, and every series is written in its own short transaction, so one calendar can
neither take the server's memory nor hold the database for the others.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict

import icalendar
import recurring_ical_events
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rapport.comms.linking import Linker
from rapport.comms.mailimport import ImportResult
from rapport.comms.models import Meeting, MeetingChange, Source
from rapport.core import clock
from rapport.core.models import Workspace
from rapport.core.pipeline import follow_up

WINDOW_BEFORE = dt.timedelta(days=365)   # 12 months back
WINDOW_AFTER = dt.timedelta(days=548)    # 18 months ahead
MAX_PER_EVENT = 500                      # occurrences of one series
MAX_PER_FILE = 5000                      # occurrences of one calendar
MAX_PER_DAY = 24                         # a series repeating more often is no meeting
MAX_STEPS = 100_000                      # repetitions a rule may need up to the window's end
MAX_SECONDS = 30                         # one calendar's import
_PER_DAY = {"SECONDLY": 86400.0, "MINUTELY": 1440.0, "HOURLY": 24.0, "DAILY": 1.0,
            "WEEKLY": 1 / 7, "MONTHLY": 1 / 28, "YEARLY": 1 / 365}
_TIME_PARTS = (("BYHOUR", "HOURLY"), ("BYMINUTE", "MINUTELY"), ("BYSECOND", "SECONDLY"))
_DAY_PARTS = ("BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYSETPOS")
log = logging.getLogger(__name__)


class SeriesTooBig(ValueError):
    """A recurrence rule that would produce far more occurrences than any meeting series."""


def _rules(event: icalendar.Event) -> list[dict]:
    rules = event.get("RRULE")
    if rules is None:
        return []
    return rules if isinstance(rules, list) else [rules]


def occurrences_per_day(rule: dict) -> float:
    """An upper estimate of how often a rule repeats per day."""
    freq = str((rule.get("FREQ") or ["DAILY"])[0]).upper()
    if freq not in _PER_DAY:
        raise ValueError(f"unknown frequency {freq[:20]}")
    interval = max(1, int((rule.get("INTERVAL") or [1])[0]))
    order = list(_PER_DAY)
    per_day = _PER_DAY[freq] / interval
    times = 1.0
    for part, unit in _TIME_PARTS:
        if rule.get(part) and order.index(freq) > order.index(unit):
            times *= len(rule[part])
    if freq in {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}:
        if any(rule.get(part) for part in _DAY_PARTS):
            per_day = 1.0  # day lists add at most one day per day
        return per_day * times
    return per_day * times


def check_series(master: icalendar.Event, start: dt.datetime, end: dt.datetime) -> float:
    """Refuse a series that repeats more than hourly or would need too many steps to
    reach the end of the window; return its estimated occurrences per day."""
    rules = _rules(master)
    if not rules:
        return 0.0
    per_day = sum(occurrences_per_day(rule) for rule in rules)
    if per_day > MAX_PER_DAY:
        raise SeriesTooBig("repeats more often than hourly")
    first = master.get("DTSTART").dt
    if not isinstance(first, dt.datetime):
        first = dt.datetime.combine(first, dt.time(0, 0))
    if first.tzinfo is None:
        first = first.replace(tzinfo=dt.UTC)
    days = max(1.0, (end - first).total_seconds() / 86400)
    steps = 0.0
    for rule in rules:
        count = rule.get("COUNT")
        step = occurrences_per_day(rule) * days
        steps += min(step, int(count[0])) if count else step
    if steps > MAX_STEPS:
        raise SeriesTooBig("too many repetitions")
    return per_day


def _utc(value: dt.datetime | dt.date, tz: dt.tzinfo) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(0, 0))
    if value.tzinfo is None:  # "floating" time: the workspace's local time
        value = value.replace(tzinfo=tz)
    return value.astimezone(dt.UTC)


def _addresses(event: icalendar.Event, name: str) -> list[str]:
    values = event.get(name) or []
    if not isinstance(values, list):
        values = [values]
    found = []
    for value in values:
        text = str(value)
        if text.lower().startswith("mailto:"):
            text = text[7:]
        if "@" in text:
            found.append(text.strip().lower())
    return found


def _changed_at(event: icalendar.Event, now: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    for name in ("LAST-MODIFIED", "DTSTAMP"):
        value = event.get(name)
        if value is not None:
            return _utc(value.dt, tz)
    return now


class CalendarImporter:
    def __init__(self, workspace: Workspace, source: str, now: dt.datetime | None = None
                 ) -> None:
        self.workspace = workspace
        self.source = source
        self.now = now or clock.now()
        self.tz = workspace.tz
        self.linker = Linker.for_workspace(workspace)
        self.result = ImportResult()
        self.stored = 0  # occurrences written by this import, for MAX_PER_FILE

    def run(self, data: bytes) -> ImportResult:
        try:
            calendar = icalendar.Calendar.from_ical(data)
        except Exception as exc:  # noqa: BLE001 - any parser failure is bad input
            self.result.errors.append({"position": "file", "reason": f"not a calendar: {exc}"})
            return self.result
        timezones = list(calendar.walk("VTIMEZONE"))
        groups: dict[str, list[icalendar.Event]] = defaultdict(list)
        for number, event in enumerate(calendar.walk("VEVENT"), start=1):
            uid = str(event.get("UID") or "")
            if not uid or event.get("DTSTART") is None:
                self.result.errors.append({"position": f"event {number}",
                                           "reason": "no UID or no DTSTART"})
                continue
            groups[uid].append(event)
        started = time.monotonic()
        skipped = 0
        for uid, events in groups.items():
            if self.stored >= MAX_PER_FILE or time.monotonic() - started > MAX_SECONDS:
                skipped += 1
                continue
            try:
                # One short transaction per series: never a long write lock.
                with transaction.atomic():
                    self._import_series(uid, events, timezones)
            except SeriesTooBig as exc:
                self._note(uid, events, str(exc))
            except Exception as exc:  # noqa: BLE001 - report and go on with the rest
                log.warning("calendar event %s not imported", uid[:100], exc_info=True)
                self.result.errors.append({"position": f"event {uid[:100]}",
                                           "reason": str(exc)[:300] or type(exc).__name__})
        if self.result.imported:
            follow_up(self.workspace.pk, Meeting.objects.filter(
                workspace=self.workspace, uid__in=[u[:500] for u in groups]
            ).values_list("client_id", flat=True))
        if skipped:
            with translation.override(self.workspace.language):
                reason = ngettext(
                    "%(count)d event skipped: one calendar imports at most %(max)d "
                    "meetings at a time.",
                    "%(count)d events skipped: one calendar imports at most %(max)d "
                    "meetings at a time.", skipped) % {"count": skipped, "max": MAX_PER_FILE}
            self.result.report("file", reason)
        return self.result

    def _note(self, uid: str, events: list[icalendar.Event], why: str) -> None:
        summary = str(events[0].get("SUMMARY", "") or uid)[:80]
        with translation.override(self.workspace.language):
            reason = (_("Skipped: it repeats more often than every hour.")
                      if why == "repeats more often than hourly"
                      else _("Skipped: it repeats too often to be a meeting series."))
        self.result.report(f"“{summary}”", reason)

    def _import_series(self, uid: str, events: list[icalendar.Event],
                       timezones: list[icalendar.Timezone]) -> None:
        mini = icalendar.Calendar()
        for item in timezones + events:
            mini.add_component(item)
        master = next((e for e in events if e.get("RECURRENCE-ID") is None), events[0])
        recurring = len(events) > 1 or master.get("RRULE") is not None
        if isinstance(master.get("DTSTART").dt, dt.date) and not isinstance(
            master.get("DTSTART").dt, dt.datetime
        ):
            return  # all-day events are not meetings
        start, end = self.now - WINDOW_BEFORE, self.now + WINDOW_AFTER
        per_day = check_series(master, start, end)
        rdates = master.get("RDATE") or []
        if sum(len(r.dts) for r in (rdates if isinstance(rdates, list) else [rdates])) \
                > MAX_PER_EVENT * 4:
            raise SeriesTooBig("too many repetitions")
        limit = min(MAX_PER_EVENT, MAX_PER_FILE - self.stored)
        # Expand in slices of about `limit` occurrences, so a long series stops early.
        span = dt.timedelta(days=max(1.0, limit / per_day)) if per_day else end - start
        seen: set[str] = set()
        count = 0
        cut = False
        query = recurring_ical_events.of(mini)
        cursor = start
        while cursor < end and count < limit:
            stop = min(end, cursor + span)
            for occurrence in sorted(query.between(cursor, stop),
                                     key=lambda o: _utc(o.get("DTSTART").dt, self.tz)):
                original = occurrence.get("RECURRENCE-ID")
                key = _utc(original.dt, self.tz).isoformat() if recurring and original \
                    else ""
                marker = key or _utc(occurrence.get("DTSTART").dt, self.tz).isoformat()
                if marker in seen:
                    continue
                seen.add(marker)
                if count >= limit:
                    cut = True
                    break
                self._store(uid, key, occurrence,
                            _utc(original.dt, self.tz) if original is not None else None)
                count += 1
            cursor = stop
        if cut or (count >= limit and cursor < end):
            self._cut(master, uid)
        self.stored += count
        # Occurrences removed from a series with EXDATE are cancellations too.
        exdates = master.get("EXDATE") or []
        for exdate in exdates if isinstance(exdates, list) else [exdates]:
            for value in exdate.dts:
                moment = _utc(value.dt, self.tz)
                if start <= moment <= end and count < limit:
                    self._store_removed(uid, moment, master)
                    count += 1

    def _cut(self, master: icalendar.Event, uid: str) -> None:
        summary = str(master.get("SUMMARY", "") or uid)[:80]
        with translation.override(self.workspace.language):
            reason = _("Only the first %(max)d meetings of this series were imported.") % {
                "max": MAX_PER_EVENT}
        self.result.report(f"“{summary}”", reason, level="warning")

    def _client_id(self, event: icalendar.Event) -> int | None:
        for address in _addresses(event, "ATTENDEE") + _addresses(event, "ORGANIZER"):
            if address in self.linker.own:
                continue
            client_id, _contact = self.linker.find(address)
            if client_id:
                return client_id
        return None

    def _store(self, uid: str, key: str, event: icalendar.Event,
               original_start: dt.datetime | None) -> None:
        start = _utc(event.get("DTSTART").dt, self.tz)
        if event.get("DTEND") is not None:
            end = _utc(event.get("DTEND").dt, self.tz)
        elif event.get("DURATION") is not None:
            end = start + event.get("DURATION").dt
        else:
            end = start + dt.timedelta(hours=1)
        cancelled = str(event.get("STATUS", "")).upper() == "CANCELLED"
        sequence = int(event.get("SEQUENCE", 0) or 0)
        changed_at = _changed_at(event, self.now, self.tz)
        fields = {
            "summary": str(event.get("SUMMARY", ""))[:500], "start": start, "end": end,
            "sequence": sequence,
            "organizer": (_addresses(event, "ORGANIZER") or [""])[0][:254],
            "attendees": ",".join(_addresses(event, "ATTENDEE")),
            "private": str(event.get("CLASS", "")).upper() in {"PRIVATE", "CONFIDENTIAL"},
        }
        meeting = Meeting.objects.filter(workspace=self.workspace, uid=uid[:500],
                                         occurrence=key).first()
        if meeting is None:
            meeting = Meeting.objects.create(
                workspace=self.workspace, uid=uid[:500], occurrence=key,
                client_id=self._client_id(event), source=self.source,
                status=Meeting.Status.CANCELLED if cancelled else Meeting.Status.PLANNED,
                cancelled_at=changed_at if cancelled else None, **fields,
            )
            self.result.imported += 1
            if original_start and abs(original_start - start) > dt.timedelta(0) and key:
                self._record(meeting, MeetingChange.Kind.RESCHEDULED, original_start, start,
                             changed_at, sequence)
            if cancelled:
                self._record(meeting, MeetingChange.Kind.CANCELLED, start, None, changed_at,
                             sequence)
            return
        if sequence < meeting.sequence:
            self.result.duplicates += 1  # an older version of what we know
            return
        changed = False
        if start != meeting.start and sequence > meeting.sequence:
            self._record(meeting, MeetingChange.Kind.RESCHEDULED, meeting.start, start,
                         changed_at, sequence)
        if cancelled and meeting.status != Meeting.Status.CANCELLED:
            self._record(meeting, MeetingChange.Kind.CANCELLED, start, None, changed_at,
                         sequence)
            meeting.status = Meeting.Status.CANCELLED
            meeting.cancelled_at = changed_at
            changed = True
        for name, value in fields.items():
            if getattr(meeting, name) != value:
                setattr(meeting, name, value)
                changed = True
        if meeting.client_id is None:
            client_id = self._client_id(event)
            if client_id:
                meeting.client_id = client_id
                changed = True
        if changed:
            meeting.save()
            self.result.imported += 1
        else:
            self.result.duplicates += 1

    def _store_removed(self, uid: str, moment: dt.datetime, master: icalendar.Event) -> None:
        key = moment.isoformat()
        changed_at = _changed_at(master, self.now, self.tz)
        meeting = Meeting.objects.filter(workspace=self.workspace, uid=uid[:500],
                                         occurrence=key).first()
        if meeting is not None and meeting.status == Meeting.Status.CANCELLED:
            self.result.duplicates += 1
            return
        start = _utc(master.get("DTSTART").dt, self.tz)
        master_end = master.get("DTEND")
        length = (_utc(master_end.dt, self.tz) - start) if master_end else dt.timedelta(hours=1)
        if meeting is None:
            meeting = Meeting.objects.create(
                workspace=self.workspace, uid=uid[:500], occurrence=key,
                summary=str(master.get("SUMMARY", ""))[:500], start=moment,
                end=moment + length, status=Meeting.Status.CANCELLED, cancelled_at=changed_at,
                sequence=int(master.get("SEQUENCE", 0) or 0),
                organizer=(_addresses(master, "ORGANIZER") or [""])[0][:254],
                attendees=",".join(_addresses(master, "ATTENDEE")),
                client_id=self._client_id(master), source=self.source,
            )
        else:
            meeting.status = Meeting.Status.CANCELLED
            meeting.cancelled_at = changed_at
            meeting.save(update_fields=["status", "cancelled_at"])
        self.result.imported += 1
        self._record(meeting, MeetingChange.Kind.CANCELLED, moment, None, changed_at,
                     meeting.sequence)

    def _record(self, meeting: Meeting, kind: str, old_start: dt.datetime,
                new_start: dt.datetime | None, changed_at: dt.datetime, sequence: int) -> None:
        MeetingChange.objects.get_or_create(
            meeting=meeting, kind=kind, old_start=old_start, sequence=sequence,
            defaults={"workspace": self.workspace, "new_start": new_start,
                      "changed_at": changed_at, "lead_time": old_start - changed_at},
        )


def import_ics(workspace: Workspace, data: bytes, source: str = Source.ICS,
               now: dt.datetime | None = None) -> ImportResult:
    return CalendarImporter(workspace, source, now=now).run(data)
