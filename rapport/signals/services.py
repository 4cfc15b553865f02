"""Turning sources into signals, idempotently; dismissing and muting.

Every write goes through `_Writer`: it looks up what exists for the sources in scope,
creates only what is missing (`bulk_create(ignore_conflicts=True)` behind the unique
constraint on (source_type, source_id, kind, span_start)), refreshes the strength and
explanation of fact signals that grow with time (days late), never touches a dismissed
signal and skips kinds muted for the client. Message signals are one per kind and message.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection, Iterable

from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Q
from django.utils import translation

from rapport.billing.models import Invoice, Payment
from rapport.clients.models import Client, Note
from rapport.comms.mailparse import is_reply_subject
from rapport.comms.models import Direction, Meeting, MeetingChange, MeetingLog, Message
from rapport.core import clock
from rapport.core.models import Workspace
from rapport.core.office_hours import is_within
from rapport.core.pipeline import follow_up
from rapport.dunning.models import PaymentPromise, Reminder
from rapport.extras.models import ExtraRequest
from rapport.signals import facts
from rapport.signals.changes import announce
from rapport.signals.detectors import Hit, detect_text, detect_time
from rapport.signals.explain import Explanation
from rapport.signals.facts import Candidate
from rapport.signals.memory import ExampleMemory
from rapport.signals.models import (
    FACT_SOURCES,
    Checkpoint,
    MutedKind,
    Signal,
    SignalKind,
    SignalSource,
    UnlinkedMessage,
)
from rapport.signals.teaching import (
    forget_dismissal,
    learn_from_dismissal,
    load_memory,
    taught_explanation,
)

logger = logging.getLogger(__name__)


def office_checker(workspace: Workspace) -> Callable[[dt.datetime], bool]:
    """`workspace.is_office_time`, with the holiday calendar built once per year."""
    calendars: dict[int, object] = {}
    hours, tz = workspace.hours_by_weekday, workspace.tz

    def check(moment: dt.datetime) -> bool:
        year = moment.astimezone(tz).year
        if year not in calendars:
            calendars[year] = workspace.public_holidays(year)
        return is_within(moment, hours, tz, calendars[year])

    return check


def message_candidates(message: Message, is_office_time: Callable[[dt.datetime], bool],
                       tz: dt.tzinfo, default_language: str = "en",
                       memory: ExampleMemory | None = None) -> list[Candidate]:
    """What the message detectors see in one incoming message (no database access);
    `memory`: the workspace's judged sentences (see `rapport.signals.teaching`)."""
    if message.direction != Direction.INBOUND:
        return []
    result = detect_text(message.body_text, default_language=default_language)
    taught: dict = {}
    if memory:
        result, taught = memory.adjust(message.body_text, result)
    hits: list[tuple[Hit, bool]] = [(hit, False) for hit in result.hits]
    if message.subject and not is_reply_subject(message.subject):
        in_body = result.kinds
        subject = detect_text(message.subject, language=result.language)
        if memory:
            subject = memory.adjust(message.subject, subject)[0]
        hits += [(hit, True) for hit in subject.hits if hit.kind not in in_body]
    candidates = []
    for hit, in_subject in hits:
        explanation = Explanation(hit.kind, {"in_subject": in_subject, "words": list(hit.words)}
                                  if hit.words else {"in_subject": in_subject})
        if hit.kind in taught and not in_subject:
            explanation = taught_explanation(taught[hit.kind])
        candidates.append(Candidate(
            hit.kind, message.date, hit.strength, explanation, SignalSource.MESSAGE, message.pk,
            evidence=hit.evidence, span_start=-1 if in_subject else hit.start,
            span_end=-1 if in_subject else hit.end))
    return candidates + _time_candidates(message, is_office_time, tz)


def _time_candidates(message: Message, is_office_time: Callable[[dt.datetime], bool],
                     tz: dt.tzinfo) -> list[Candidate]:
    candidates = []
    for hit in detect_time(message.date, is_office_time, tz):
        # No evidence text: the explanation shows the time in the reader's format.
        candidates.append(Candidate(hit.kind, message.date, hit.strength,
                                    Explanation(hit.kind, {"when": message.date}),
                                    SignalSource.MESSAGE, message.pk))
    return candidates


TIME_KINDS = (SignalKind.AFTER_HOURS, SignalKind.LATE_NIGHT)


def redetect_office_time(workspace: Workspace) -> int:
    """After the office hours, time zone or holiday region changed: rejudge every incoming
    message's time. Dismissed signals stay dismissed; returns the signals now present."""
    with translation.override(_language(workspace)):
        stale = Signal.objects.filter(workspace=workspace, source_type=SignalSource.MESSAGE,
                                      kind__in=TIME_KINDS, dismissed_at__isnull=True)
        touched = set(stale.values_list("client_id", flat=True).distinct())
        stale.delete()
        checker, tz, writer = office_checker(workspace), workspace.tz, _Writer(workspace)
        for message in (Message.objects.filter(workspace=workspace,
                                               direction=Direction.INBOUND,
                                               client__isnull=False)
                        .only("pk", "client_id", "date").iterator(chunk_size=2000)):
            writer.add(message.client_id, _time_candidates(message, checker, tz))
            if len(writer.pending) > 2000:
                writer.flush()
        writer.flush()
        announce(touched)
    return Signal.objects.filter(workspace=workspace, source_type=SignalSource.MESSAGE,
                                 kind__in=TIME_KINDS, dismissed_at__isnull=True).count()


class _Writer:
    """Collects candidates for one workspace and writes them idempotently."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.muted: dict[int, set[str]] = {}
        for client_id, kind in MutedKind.objects.filter(workspace=workspace).values_list(
                "client_id", "kind"):
            self.muted.setdefault(client_id, set()).add(kind)
        self.pending: list[tuple[int, Candidate, bool]] = []

    def add(self, client_id: int, candidates: Iterable[Candidate], update: bool = False
            ) -> None:
        muted = self.muted.get(client_id, set())
        self.pending += [(client_id, c, update) for c in candidates if c.kind not in muted]

    def flush(self) -> list[Signal]:
        if not self.pending:
            return []
        keys = {(c.source_type, c.source_id) for _cid, c, _u in self.pending}
        existing: dict[tuple[str, int, str], Signal] = {}
        for source_type in {k[0] for k in keys}:
            ids = [k[1] for k in keys if k[0] == source_type]
            for start in range(0, len(ids), 500):
                for signal in Signal.objects.filter(source_type=source_type,
                                                    source_id__in=ids[start:start + 500]):
                    existing[(signal.source_type, signal.source_id, signal.kind)] = signal
        new: list[Signal] = []
        changed: set[int] = set()
        seen: set[tuple[str, int, str]] = set()
        for client_id, c, update in self.pending:
            key = (c.source_type, c.source_id, c.kind)
            if key in seen:
                continue
            seen.add(key)
            found = existing.get(key)
            if found is None:
                new.append(Signal(
                    workspace=self.workspace, client_id=client_id, kind=c.kind,
                    occurred_at=c.occurred_at, strength=c.strength,
                    message_code=c.explanation.code, params=c.explanation.stored(),
                    source_type=c.source_type, source_id=c.source_id, evidence=c.evidence,
                    span_start=c.span_start, span_end=c.span_end, category=c.category))
            elif update and found.dismissed_at is None and (
                    found.strength != c.strength or found.occurred_at != c.occurred_at
                    or found.message_code != c.explanation.code
                    or found.params != c.explanation.stored()):
                # The fact changed (paid at last, answered late, promise settled): the
                # signal says what is true now.
                Signal.objects.filter(pk=found.pk).update(
                    strength=c.strength, occurred_at=c.occurred_at,
                    message_code=c.explanation.code, params=c.explanation.stored(),
                    explanation="")
                changed.add(found.client_id)
        self.pending = []
        if new:
            Signal.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
        announce(changed | {signal.client_id for signal in new})
        return new


def _language(workspace: Workspace) -> str:
    return workspace.language if workspace.language in ("de", "en") else "en"


def detect_for_message(message: Message) -> list[Signal]:
    """Detect and store the signals of one incoming message (nothing for my own mail)."""
    if message.direction != Direction.INBOUND or message.client_id is None:
        return []
    workspace = message.workspace
    with translation.override(_language(workspace)):
        writer = _Writer(workspace)
        writer.add(message.client_id, message_candidates(
            message, office_checker(workspace), workspace.tz, _language(workspace),
            memory=load_memory(workspace.pk)))
        writer.flush()
    return list(Signal.objects.filter(source_type=SignalSource.MESSAGE, source_id=message.pk,
                                      dismissed_at__isnull=True)
                .exclude(kind=SignalKind.UNRESPONSIVE))


def _detect_messages(workspace: Workspace, messages: Iterable[Message], writer: _Writer
                     ) -> int:
    checker, tz, language = office_checker(workspace), workspace.tz, _language(workspace)
    memory = load_memory(workspace.pk)
    count = 0
    for message in messages:
        try:
            found = message_candidates(message, checker, tz, language, memory=memory)
        except Exception:  # one unreadable message must not stop the workspace's others
            logger.exception("Detecting signals in message %s failed", message.pk)
            continue
        writer.add(message.client_id, found)
        count += 1
        if len(writer.pending) > 2000:
            writer.flush()
    return count


def _message_rows(queryset):  # noqa: ANN001, ANN202
    return (queryset.filter(direction=Direction.INBOUND, client__isnull=False)
            .only("pk", "client_id", "date", "subject", "body_text", "direction")
            .order_by("pk").iterator(chunk_size=1000))


def _facts_for(client: Client, writer: _Writer, now: dt.datetime | None = None,
               since: dt.datetime | None = None, fresh: Collection[int] = ()) -> None:
    """Rerun the fact detectors; a fact that no longer holds (a deleted note, a cancelled
    invoice, a question answered in time after all) loses its signal unless the user has
    dismissed it. With `since`, only the conversations read are judged again (see
    `facts.client_waits`); the others keep their `unresponsive` signals."""
    today = (now or clock.now()).astimezone(client.workspace.tz).date()
    _settle_promises(client, today)
    read: set[int] = set()
    candidates = list(facts.all_facts(client, now, since, fresh, read))
    writer.add(client.pk, candidates, update=True)
    keep = {(c.source_type, c.source_id, c.kind) for c in candidates}
    judged = Q(kind=SignalKind.UNRESPONSIVE)
    if since is not None:
        judged &= Q(source_id__in=read)
    stale = Signal.objects.filter(client=client, dismissed_at__isnull=True).filter(
        Q(source_type__in=FACT_SOURCES) | judged)
    gone = [pk for pk, source_type, source_id, kind in stale.values_list(
        "pk", "source_type", "source_id", "kind") if (source_type, source_id, kind) not in keep]
    if gone:
        Signal.objects.filter(pk__in=gone).delete()
        announce([client.pk])


def _settle_promises(client: Client, today: dt.date) -> None:
    """Keep the promises' recorded outcome in step with the payments as recorded now, so
    the invoice page and the signal tell the same story (a payment entered late turns a
    broken promise into a kept one)."""
    for promise in facts.client_promises(client):
        outcome, settled = facts.promise_verdict(promise, today)
        if (outcome, settled) != (promise.outcome, promise.resolved_on) and not (
                outcome == promise.outcome == PaymentPromise.Outcome.BROKEN):
            PaymentPromise.objects.filter(pk=promise.pk).update(outcome=outcome,
                                                                resolved_on=settled)


def rejudge_facts(workspace: Workspace, client_ids: Iterable[int],
                  now: dt.datetime | None = None, *, since: dt.datetime | None = None,
                  fresh_messages: Collection[int] = ()) -> int:
    """Judge the fact signals of these clients again, now: call it after anything about
    them changed (messages imported or linked, a payment, a promise, a meeting, a note).

    An `unresponsive` signal goes away when the answer came in time, or says how long it
    took (and which message answered); slow payment says when the invoice was paid and
    how late; promises become kept or broken by the payments as recorded. Without `since`
    every conversation of the client is read; with it, only those active since then or
    containing one of `fresh_messages`. Dismissed signals stay dismissed. Returns the
    number of clients judged."""
    count = 0
    with translation.override(_language(workspace)):
        writer = _Writer(workspace)
        for client in Client.objects.filter(workspace=workspace, pk__in=set(client_ids)
                                            ).select_related("workspace"):
            try:
                with transaction.atomic():  # a savepoint: the other clients go on
                    _facts_for(client, writer, now, since, fresh_messages)
            except Exception:
                logger.exception("Judging the facts of client %s failed", client.pk)
                continue
            count += 1
        writer.flush()
    return count


def detect_for_client(client: Client, now: dt.datetime | None = None) -> None:
    """All detectors for one client: its incoming messages and the facts."""
    workspace = client.workspace
    with translation.override(_language(workspace)):
        writer = _Writer(workspace)
        _detect_messages(workspace, _message_rows(Message.objects.filter(client=client)),
                         writer)
        _facts_for(client, writer, now)
        writer.flush()


def refresh_workspace(workspace: Workspace, now: dt.datetime | None = None) -> None:
    """Run every detector over the whole workspace; running it twice adds nothing."""
    with translation.override(_language(workspace)):
        writer = _Writer(workspace)
        _detect_messages(workspace, _message_rows(
            Message.objects.filter(workspace=workspace)), writer)
        for client in Client.objects.filter(workspace=workspace).select_related("workspace"):
            _facts_for(client, writer, now)
        writer.flush()


# -- the user's verdicts ------------------------------------------------------------------


def dismiss(signal: Signal, user: object | None = None) -> None:
    """"Not a red flag": excluded from then on, and never created again; its sentence
    becomes a negative example of the workspace, so similar sentences stop firing."""
    if signal.dismissed_at is None:
        signal.dismissed_at = clock.now()
        signal.save(update_fields=["dismissed_at"])
        learn_from_dismissal(signal, user)
        follow_up(signal.workspace_id, [signal.client_id])


def restore(signal: Signal) -> None:
    signal.dismissed_at = None
    signal.save(update_fields=["dismissed_at"])
    forget_dismissal(signal)
    follow_up(signal.workspace_id, [signal.client_id])


def mute(client: Client, kind: str) -> MutedKind:
    """This kind no longer counts for this client; its health is reassessed at once."""
    try:
        with transaction.atomic():
            muted = MutedKind.objects.get_or_create(workspace=client.workspace, client=client,
                                                    kind=kind)[0]
    except IntegrityError:
        muted = MutedKind.objects.get(client=client, kind=kind)
    follow_up(client.workspace_id, [client.pk])
    return muted


def unmute(client: Client, kind: str) -> None:
    """The kind counts again: the client's messages are read again for it (signals were
    not written while it was muted) and the health is reassessed at once."""
    MutedKind.objects.filter(client=client, kind=kind).delete()
    first = Message.objects.filter(client=client).aggregate(first=Min("pk"))["first"]
    follow_up(client.workspace_id, [client.pk], messages_from=first)


# -- incremental detection ----------------------------------------------------------------

# The tables `detect_new` watches (name of the checkpoint, model, path to the client).
_WATCHED_TABLES: list[tuple[str, type, str]] = [
    ("invoice", Invoice, "client_id"),
    ("payment", Payment, "invoice__client_id"),
    ("reminder", Reminder, "invoice__client_id"),
    ("promise", PaymentPromise, "invoice__client_id"),
    ("meeting", Meeting, "client_id"),
    ("meetingchange", MeetingChange, "meeting__client_id"),
    ("meetinglog", MeetingLog, "client_id"),
    ("note", Note, "client_id"),
    ("extrarequest", ExtraRequest, "client_id"),
]


# Incremental runs reread only threads active in this window for `unresponsive`.
INCREMENTAL_THREAD_WINDOW = dt.timedelta(days=90)


def _checkpoint(name: str) -> Checkpoint:
    return Checkpoint.objects.get_or_create(name=name)[0]


def detect_new(now: dt.datetime | None = None, *, daily: bool = True,
               clients: dict[int, set[int]] | None = None) -> dict[str, int]:
    """Process what arrived since the last run, in all workspaces.

    New incoming messages are read once (by primary key); messages without a client are
    remembered and read when their sender is linked. Clients with any new fact, an overdue
    invoice, a pending promise or a recent question of mine get their fact detectors rerun
    (these signals grow with time). Safe to run concurrently: the unique constraint stops
    duplicates. `daily=False` leaves the once-a-day reread to the scheduler; `clients`
    ({workspace pk: client pks}) have their fact detectors rerun in any case."""
    now = now or clock.now()
    stats = {"messages": 0, "clients": 0}
    by_workspace: dict[int, set[int]] = {ws: set(ids) for ws, ids in (clients or {}).items()}

    def touch(workspace_id: int, client_id: int | None) -> None:
        if client_id:
            by_workspace.setdefault(workspace_id, set()).add(client_id)

    message_cp = _checkpoint("message")
    high = Message.objects.aggregate(top=Max("pk"))["top"] or 0
    new_messages = Message.objects.filter(pk__gt=message_cp.position, pk__lte=high)
    # Workspaces whose detection failed before: their messages from the marker are read
    # again and all their clients judged again (the fact checkpoints moved on as well).
    retry = retry_markers()
    for workspace_id in retry:
        by_workspace.setdefault(workspace_id, set()).update(
            Client.objects.filter(workspace_id=workspace_id).values_list("pk", flat=True))
    unlinked = [UnlinkedMessage(workspace_id=ws, message_id=pk) for pk, ws in new_messages.filter(
        direction=Direction.INBOUND, client__isnull=True).values_list("pk", "workspace_id")]
    UnlinkedMessage.objects.bulk_create(unlinked, ignore_conflicts=True)
    # Messages new to a client, by client: their conversations are judged again even when
    # they are dated long ago (an old mailbox imported today).
    fresh: set[int] = set()
    linked_later = list(UnlinkedMessage.objects.filter(message__client__isnull=False)
                        .values_list("message_id", flat=True))
    for source in (new_messages.filter(client__isnull=False),
                   Message.objects.filter(pk__in=linked_later)):
        for pk, workspace_id, client_id in source.values_list("pk", "workspace_id",
                                                              "client_id").iterator():
            touch(workspace_id, client_id)
            fresh.add(pk)
    for workspace_id, first_pk in retry.items():
        fresh.update(Message.objects.filter(workspace_id=workspace_id, pk__gte=first_pk,
                                            pk__lte=high, client__isnull=False)
                     .values_list("pk", flat=True))

    for name, model, client_path in _WATCHED_TABLES:
        checkpoint = _checkpoint(name)
        top = model.objects.aggregate(top=Max("pk"))["top"] or 0
        if top > checkpoint.position:
            for workspace_id, client_id in model.objects.filter(
                    pk__gt=checkpoint.position, pk__lte=top).values_list(
                    "workspace_id", client_path).distinct():
                touch(workspace_id, client_id)
            Checkpoint.objects.filter(pk=checkpoint.pk).update(position=top)
    # Facts that change with the passing of time (days late, days without an answer):
    # reread once per day, not on every run, so a run for one new message stays small.
    today = now.date()
    daily_cp = _checkpoint("daily-facts")
    if daily and daily_cp.position != today.toordinal():
        for workspace_id, client_id in _clients_with_facts_over_time(now):
            touch(workspace_id, client_id)

    failed: set[int] = set()
    for workspace in Workspace.objects.filter(pk__in=set(by_workspace) | set(
            UnlinkedMessage.objects.filter(message_id__in=linked_later).values_list(
                "workspace_id", flat=True)) | set(new_messages.values_list(
                "workspace_id", flat=True).distinct())):
        since_pk = min(retry.get(workspace.pk, high + 1), message_cp.position + 1)
        try:
            with transaction.atomic(), translation.override(_language(workspace)):
                writer = _Writer(workspace)
                read = _detect_messages(workspace, _message_rows(
                    Message.objects.filter(workspace=workspace).filter(
                        Q(pk__gte=since_pk, pk__lte=high) | Q(pk__in=linked_later))),
                    writer)
                writer.flush()
                clients = rejudge_facts(
                    workspace, by_workspace.get(workspace.pk, set()), now,
                    since=now - INCREMENTAL_THREAD_WINDOW, fresh_messages=fresh)
        except Exception:  # one workspace's failure must not stop detection for the others
            logger.exception("Detecting signals in workspace %s failed; it will be retried",
                             workspace.pk)
            stats["failed_workspaces"] = stats.get("failed_workspaces", 0) + 1
            failed.add(workspace.pk)
            _mark_for_retry(workspace.pk, since_pk)
            continue
        # Only a marker this run has read past goes (another run may have set a lower one).
        Checkpoint.objects.filter(name=_retry_name(workspace.pk),
                                  position__gte=since_pk).delete()
        stats["messages"] += read
        stats["clients"] += clients
    UnlinkedMessage.objects.filter(message_id__in=linked_later).exclude(
        workspace_id__in=failed).delete()
    Checkpoint.objects.filter(pk=message_cp.pk).update(position=max(high, message_cp.position))
    if daily:
        Checkpoint.objects.filter(pk=daily_cp.pk).update(position=today.toordinal())
    return stats


def detect_messages_from(workspace: Workspace, client_ids: Iterable[int], first_pk: int,
                         last_pk: int) -> int:
    """Detect the incoming messages of these clients in a range of primary keys, for a
    commit that became visible after `detect_new` had already read past its keys (two
    imports committing out of order on PostgreSQL). Idempotent."""
    with translation.override(_language(workspace)):
        writer = _Writer(workspace)
        count = _detect_messages(workspace, _message_rows(Message.objects.filter(
            workspace=workspace, client_id__in=list(client_ids), pk__gte=first_pk,
            pk__lte=last_pk)), writer)
        writer.flush()
    return count


def _retry_name(workspace_id: int) -> str:
    return f"retry-message:{workspace_id}"


def _mark_for_retry(workspace_id: int, first_pk: int) -> None:
    """Remember the lowest message a failed run did not read for this workspace; the
    global checkpoint moves on for the others, the next run reads these again."""
    marker, _created = Checkpoint.objects.get_or_create(name=_retry_name(workspace_id),
                                                        defaults={"position": first_pk})
    if marker.position > first_pk:
        Checkpoint.objects.filter(pk=marker.pk).update(position=first_pk)


def retry_markers() -> dict[int, int]:
    """{workspace pk: lowest message pk to read again} for workspaces whose detection
    failed and has not succeeded since."""
    prefix = _retry_name(0)[:-1]
    return {int(name.removeprefix(prefix)): position for name, position in
            Checkpoint.objects.filter(name__startswith=prefix).values_list("name", "position")}


def messages_awaiting_retry(workspace: Workspace) -> int | None:
    """How many messages of this workspace wait for a retried signal detection (None:
    nothing failed). Shown on the dashboard's background-work panel."""
    marker = Checkpoint.objects.filter(name=_retry_name(workspace.pk)).first()
    if marker is None:
        return None
    return Message.objects.filter(workspace=workspace, pk__gte=marker.position).count()


def message_position() -> int:
    """How far `detect_new` has read the messages (the highest primary key)."""
    return _checkpoint("message").position


def _clients_with_facts_over_time(now: dt.datetime) -> set[tuple[int, int]]:
    """(workspace, client) pairs whose fact signals may have grown since yesterday:
    overdue invoices, promises, questions of mine waiting for an answer."""
    today = now.date()
    pairs = set(Invoice.objects.filter(
        state=Invoice.State.ISSUED,
        due_date__lt=today - dt.timedelta(days=facts.SLOW_PAYMENT_DAYS - 1)).filter(
        Q(payments__isnull=True) | Q(payments__paid_on__gte=today - dt.timedelta(days=2))
    ).values_list("workspace_id", "client_id").distinct())
    pairs |= set(PaymentPromise.objects.filter(
        Q(outcome=PaymentPromise.Outcome.PENDING) | Q(resolved_on__gte=today - dt.timedelta(days=2))
    ).values_list("workspace_id", "invoice__client_id").distinct())
    recent = now - dt.timedelta(days=facts.UNRESPONSIVE_DAYS * 4)
    pairs |= set(Message.objects.filter(
        direction=Direction.OUTBOUND, date__gte=recent, client__isnull=False,
        body_text__contains="?").values_list("workspace_id", "client_id").distinct())
    return pairs
