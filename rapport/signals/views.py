"""The evidence pages: which signals a client shows, each with its source one click away.

Everything is fetched through `request.workspace`; user text is escaped, and only the
`<mark>` around an evidence span (inserted after escaping) is marked safe.
"""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.clients.models import Client
from rapport.comms.models import Message
from rapport.dunning.models import PaymentPromise
from rapport.signals import services
from rapport.signals.models import MutedKind, Signal, SignalKind, SignalSource

CONTEXT_CHARS = 120


def _get_client(request: HttpRequest, client_pk: int) -> Client:
    return get_object_or_404(Client, workspace=request.workspace, pk=client_pk)


def _get_signal(request: HttpRequest, signal_pk: int) -> Signal:
    return get_object_or_404(Signal, workspace=request.workspace, pk=signal_pk)


def highlight(text: str, start: int, end: int) -> SafeString:
    """The span in its context, everything escaped, the span inside <mark>."""
    if not (0 <= start < end <= len(text)):
        return escape(text)
    left = max(0, start - CONTEXT_CHARS)
    right = min(len(text), end + CONTEXT_CHARS)
    before = ("…" if left else "") + text[left:start]
    after = text[end:right] + ("…" if right < len(text) else "")
    return format_html("{}<mark>{}</mark>{}", before, text[start:end], after)


def _decorate(request: HttpRequest, signals: list[Signal]) -> None:
    """Attach `.evidence_html` and `.source_url` to each signal (a fixed number of queries)."""
    workspace = request.workspace
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
        signal.source_url = _source_url(signal, invoices)


def _source_url(signal: Signal, promise_invoices: dict[int, int]) -> str:
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


def index(request: HttpRequest) -> HttpResponse:
    """Every client with active signals, counted by kind."""
    workspace = request.workspace
    counts: dict[int, Counter] = {}
    for client_id, kind in Signal.objects.filter(workspace=workspace).active().values_list(
            "client_id", "kind"):
        counts.setdefault(client_id, Counter())[kind] += 1
    clients = list(Client.objects.filter(workspace=workspace, pk__in=counts).order_by("name"))
    labels = dict(SignalKind.choices)
    rows = [{"client": c, "total": sum(counts[c.pk].values()),
             "kinds": [(k, labels[k], n) for k, n in counts[c.pk].most_common()]}
            for c in clients]
    return render(request, "signals/index.html", {"rows": rows})


def client_signals(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    kind = request.GET.get("kind", "")
    if kind not in SignalKind.values:
        kind = ""
    show_dismissed = request.GET.get("dismissed") == "1"
    queryset = Signal.objects.filter(workspace=request.workspace, client=client)
    muted = set(MutedKind.objects.filter(workspace=request.workspace, client=client)
                .values_list("kind", flat=True))
    kinds = Counter(queryset.active().values_list("kind", flat=True))
    if kind:
        queryset = queryset.filter(kind=kind)
    if not show_dismissed:
        queryset = queryset.active()
    signals = list(queryset[:200])
    _decorate(request, signals)
    labels = dict(SignalKind.choices)
    return render(request, "signals/client.html", {
        "client": client, "signals": signals, "kind": kind,
        "kind_label": labels.get(kind, ""), "show_dismissed": show_dismissed,
        "kinds": [(k, labels[k], n) for k, n in kinds.most_common()],
        "muted": [(k, labels[k]) for k in sorted(muted)],
    })


def _back(request: HttpRequest, client: Client) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect("signals:client", client_pk=client.pk)


@require_POST
def dismiss(request: HttpRequest, signal_pk: int) -> HttpResponse:
    signal = _get_signal(request, signal_pk)
    services.dismiss(signal, request.user)
    messages.success(request, _("Marked as not a red flag. It no longer counts."))
    return _back(request, signal.client)


@require_POST
def restore(request: HttpRequest, signal_pk: int) -> HttpResponse:
    signal = _get_signal(request, signal_pk)
    services.restore(signal)
    messages.success(request, _("The signal counts again."))
    return _back(request, signal.client)


@require_POST
def mute(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    kind = request.POST.get("kind", "")
    if kind not in SignalKind.values:
        messages.error(request, _("Unknown kind of signal."))
    else:
        services.mute(client, kind)
        messages.success(request, _("“%(kind)s” is muted for this client.")
                         % {"kind": SignalKind(kind).label})
    return _back(request, client)


@require_POST
def unmute(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    services.unmute(client, request.POST.get("kind", ""))
    messages.success(request, _("The kind counts again for this client."))
    return _back(request, client)
