"""Fact detectors: signals from invoices, reminders, payment promises, threads, meetings and
notes. Each returns `Candidate`s; `services.py` stores them (idempotently)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Prefetch, Q

from rapport.billing.models import Invoice
from rapport.clients.models import Client, Note
from rapport.comms.linking import own_addresses
from rapport.comms.models import Direction, Meeting, MeetingChange, MeetingLog, Message
from rapport.comms.stats import organized_by
from rapport.core import clock
from rapport.dunning.models import PaymentPromise, Reminder
from rapport.extras.models import ExtraRequest
from rapport.extras.recurrence import counts_in_window, thresholds
from rapport.signals.explain import Explanation, Money
from rapport.signals.models import SignalKind, SignalSource
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
    explanation: Explanation
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
        params = {"number": invoice.number, "days": days, "reminders": reminders,
                  "amount": Money(invoice.amount_due, invoice.currency)}
        explanation = (Explanation("invoice_paid_late", {**params, "paid_on": paid_on})
                       if paid_on else Explanation("invoice_unpaid", params))
        result.append(Candidate(
            SignalKind.SLOW_PAYMENT,
            _noon(invoice.due_date + dt.timedelta(days=SLOW_PAYMENT_DAYS), tz),
            _clip(0.3 + days / 60 + 0.15 * reminders), explanation,
            SignalSource.INVOICE, invoice.pk, evidence=invoice.number))
    return result


def promise_verdict(promise: PaymentPromise, today: dt.date
                    ) -> tuple[str, dt.date | None]:
    """(outcome, day it was settled) from the payments as recorded now: kept when the
    invoice was paid in full by the promised day, broken once that day has passed without
    it. A payment recorded late can turn a broken promise into a kept one."""
    paid_on = promise.invoice.paid_on()
    if paid_on is not None and paid_on <= promise.pay_by:
        return PaymentPromise.Outcome.KEPT, paid_on
    if today > promise.pay_by:
        return PaymentPromise.Outcome.BROKEN, promise.pay_by + dt.timedelta(days=1)
    return PaymentPromise.Outcome.PENDING, None


def client_promises(client: Client) -> list[PaymentPromise]:
    return list(PaymentPromise.objects.filter(invoice__client=client).select_related(
        "invoice").prefetch_related(Prefetch("invoice__payments")))


def promises(client: Client, today: dt.date | None = None) -> list[Candidate]:
    tz = client.workspace.tz
    today = today or clock.now().astimezone(tz).date()
    result = []
    for promise in client_promises(client):
        outcome, settled = promise_verdict(promise, today)
        if outcome == PaymentPromise.Outcome.PENDING:
            continue
        broken = outcome == PaymentPromise.Outcome.BROKEN
        params = {"number": promise.invoice.number, "date": promise.pay_by}
        result.append(Candidate(
            SignalKind.BROKEN_PROMISE if broken else SignalKind.KEPT_PROMISE,
            _noon(settled, tz),
            Decimal("0.80") if broken else Decimal("0.50"),
            Explanation("promise_broken" if broken else "promise_kept", params),
            SignalSource.PROMISE, promise.pk, evidence=promise.note))
    return result


_QUESTION = re.compile(r"[^.!?\n]*\?")


def question_in(body: str) -> str:
    """The last question the sender asked in their own words ("" if none)."""
    found = _QUESTION.findall(own_text(body))
    return found[-1].strip() if found else ""


@dataclass
class Wait:
    """A question of mine and the client's answer to it (None while unanswered)."""

    question: Thread
    answer: Thread | None
    asked: str = ""  # the question in my words


class Thread(NamedTuple):
    """What threading needs of a message (read in bulk, without the text)."""

    pk: int
    thread_key: str
    message_id: str
    in_reply_to: str
    date: dt.datetime
    direction: str


def conversations(messages: Iterable[Thread]) -> list[list[Thread]]:
    """The client's messages grouped into conversations, each in time order.

    Two messages belong together when they share a thread key, when one names the other
    in In-Reply-To, or when one's thread root (the first of its References) is the
    other's Message-ID — so an answer is found even when its headers name only the
    question, or only the thread's first message."""
    rows = list(messages)
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        parent[find(i)] = find(j)

    first_with: dict[str, int] = {}
    for index, row in enumerate(rows):
        for key in (row.thread_key, row.message_id):
            if not key:
                continue
            if key in first_with:
                join(index, first_with[key])
            else:
                first_with[key] = index
    for index, row in enumerate(rows):
        if row.in_reply_to and row.in_reply_to in first_with:
            join(index, first_with[row.in_reply_to])
    groups: dict[int, list[Thread]] = defaultdict(list)
    for index, row in enumerate(rows):
        groups[find(index)].append(row)
    return [sorted(group, key=lambda m: (m.date, m.pk)) for group in groups.values()]


def waits(conversation: list[Thread], asks: Callable[[Thread], bool]) -> list[Wait]:
    """In one conversation: each question of mine that opened a wait, with the client's
    next message as its answer. A second question before the answer does not start a new
    wait (the client owes one answer, not two). The answer-time statistics and the
    `unresponsive` signal both read this, so they always agree."""
    result: list[Wait] = []
    open_wait: Wait | None = None
    for message in conversation:
        if message.direction == Direction.OUTBOUND:
            if open_wait is None and asks(message):
                open_wait = Wait(message, None)
                result.append(open_wait)
        elif open_wait is not None:
            open_wait.answer = message
            open_wait = None
    return result




def client_waits(client: Client, since: dt.datetime | None = None,
                 fresh: Collection[int] = (), read: set[int] | None = None) -> list[Wait]:
    """Every question of mine to the client and its answer, over all their messages; with
    `since`, only conversations with a message dated from then on or one of the `fresh`
    (just imported or just linked) messages. `read`, if given, receives my messages in the
    conversations read."""
    rows = [Thread(*row) for row in Message.objects.filter(client=client).order_by(
        "date", "pk").values_list(*Thread._fields)]
    groups = conversations(rows)
    if since is not None:
        fresh = set(fresh)
        groups = [g for g in groups if any(m.date >= since or m.pk in fresh for m in g)]
    outbound = [m.pk for g in groups for m in g if m.direction == Direction.OUTBOUND]
    if read is not None:
        read.update(outbound)
    questions: dict[int, str] = {}
    for start in range(0, len(outbound), 500):
        for pk, body in Message.objects.filter(pk__in=outbound[start:start + 500]
                                               ).values_list("pk", "body_text"):
            question = question_in(body)
            if question:
                questions[pk] = question
    result = []
    for group in groups:
        for wait in waits(group, lambda m: m.pk in questions):
            wait.asked = questions[wait.question.pk]
            result.append(wait)
    return result


def judge_waits(found: list[Wait], now: dt.datetime) -> list[Candidate]:
    """A question of mine the client answered only after more than N days, or never."""
    limit = dt.timedelta(days=UNRESPONSIVE_DAYS)
    result = []
    for wait in found:
        question = wait.question
        if wait.answer is None:
            waited = now - question.date
            if waited <= limit:
                continue
            explanation = Explanation("question_unanswered", {"days": waited.days})
        else:
            waited = wait.answer.date - question.date
            if waited <= limit:
                continue
            explanation = Explanation("question_answered_late",
                                      {"days": waited.days, "answer": wait.answer.pk})
        days = waited.days
        result.append(Candidate(
            SignalKind.UNRESPONSIVE, question.date + limit,
            _clip(0.5 + (days - UNRESPONSIVE_DAYS) / (4 * UNRESPONSIVE_DAYS)),
            explanation, SignalSource.MESSAGE, question.pk,
            evidence=wait.asked[:500]))
    return result


def unresponsive(client: Client, now: dt.datetime, since: dt.datetime | None = None,
                 fresh: Collection[int] = ()) -> list[Candidate]:
    """The `unresponsive` candidates of one client (see `client_waits` for `since`)."""
    return judge_waits(client_waits(client, since, fresh), now)


def _minutes(lead: dt.timedelta) -> int:
    return max(0, int(lead.total_seconds() // 60))


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
        explanation = Explanation(
            "meeting_cancelled_late" if cancelled else "meeting_moved_late",
            {"title": change.meeting.summary, "lead_minutes": _minutes(change.lead_time)})
        result.append(Candidate(
            SignalKind.CANCELLATION, change.changed_at,
            _clip((0.8 if cancelled else 0.6) + (0.2 if hours < 3 else 0)), explanation,
            SignalSource.MEETING_CHANGE, change.pk, evidence=change.meeting.summary))
    for meeting in Meeting.objects.filter(client=client, status=Meeting.Status.CANCELLED,
                                          cancelled_at__isnull=False):
        lead = meeting.cancellation_lead
        if meeting.pk in changed or lead is None or lead >= LATE_CHANGE:
            continue
        if organized_by(meeting, own):
            continue
        result.append(Candidate(
            SignalKind.CANCELLATION, meeting.cancelled_at, Decimal("0.80"),
            Explanation("meeting_cancelled_late",
                        {"title": meeting.summary, "lead_minutes": _minutes(lead)}),
            SignalSource.MEETING, meeting.pk, evidence=meeting.summary))
    tz = client.workspace.tz
    for log in MeetingLog.objects.filter(Q(no_show=True) | Q(late_cancellation=True),
                                         client=client):
        if log.meeting_id in changed and not log.no_show:
            continue
        explanation = Explanation("no_show" if log.no_show else "call_cancelled_short_notice",
                                  {"date": log.held_on})
        result.append(Candidate(
            SignalKind.CANCELLATION, _noon(log.held_on, tz),
            Decimal("1.00") if log.no_show else Decimal("0.70"),
            explanation, SignalSource.MEETING_LOG, log.pk,
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
            SignalKind.OFF_TOPIC_CALLS, _noon(log.held_on, tz), _clip(share * 2),
            Explanation("off_topic", {"off": log.off_topic_minutes,
                                      "total": log.actual_minutes, "date": log.held_on}),
            SignalSource.MEETING_LOG, log.pk, evidence=log.notes[:500]))
    return result


def incidents(client: Client) -> list[Candidate]:
    tz = client.workspace.tz
    result = []
    for note in Note.objects.filter(client=client, kind=Note.Kind.INCIDENT):
        category = note.incident_category or Note.IncidentCategory.OTHER
        result.append(Candidate(
            SignalKind.INCIDENT, _noon(note.happened_on, tz),
            INCIDENT_STRENGTH.get(note.severity or 2, Decimal("0.70")),
            Explanation("incident", {"category": str(category)}),
            SignalSource.NOTE, note.pk, evidence=note.text[:1000], category=category))
    return result


SCOPE_CREEP_STRENGTH = Decimal("0.80")
RECURRING_STRENGTH = {ExtraRequest.Kind.SCOPE_CREEP: Decimal("1.00"),
                      ExtraRequest.Kind.FAVOUR: Decimal("0.70")}


def extra_requests(client: Client) -> list[Candidate]:
    """Logged extra requests as evidence of scope creep: every request logged as scope
    creep, and a favour once it recurs (the third of its kind within the window is a
    pattern, DOMAIN.md §5). A one-off favour is no warning sign; it counts on the value
    side of the health view instead. Paid extras are what should happen: no signal."""
    tz = client.workspace.tz
    extras = list(ExtraRequest.objects.filter(client=client, kind__in=ExtraRequest.UNPAID))
    counts = counts_in_window(extras)
    needed, window = thresholds()
    result = []
    for extra in extras:
        count = counts.get(extra.pk, 1)
        recurring = count >= needed
        if extra.kind == ExtraRequest.Kind.FAVOUR and not recurring:
            continue
        strength = RECURRING_STRENGTH[extra.kind] if recurring else SCOPE_CREEP_STRENGTH
        code = "extra_scope_creep" if extra.kind == ExtraRequest.Kind.SCOPE_CREEP \
            else "extra_favour_recurring"
        result.append(Candidate(
            SignalKind.SCOPE_CREEP, _noon(extra.requested_on, tz), strength,
            Explanation(code, {"label": extra.label, "date": extra.requested_on,
                               "minutes": extra.minutes, "count": count if recurring else 0,
                               "weeks": window.days // 7}),
            SignalSource.EXTRA_REQUEST, extra.pk, evidence=extra.description[:500]))
    return result


def all_facts(client: Client, now: dt.datetime | None = None,
              since: dt.datetime | None = None, fresh: Collection[int] = (),
              judged: set[int] | None = None) -> Iterable[Candidate]:
    """Every fact detector for one client. `judged`, if given, receives the questions of
    mine whose conversations were read (with `since`, not all are)."""
    now = now or clock.now()
    today = now.astimezone(client.workspace.tz).date()
    yield from slow_payment(client, today)
    yield from promises(client, today)
    yield from judge_waits(client_waits(client, since, fresh, judged), now)
    yield from cancellations(client)
    yield from off_topic_calls(client)
    yield from incidents(client)
    yield from extra_requests(client)
