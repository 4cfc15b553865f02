"""Evidence for the signal pages: the marked words in their context, the link to each
source, and the signals grouped by where they were seen (one card per message).

User text is escaped by `format_html`; only the `<mark>` around an evidence span is
markup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from rapport.clients.models import Client
from rapport.comms.models import Message
from rapport.core.models import Workspace
from rapport.dunning.models import PaymentPromise
from rapport.signals.models import Signal, SignalSource

CONTEXT_CHARS = 120
SOURCE_LABELS = {"message": _("Message"), "invoice": _("Invoice"), "promise": _("Payment promise"),
                 "meeting": _("Meeting"), "note": _("Note")}


def highlight(text: str, start: int, end: int) -> SafeString:
    """The span in its context, everything escaped, the span inside <mark>."""
    if not (0 <= start < end <= len(text)):
        return escape(text)
    left = max(0, start - CONTEXT_CHARS)
    right = min(len(text), end + CONTEXT_CHARS)
    before = ("…" if left else "") + text[left:start]
    after = text[end:right] + ("…" if right < len(text) else "")
    return format_html("{}<mark>{}</mark>{}", before, text[start:end], after)


def decorate(workspace: Workspace, signals: list[Signal]) -> None:
    """Attach `.evidence_html` and `.source_url` to each signal (a fixed number of queries)."""
    message_ids = {s.source_id for s in signals if s.source_type == SignalSource.MESSAGE}
    bodies = dict(Message.objects.filter(workspace=workspace, pk__in=message_ids)
                  .values_list("pk", "body_text"))
    promise_ids = {s.source_id for s in signals if s.source_type == SignalSource.PROMISE}
    invoices = dict(PaymentPromise.objects.filter(workspace=workspace, pk__in=promise_ids)
                    .values_list("pk", "invoice_id"))
    answers = set(Message.objects.filter(workspace=workspace, pk__in={
        s.params.get("answer") for s in signals if isinstance(s.params, dict)
        and isinstance(s.params.get("answer"), int)}).values_list("pk", flat=True))
    for signal in signals:
        answer = signal.params.get("answer") if isinstance(signal.params, dict) else None
        signal.answer_url = (reverse("comms:message_detail", kwargs={"message_pk": answer})
                             if answer in answers else "")
        body = bodies.get(signal.source_id) if signal.source_type == SignalSource.MESSAGE else None
        if body is not None and signal.span_start >= 0:
            signal.evidence_html = highlight(body, signal.span_start, signal.span_end)
        else:
            signal.evidence_html = escape(signal.evidence)
        signal.source_url = source_url(signal, invoices)


def source_url(signal: Signal, promise_invoices: dict[int, int]) -> str:
    kind = signal.source_type
    if kind == SignalSource.MESSAGE:
        return reverse("comms:message_detail", kwargs={"message_pk": signal.source_id})
    if kind == SignalSource.INVOICE:
        return reverse("billing:invoice_detail", kwargs={"invoice_pk": signal.source_id})
    if kind == SignalSource.PROMISE and signal.source_id in promise_invoices:
        return reverse("billing:invoice_detail",
                       kwargs={"invoice_pk": promise_invoices[signal.source_id]})
    if kind == SignalSource.NOTE:
        return reverse("clients:note_edit", kwargs={"client_pk": signal.client_id,
                                                    "note_pk": signal.source_id})
    return reverse("comms:client_comms", kwargs={"client_pk": signal.client_id})


# -- one card per source ----------------------------------------------------------------


@dataclass
class Card:
    """Everything seen in one source (a message, an invoice, …): its signals as evidence."""

    source_type: str
    source_id: int
    client: Client
    latest: dt.datetime
    label: str = ""
    message: Message | None = None
    signals: list[Signal] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.signals[0].source_url if self.signals else ""


def sources(signals: QuerySet[Signal]) -> QuerySet[Any]:
    """`signals` grouped by their source, the most recent first: what the list pages (one
    row per source, counted by the database)."""
    return (signals.order_by().values("source_type", "source_id", "client_id")
            .annotate(latest=Max("occurred_at"), signal_count=Count("pk"))
            .order_by("-latest", "-source_id", "source_type"))


def cards(workspace: Workspace, signals: QuerySet[Signal], groups: Iterable[dict]) -> list[Card]:
    """The cards for one page of `sources()`: the signals of these sources (those among
    `signals`), their messages and clients, in a fixed number of queries."""
    groups = list(groups)
    keys = {(g["source_type"], g["source_id"]) for g in groups}
    wanted: list[Signal] = []
    for source_type in {key[0] for key in keys}:
        ids = [key[1] for key in keys if key[0] == source_type]
        wanted += signals.filter(source_type=source_type, source_id__in=ids).order_by(
            "span_start", "kind", "pk")
    decorate(workspace, wanted)
    clients = Client.objects.filter(workspace=workspace).in_bulk(
        {g["client_id"] for g in groups})
    messages = Message.objects.filter(workspace=workspace).in_bulk(
        [g["source_id"] for g in groups if g["source_type"] == SignalSource.MESSAGE])
    by_key: dict[tuple[str, int], Card] = {}
    for g in groups:
        key = (g["source_type"], g["source_id"])
        by_key[key] = Card(g["source_type"], g["source_id"], clients[g["client_id"]],
                           g["latest"], str(SOURCE_LABELS.get(g["source_type"], "")),
                           messages.get(g["source_id"]) if key[0] == SignalSource.MESSAGE else None)
    for signal in wanted:
        by_key[(signal.source_type, signal.source_id)].signals.append(signal)
    return list(by_key.values())
