"""The evidence pages: which signals a client shows, each with its source one click away.

Everything is fetched through `request.workspace`; user text is escaped, and only the
`<mark>` around an evidence span (inserted after escaping) is marked safe.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.clients.models import Client
from rapport.core import listfilters
from rapport.core.paging import paginate
from rapport.signals import evidence, filters, services
from rapport.signals.models import MutedKind, Signal, SignalKind


def _get_client(request: HttpRequest, client_pk: int) -> Client:
    return get_object_or_404(Client, workspace=request.workspace, pk=client_pk)


def _get_signal(request: HttpRequest, signal_pk: int) -> Signal:
    return get_object_or_404(Signal, workspace=request.workspace, pk=signal_pk)


def index(request: HttpRequest) -> HttpResponse:
    """Every signal, one card per message (or other source), filtered by client, kind and
    status, a page at a time."""
    workspace = request.workspace
    form = filters.SignalFilterForm(workspace, request.GET or None)
    chosen = listfilters.chosen(form)
    signals = filters.matching(workspace, chosen)
    kinds_of = dict(chosen, kind="")  # the kind links count every kind, whichever is chosen
    groups = paginate(request, evidence.sources(signals))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("kind", None)
    return render(request, "signals/index.html", {
        "form": form, "groups": groups, "filtered": any(chosen.values()),
        "cards": evidence.cards(workspace, signals, groups.rows),
        "signal_count": signals.count(), "kind_query": query.urlencode(),
        "kinds": filters.counts_by_kind(filters.matching(workspace, kinds_of)),
        "kind": chosen.get("kind", ""),
    })


def client_signals(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    kind = request.GET.get("kind", "")
    if kind not in SignalKind.values:
        kind = ""
    show_dismissed = request.GET.get("dismissed") == "1"
    every = Signal.objects.filter(workspace=request.workspace, client=client)
    muted = set(MutedKind.objects.filter(workspace=request.workspace, client=client)
                .values_list("kind", flat=True))
    signals = filters.by_status(every.filter(kind=kind) if kind else every,
                                filters.EVERY if show_dismissed else filters.ACTIVE)
    groups = paginate(request, evidence.sources(signals))
    labels = dict(SignalKind.choices)
    return render(request, "signals/client.html", {
        "client": client, "kind": kind, "groups": groups,
        "cards": evidence.cards(request.workspace, signals, groups.rows),
        "kind_label": labels.get(kind, ""), "show_dismissed": show_dismissed,
        "kinds": filters.counts_by_kind(every.active()),
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
