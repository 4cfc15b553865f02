"""The user teaches the detectors: judged sentences become the workspace's examples.

"Not a red flag" stores the dismissed sentence as a negative example of its kind; "this
is a warning sign: <kind>" on any sentence of a message stores a positive one. Either way
the client's message signals are judged again at once with the workspace's example memory
(`rapport.signals.memory`), and the follow-up (health) is announced. Examples belong to
their workspace only: they are loaded by workspace, exported and deleted there.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from rapport.comms.models import Direction, Message
from rapport.core.models import Workspace
from rapport.core.pipeline import follow_up
from rapport.signals.changes import announce as signals_changed
from rapport.signals.explain import MESSAGES, Explanation
from rapport.signals.explain import Message as Wording
from rapport.signals.lexicon import TEXT_KINDS
from rapport.signals.memory import Example, ExampleMemory, normalise, sentences
from rapport.signals.models import Signal, SignalExample, SignalSource
from rapport.signals.text import own_text, sentence_bounds

EXPORT_FIELDS = ("kind", "label", "text", "normalised", "message_id", "created_by",
                 "created_at")
MAX_SENTENCE_CHARS = 1000
# Up to this many incoming messages of the client are judged again during the click.
SYNC_MESSAGES = 2000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TAUGHT = "taught_example"
MESSAGES[TAUGHT] = Wording(
    {"example": "str"},
    lambda p: _("You marked a similar sentence as this warning sign: “%(example)s”.") % p)


def taught_explanation(example: Example) -> Explanation:
    """Why a sentence fires that the lexicons did not find: the user's own example."""
    text = example.text if len(example.text) <= 200 else example.text[:199] + "…"
    return Explanation(TAUGHT, {"example": text})


def load_memory(workspace_id: int) -> ExampleMemory:
    """The workspace's judged sentences (one query)."""
    return ExampleMemory(
        Example.of(kind, label == SignalExample.Label.POSITIVE, text, normalised)
        for kind, label, text, normalised in SignalExample.objects.filter(
            workspace_id=workspace_id).values_list("kind", "label", "text", "normalised"))


def message_sentences(message: Message) -> list[tuple[int, int, str]]:
    """(start, end, text) of the sentences in the sender's own words that can be marked."""
    body = message.body_text or ""
    return [(start, end, body[start:end]) for start, end in sentences(own_text(body))]


def _store(workspace_id: int, kind: str, text: str, positive: bool,
           message: Message | None, user: object | None) -> SignalExample:
    text = " ".join(text.split())[:MAX_SENTENCE_CHARS]
    return SignalExample.objects.create(
        workspace_id=workspace_id, kind=kind, text=text, normalised=normalise(text),
        label=SignalExample.Label.POSITIVE if positive else SignalExample.Label.NEGATIVE,
        message=message, created_by=user if getattr(user, "pk", None) else None)


@transaction.atomic
def mark(message: Message, start: int, end: int, kind: str,
         user: object | None = None) -> SignalExample:
    """"This is a warning sign: <kind>" on the sentence body[start:end] of a message."""
    if kind not in TEXT_KINDS:
        raise ValueError(f"{kind!r} is not a kind found in message text")
    if (start, end) not in {(s, e) for s, e, _t in message_sentences(message)}:
        raise ValueError("not a sentence of this message")
    example = _store(message.workspace_id, kind, message.body_text[start:end], True,
                     message, user)
    rejudge(message.workspace, [message.client_id], message)
    return example


def learn_from_dismissal(signal: Signal, user: object | None = None) -> SignalExample | None:
    """The dismissed sentence becomes a negative example of its kind (message text
    signals only: times and facts have no sentence)."""
    if signal.source_type != SignalSource.MESSAGE or signal.kind not in TEXT_KINDS:
        return None
    message = Message.objects.filter(workspace_id=signal.workspace_id,
                                     pk=signal.source_id).first()
    text = signal.evidence
    if message is not None and signal.span_start < 0:
        text = message.subject or text  # found in the subject: the subject is the sentence
    elif message is not None and signal.span_start < len(message.body_text):
        body = own_text(message.body_text)
        start, end = sentence_bounds(body, signal.span_start)
        text = message.body_text[start:end] if body[start:end].strip() else text
    if not text.strip():
        return None
    example = _store(signal.workspace_id, signal.kind, text, False, message, user)
    rejudge(signal.workspace, [signal.client_id], message, announce=False)
    return example


def forget_dismissal(signal: Signal) -> None:
    """The signal counts again: its negative example goes (and the client is rejudged)."""
    removed, _kinds = SignalExample.objects.filter(
        workspace_id=signal.workspace_id, message_id=signal.source_id, kind=signal.kind,
        label=SignalExample.Label.NEGATIVE).delete() if signal.source_type == SignalSource.MESSAGE \
        else (0, {})
    if removed:
        rejudge(signal.workspace, [signal.client_id], announce=False)


def delete(examples: Iterable[SignalExample], workspace: Workspace) -> int:
    """Delete these examples of the workspace; the clients they came from are rejudged."""
    rows = SignalExample.objects.filter(workspace=workspace,
                                        pk__in=[e.pk for e in examples])
    clients = set(rows.filter(message__isnull=False).values_list("message__client_id",
                                                                  flat=True))
    with transaction.atomic():
        count = rows.delete()[0]
        rejudge(workspace, clients)
    return count


def delete_all(workspace: Workspace) -> int:
    return delete(SignalExample.objects.filter(workspace=workspace), workspace)


def rejudge(workspace: Workspace, client_ids: Iterable[int | None],
            message: Message | None = None, announce: bool = True) -> None:
    """Judge the message text signals of these clients again with the workspace's
    examples, at once when they have up to `SYNC_MESSAGES` incoming messages; for more,
    the message just judged at once and the rest in the background (a click must not
    wait for years of mail). `announce=False`: the caller announces the follow-up."""
    ids = {pk for pk in client_ids if pk}
    if not ids:
        return
    count = Message.objects.filter(workspace=workspace, client_id__in=ids,
                                   direction=Direction.INBOUND).count()
    if count <= SYNC_MESSAGES:
        rejudge_now(workspace, ids, announce=announce)
        return
    from rapport.signals.tasks import rejudge_taught_signals

    if message is not None and message.client_id:
        rejudge_now(workspace, [message.client_id], [message.pk], announce=announce)
    transaction.on_commit(lambda: rejudge_taught_signals.enqueue(workspace.pk, sorted(ids)),
                          robust=True)


def rejudge_now(workspace: Workspace, client_ids: Iterable[int],
                message_ids: Iterable[int] | None = None, announce: bool = True) -> None:
    """A message text signal no longer found goes (unless dismissed), a new one is
    written, and the follow-up (health) is announced; `message_ids` limits the reading
    to these messages."""
    from rapport.signals import services

    ids = set(client_ids)
    memory = load_memory(workspace.pk)
    checker, tz = services.office_checker(workspace), workspace.tz
    language = workspace.language if workspace.language in ("de", "en") else "en"
    writer = services._Writer(workspace)  # noqa: SLF001 - the app's own idempotent writer
    keep: set[tuple[int, str]] = set()
    rows = Message.objects.filter(workspace=workspace, client_id__in=ids,
                                  direction=Direction.INBOUND)
    stale = Signal.objects.filter(workspace=workspace, client_id__in=ids,
                                  source_type=SignalSource.MESSAGE, kind__in=TEXT_KINDS,
                                  dismissed_at__isnull=True)
    if message_ids is not None:
        rows = rows.filter(pk__in=list(message_ids))
        stale = stale.filter(source_id__in=list(message_ids))
    for message in rows.only("pk", "client_id", "date", "subject", "body_text",
                             "direction").iterator(chunk_size=1000):
        candidates = [c for c in services.message_candidates(message, checker, tz, language,
                                                             memory=memory)
                      if c.kind in TEXT_KINDS]
        keep |= {(message.pk, c.kind) for c in candidates}
        writer.add(message.client_id, candidates, update=True)
    gone = [pk for pk, source_id, kind in stale.values_list("pk", "source_id", "kind")
            if (source_id, kind) not in keep]
    if gone:
        Signal.objects.filter(pk__in=gone).delete()
        signals_changed(ids)  # bulk deletes send no model signals
    writer.flush()
    if announce:
        follow_up(workspace.pk, ids)


def export_rows(workspace: Workspace) -> list[dict[str, str]]:
    return [{"kind": e.kind, "label": e.label, "text": e.text, "normalised": e.normalised,
             "message_id": str(e.message_id or ""),
             "created_by": getattr(e.created_by, "email", "") or "",
             "created_at": e.created_at.isoformat()}
            for e in SignalExample.objects.filter(workspace=workspace)
            .select_related("created_by").order_by("created_at", "pk")]


def export_json(workspace: Workspace) -> str:
    return json.dumps(export_rows(workspace), ensure_ascii=False, indent=1)


def export_csv(workspace: Workspace) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    # A cell a spreadsheet would run as a formula is kept as text (CSV injection).
    writer.writerows({key: f"'{value}" if value.startswith(_FORMULA_START) else value
                      for key, value in row.items()} for row in export_rows(workspace))
    return out.getvalue()
