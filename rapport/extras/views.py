"""Logging extra requests (from a message, a meeting or the client page) and acting on
them. Everything through the request's workspace."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.clients.models import Client
from rapport.comms.models import Meeting, Message
from rapport.core import clock
from rapport.extras import panel, services
from rapport.extras.forms import ExtraRequestForm
from rapport.extras.models import ExtraRequest
from rapport.signals.models import Signal, SignalKind, SignalSource

T = TypeVar("T")


def _get_client(request: HttpRequest, pk: int) -> Client:
    return get_object_or_404(Client.objects.select_related("workspace"),
                             workspace=request.workspace, pk=pk)


def _get_extra(request: HttpRequest, pk: int) -> ExtraRequest:
    return get_object_or_404(ExtraRequest.objects.select_related("client"),
                             workspace=request.workspace, pk=pk)


def _back(extra_or_client: ExtraRequest | Client) -> HttpResponse:
    client = getattr(extra_or_client, "client", extra_or_client)
    return redirect(reverse("clients:detail", kwargs={"client_pk": client.pk}) + "#extras")


def _labels(client: Client) -> list[str]:
    """Kinds of request used before, the client's first: offered while typing."""
    seen: dict[str, str] = {}
    for label, key in (ExtraRequest.objects.filter(workspace=client.workspace)
                       .order_by("-requested_on", "-pk").values_list("label", "label_key")
                       [:200]):
        seen.setdefault(key, label)
    return list(seen.values())


def _log(request: HttpRequest, client: Client, initial: dict, source: dict) -> HttpResponse:
    workspace = request.workspace
    project = client.projects.filter(status="active").order_by("-start_date", "-pk").first()
    initial = {"requested_on": clock.today(), "kind": ExtraRequest.Kind.SCOPE_CREEP,
               "currency": project.currency if project else workspace.default_currency,
               "project": project, **initial}
    instance = ExtraRequest(workspace=workspace, client=client, created_by=request.user,
                            **source)
    form = ExtraRequestForm(request.POST or None, instance=instance, initial=initial,
                            client=client, labels=_labels(client))
    if request.method == "POST" and form.is_valid():
        try:
            extra = services.log_extra(form.save(commit=False))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Extra request logged: %(label)s.")
                             % {"label": extra.label})
            return _back(extra)
    return render(request, "extras/log.html", {"form": form, "client": client, **source})


def log_for_client(request: HttpRequest, client_pk: int) -> HttpResponse:
    return _log(request, _get_client(request, client_pk), {}, {})


def _local_day(moment: dt.datetime, client: Client) -> dt.date:
    return moment.astimezone(client.workspace.tz).date()


def log_for_message(request: HttpRequest, message_pk: int) -> HttpResponse:
    message = get_object_or_404(Message.objects.select_related("client__workspace"),
                                workspace=request.workspace, pk=message_pk)
    if message.client is None:
        messages.error(request, _("This message belongs to no client yet: assign its "
                                  "sender to a client in the inbox first."))
        return redirect("comms:message_detail", message_pk=message.pk)
    # What the client asked, in their words when the scope-creep detector found them.
    asked = (Signal.objects.filter(workspace=request.workspace, source_type=SignalSource.MESSAGE,
                                   source_id=message.pk, kind=SignalKind.SCOPE_CREEP)
             .values_list("evidence", flat=True).first())
    description = (asked or message.subject or "").strip()[:300]
    return _log(request, message.client,
                {"description": description,
                 "requested_on": _local_day(message.date, message.client)},
                {"message": message})


def log_for_meeting(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("client__workspace"),
                                workspace=request.workspace, pk=meeting_pk)
    if meeting.client is None:
        messages.error(request, _("This meeting belongs to no client yet: assign it in the "
                                  "inbox first."))
        return redirect("comms:inbox")
    return _log(request, meeting.client,
                {"description": (meeting.summary or "")[:300],
                 "requested_on": _local_day(meeting.start, meeting.client)},
                {"meeting": meeting})


def client_extras(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    return render(request, "extras/client.html", {
        "client": client, **panel.context(client, clock.today(), everything=True)})


def _act(request: HttpRequest, action: Callable[[], T], where: Callable[[T], Any],
         done: str, back: ExtraRequest | Client) -> HttpResponse:
    """Run a service; on success say `done` and go to `where(result)`, on refusal show the
    reason and return to the client's extras."""
    try:
        result = action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(back)
    messages.success(request, done)
    return redirect(where(result))


@require_POST
def to_invoice(request: HttpRequest, extra_pk: int) -> HttpResponse:
    extra = _get_extra(request, extra_pk)
    return _act(request, lambda: services.put_on_invoice(extra), lambda invoice: invoice,
                _("The extra is on the draft invoice; issue it when you are ready."), extra)


@require_POST
def to_change_order(request: HttpRequest, extra_pk: int) -> HttpResponse:
    extra = _get_extra(request, extra_pk)
    return _act(request, lambda: services.put_in_change_order(extra),
                lambda change: change.contract,
                _("The extra is in the draft change order; send it to the client from the "
                  "contract page."), extra)


@require_POST
def propose(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    key = request.POST.get("label_key", "")
    found = [r for r in panel.current_recurrences(client, clock.today())
             if r.label_key == key]
    if not found:
        messages.error(request, _("Nothing recurs under this name any more."))
        return _back(client)
    language = (request.LANGUAGE_CODE or "de")[:2]
    return _act(request, lambda: services.propose_change_order(client, found[0], language),
                lambda change: change.contract,
                _("Draft change order written; check the price and send it from the "
                  "contract page."), client)


@require_POST
def delete(request: HttpRequest, extra_pk: int) -> HttpResponse:
    extra = _get_extra(request, extra_pk)
    services.delete_extra(extra)
    messages.success(request, _("Extra request deleted."))
    return _back(extra)
