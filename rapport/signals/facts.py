"""Fact detectors: signals from invoices, reminders, payment promises, threads, meetings and
notes. Each returns `Candidate`s; `services.py` stores them (idempotently)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.billing.models import Invoice
from rapport.clients.models import Client, Note
from rapport.comms.linking import own_addresses
from rapport.comms.models import Direction, Meeting, MeetingChange, MeetingLog, Message
from rapport.comms.stats import describe_lead, organized_by
from rapport.dunning.models import PaymentPromise, Reminder
from rapport.signals.text import own_text

SLOW_PAYMENT_DAYS = 7          # days past due before an invoice counts as paid late
UNRESPONSIVE_DAYS = 5          # days the client may take to answer a question
LATE_CHANGE = dt.timedelta(hours=24)
OFF_TOPIC_SHARE = 0.25
INCIDENT_STRENGTH = {1: Decimal("0.40"), 2: Decimal("0.70"), 3: Decimal("1.00")}


@dataclass
class Candidate:
    kind: str
    occurred_at: dt.datetime
    strength: Decimal
    explanation: str
    source_type: str
    source_id: int
    evidence: str = ""
    span_start: int = -1
    span_end: int = -1
    category: str = ""


def _clip(value: float) -> Decimal:
    return Decimal(str(round(max(0.0, min(1.0, value)), 2)))


def _noon(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=tz)


def slow_payment(client: Client, today: dt.date) -> list[Candidate]:
    tz = client.workspace.tz
    invoices = (Invoice.objects.filter(client=client, state=Invoice.State.ISSUED,
                                       due_date__isnull=False)
                .exclude(kind=Invoice.Kind.CANCELLATION).prefetch_related("payments"))
    sent = defaultdict(int)
    for invoice_id in Reminder.objects.filter(
            invoice__client=client, state=Reminder.State.SENT).values_list("invoice_id",
                                                                           flat=True):
        sent[invoice_id] += 1
    result = []
    for invoice in invoices:
        if invoice.amount_due <= 0:
            continue
        days = invoice.days_late(today)
        reminders = sent[invoice.pk]
        if days < SLOW_PAYMENT_DAYS and not reminders:
            continue
        paid_on = invoice.paid_on()
        if paid_on:
            text = _("Invoice %(number)s was paid %(days)d days late, after %(reminders)d "
                     "reminder(s).")
        else:
            text = _("Invoice %(number)s is unpaid %(days)d days after its due date; "
                     "%(reminders)d reminder(s) sent.")
        result.append(Candidate(
            "slow_payment", _noon(invoice.due_date + dt.timedelta(days=SLOW_PAYMENT_DAYS), tz),
            _clip(0.3 + days / 60 + 0.15 * reminders),
            text % {"number": invoice.number, "days": days, "reminders": reminders},
            "invoice", invoice.pk, evidence=invoice.number))
    return result


def promises(client: Client) -> list[Candidate]:
    tz = client.workspace.tz
    result = []
    for promise in PaymentPromise.objects.filter(
            invoice__client=client, outcome__in=["kept", "broken"]).select_related("invoice"):
        broken = promise.outcome == PaymentPromise.Outcome.BROKEN
        text = (_("Promised to pay invoice %(number)s by %(date)s and did not.") if broken
                else _("Promised to pay invoice %(number)s by %(date)s and did."))
        result.append(Candidate(
            "broken_promise" if broken else "kept_promise",
            _noon(promise.resolved_on or promise.pay_by, tz),
            Decimal("0.80") if broken else Decimal("0.50"),
            text % {"number": promise.invoice.number, "date": promise.pay_by.isoformat()},
            "promise", promise.pk, evidence=promise.note))
    return result


_QUESTION = re.compile(r"[^.!?\n]*\?")


def question_in(body: str) -> str:
    """The last question the sender asked in their own words ("" if none)."""
    found = _QUESTION.findall(own_text(body))
    return found[-1].strip() if found else ""


def unresponsive(client: Client, now: dt.datetime, since: dt.datetime | None = None
                 ) -> list[Candidate]:
    """A question of mine the client answered only after more than N days, or never.

    With `since`, only threads with a message from then on are read (incremental runs);
    older threads keep the signals they have."""
    limit = dt.timedelta(days=UNRESPONSIVE_DAYS)
    threads: dict[str, list[Message]] = defaultdict(list)
    rows = Message.objects.filter(client=client)
    if since is not None:
        rows = rows.filter(thread_key__in=Message.objects.filter(
            client=client, date__gte=since).values("thread_key"))
    for message in (rows.order_by("date", "pk")
                    .only("pk", "thread_key", "date", "direction", "body_text")):
        threads[message.thread_key].append(message)
    result = []
    for messages in threads.values():
        for index, message in enumerate(messages):
            if message.direction != Direction.OUTBOUND:
                continue
            question = question_in(message.body_text)
            if not question:
                continue
            later = messages[index + 1:]
            answer = next((m for m in later if m.direction == Direction.INBOUND), None)
            if answer is None:
                if any(m.direction == Direction.OUTBOUND and question_in(m.body_text)
                       for m in later):
                    continue  # the follow-up question carries the wait
                waited = now - message.date
                if waited <= limit:
                    continue
                text = _("You asked a question %(days)d days ago and have no answer yet.")
            else:
                waited = answer.date - message.date
                if waited <= limit:
                    continue
                text = _("You asked a question; the answer took %(days)d days.")
            days = waited.days
            result.append(Candidate(
                "unresponsive", message.date + limit,
                _clip(0.5 + (days - UNRESPONSIVE_DAYS) / (4 * UNRESPONSIVE_DAYS)),
                text % {"days": days}, "message", message.pk, evidence=question[:500]))
    return result


def cancellations(client: Client) -> list[Candidate]:
    """Late cancellations and moves by the client. Only the organizer of a meeting can
    cancel or move it, so meetings the freelancer organized never count against the
    client. Notice is worded as on the timeline ('30 min', '5 h')."""
    result = []
    changed = set()
    own = own_addresses(client.workspace)
    for change in MeetingChange.objects.filter(meeting__client=client,
                                               lead_time__lt=LATE_CHANGE).select_related(
            "meeting"):
        changed.add(change.meeting_id)
        if organized_by(change.meeting, own):
            continue
        hours = change.lead_time.total_seconds() / 3600
        cancelled = change.kind == MeetingChange.Kind.CANCELLED
        text = (_("“%(title)s” was cancelled %(notice)s before the start.") if cancelled
                else _("“%(title)s” was moved %(notice)s before the start."))
        result.append(Candidate(
            "cancellation", change.changed_at,
            _clip((0.8 if cancelled else 0.6) + (0.2 if hours < 3 else 0)),
            text % {"title": change.meeting.summary,
                    "notice": describe_lead(max(change.lead_time, dt.timedelta(0)))},
            "meetingchange", change.pk, evidence=change.meeting.summary))
    for meeting in Meeting.objects.filter(client=client, status=Meeting.Status.CANCELLED,
                                          cancelled_at__isnull=False):
        lead = meeting.cancellation_lead
        if meeting.pk in changed or lead is None or lead >= LATE_CHANGE:
            continue
        if organized_by(meeting, own):
            continue
        result.append(Candidate(
            "cancellation", meeting.cancelled_at, Decimal("0.80"),
            _("“%(title)s” was cancelled %(notice)s before the start.")
            % {"title": meeting.summary, "notice": describe_lead(max(lead, dt.timedelta(0)))},
            "meeting", meeting.pk, evidence=meeting.summary))
    tz = client.workspace.tz
    for log in MeetingLog.objects.filter(Q(no_show=True) | Q(late_cancellation=True),
                                         client=client):
        if log.meeting_id in changed and not log.no_show:
            continue
        text = (_("Did not show up for the call on %(date)s.") if log.no_show
                else _("Cancelled the call on %(date)s at short notice."))
        result.append(Candidate(
            "cancellation", _noon(log.held_on, tz),
            Decimal("1.00") if log.no_show else Decimal("0.70"),
            text % {"date": log.held_on.isoformat()}, "meetinglog", log.pk,
            evidence=log.notes[:500]))
    return result


def off_topic_calls(client: Client) -> list[Candidate]:
    tz = client.workspace.tz
    result = []
    for log in MeetingLog.objects.filter(client=client, no_show=False, actual_minutes__gt=0):
        share = log.off_topic_minutes / log.actual_minutes
        if share < OFF_TOPIC_SHARE:
            continue
        result.append(Candidate(
            "off_topic_calls", _noon(log.held_on, tz), _clip(share * 2),
            _("%(off)d of %(total)d minutes of the call on %(date)s were off topic.")
            % {"off": log.off_topic_minutes, "total": log.actual_minutes,
               "date": log.held_on.isoformat()},
            "meetinglog", log.pk, evidence=log.notes[:500]))
    return result


def incidents(client: Client) -> list[Candidate]:
    tz = client.workspace.tz
    result = []
    for note in Note.objects.filter(client=client, kind=Note.Kind.INCIDENT):
        category = note.incident_category or Note.IncidentCategory.OTHER
        result.append(Candidate(
            "incident", _noon(note.happened_on, tz),
            INCIDENT_STRENGTH.get(note.severity or 2, Decimal("0.70")),
            _("Incident you recorded: %(category)s.")
            % {"category": Note.IncidentCategory(category).label},
            "note", note.pk, evidence=note.text[:1000], category=category))
    return result


def all_facts(client: Client, now: dt.datetime | None = None,
              since: dt.datetime | None = None) -> Iterable[Candidate]:
    now = now or timezone.now()
    today = now.astimezone(client.workspace.tz).date()
    yield from slow_payment(client, today)
    yield from promises(client)
    yield from unresponsive(client, now, since)
    yield from cancellations(client)
    yield from off_topic_calls(client)
    yield from incidents(client)
