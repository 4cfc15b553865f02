"""Inbox, imports and the client's communication. Everything through request.workspace."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from rapport.billing.services import open_fees
from rapport.clients.models import Client
from rapport.comms import jobs, services, stats
from rapport.comms.forms import (
    AssignSenderForm,
    ClientChoiceForm,
    MailAccountForm,
    MeetingLogForm,
    SubscriptionForm,
    UploadForm,
)
from rapport.comms.imap import save_account
from rapport.comms.linking import assign_sender as link_sender
from rapport.comms.linking import own_addresses
from rapport.comms.models import (
    CalendarSubscription,
    ImportRun,
    MailAccount,
    Meeting,
    MeetingLog,
    Message,
)
from rapport.core import clock
from rapport.core.pipeline import follow_up
from rapport.inbox import services as sorting

FILTERS = ("messages", "meetings", "notes")


def _get(request: HttpRequest, model: type, pk: int):  # noqa: ANN202
    return get_object_or_404(model, workspace=request.workspace, pk=pk)


def inbox(request: HttpRequest, upload_form: UploadForm | None = None) -> HttpResponse:
    workspace = request.workspace
    clients = Client.objects.filter(workspace=workspace)
    return render(request, "comms/inbox.html", {
        "upload_form": upload_form or UploadForm(),
        "runs": ImportRun.objects.filter(workspace=workspace)[:5],
        "senders": sorting.unknown_senders(workspace),
        "clients": clients,
        "loose_meetings": sorting.loose_meetings(workspace),
        **_sync_context(workspace),
        "recent": Message.objects.filter(workspace=workspace).select_related("client")
        .defer("body_text")[:20],
        "own": own_addresses(workspace),
    })


@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES,
                      too_large=getattr(request, "upload_too_large", False))
    if not form.is_valid():
        return inbox(request, upload_form=form)
    run = services.save_upload(request.workspace, form.cleaned_data["file"])
    jobs.queue(run)
    messages.success(request, _("“%(name)s” is being imported.") % {"name": run.filename})
    return redirect("comms:inbox")


def import_progress(request: HttpRequest, import_pk: int) -> HttpResponse:
    run = _get(request, ImportRun, import_pk)
    response = render(request, "comms/_import_run.html", {"run": run})
    if run.state == ImportRun.State.DONE and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # new messages and senders: show the whole page
    return response


@require_POST
def import_retry(request: HttpRequest, import_pk: int) -> HttpResponse:
    run = _get(request, ImportRun, import_pk)
    if run.can_retry and jobs.retry(run):
        messages.success(request, _("“%(name)s” is queued again; it continues where it "
                                    "stopped.") % {"name": run.filename})
    return redirect("comms:inbox")


def sync_status(request: HttpRequest) -> HttpResponse:
    """The accounts and subscriptions with their sync states, polled while one is busy."""
    return render(request, "comms/_syncs.html", _sync_context(request.workspace))


def _sync_context(workspace: object) -> dict[str, object]:
    accounts = list(MailAccount.objects.filter(workspace=workspace))
    subscriptions = list(CalendarSubscription.objects.filter(workspace=workspace))
    return {"accounts": accounts, "subscriptions": subscriptions,
            "syncs_active": any(s.sync_active for s in [*accounts, *subscriptions])}


@require_POST
def assign_sender(request: HttpRequest) -> HttpResponse:
    form = AssignSenderForm(request.workspace, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a client for this sender."))
        return redirect("comms:inbox")
    client = form.cleaned_data["client"]
    count = link_sender(request.workspace, form.cleaned_data["address"], client,
                        name=form.cleaned_data["name"])
    messages.success(request, ngettext(
        "%(address)s is now a contact of %(client)s; %(count)d message linked.",
        "%(address)s is now a contact of %(client)s; %(count)d messages linked.", count,
    ) % {"address": form.cleaned_data["address"], "client": client.name, "count": count})
    return redirect("comms:inbox")


def message_detail(request: HttpRequest, message_pk: int) -> HttpResponse:
    message = _get(request, Message, message_pk)
    return render(request, "comms/message_detail.html", {
        "message": message, "own": own_addresses(request.workspace)})


@require_POST
def assign_meeting(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    meeting = _get(request, Meeting, meeting_pk)
    form = ClientChoiceForm(request.workspace, request.POST)
    if form.is_valid():
        meeting.client = form.cleaned_data["client"]
        meeting.save(update_fields=["client"])
        follow_up(meeting.workspace_id, [meeting.client_id])
        messages.success(request, _("Meeting assigned."))
    return redirect("comms:inbox")


def _safe_next(request: HttpRequest, target: str) -> str:
    """`target` if it is a page of this site (never another host), else ""."""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return ""


def _client_context(request: HttpRequest, client: Client,
                    log_form: MeetingLogForm | None = None,
                    back: str = "") -> dict[str, object]:
    chosen = {k for k in request.GET.getlist("show") if k in FILTERS} or set(FILTERS)
    return {
        "client": client,
        # Where the call log returns to: the page the form was opened on.
        "next": back or _safe_next(request, request.GET.get("next", "")),
        "counts": stats.counts_for(client),
        "items": stats.timeline(client, chosen),
        "filters": FILTERS,
        "chosen": chosen,
        "log_form": log_form or MeetingLogForm(initial={"held_on": clock.today()},
                                               client=client),
        "fees": open_fees(client),
    }


def client_comms(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = _get(request, Client, client_pk)
    return render(request, "comms/client_comms.html", _client_context(request, client))


def client_comms_fragment(request: HttpRequest, client_pk: int) -> HttpResponse:
    """The communication section of the client page, loaded there with htmx."""
    client = _get(request, Client, client_pk)
    # Loaded into the client page: the call log returns there unless told otherwise.
    back = _safe_next(request, request.GET.get("next", "")) or client.get_absolute_url()
    return render(request, "comms/_client_comms.html",
                  _client_context(request, client, back=back))


@require_POST
def meeting_log(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = _get(request, Client, client_pk)
    log = MeetingLog(workspace=request.workspace, client=client)
    form = MeetingLogForm(request.POST, instance=log, client=client)
    back = _safe_next(request, request.POST.get("next", ""))
    if not form.is_valid():
        return render(request, "comms/client_comms.html",
                      _client_context(request, client, log_form=form, back=back), status=422)
    services.log_meeting(form.save(commit=False), fee_amount=form.cleaned_data.get("fee"))
    messages.success(request, _("Meeting logged."))
    return redirect(back or reverse("comms:client_comms", kwargs={"client_pk": client.pk}))


def account_create(request: HttpRequest) -> HttpResponse:
    account = MailAccount(workspace=request.workspace)
    form = MailAccountForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        save_account(form.save(commit=False), form.cleaned_data["password"])
        jobs.queue_sync(account)
        messages.success(request, _("Mail account added; the first sync is queued."))
        return redirect("comms:inbox")
    return render(request, "comms/form.html", {"form": form, "title": _("Add a mail account")})


def account_edit(request: HttpRequest, mail_account_pk: int) -> HttpResponse:
    account = _get(request, MailAccount, mail_account_pk)
    form = MailAccountForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        save_account(form.save(commit=False), form.cleaned_data["password"])
        messages.success(request, _("Mail account saved."))
        return redirect("comms:inbox")
    return render(request, "comms/form.html", {"form": form, "title": account.name})


@require_POST
def account_sync(request: HttpRequest, mail_account_pk: int) -> HttpResponse:
    account = _get(request, MailAccount, mail_account_pk)
    jobs.queue_sync(account)
    messages.success(request, _("Sync queued."))
    return redirect("comms:inbox")


@require_POST
def account_delete(request: HttpRequest, mail_account_pk: int) -> HttpResponse:
    _get(request, MailAccount, mail_account_pk).delete()
    messages.success(request, _("Mail account removed; its messages stay."))
    return redirect("comms:inbox")


def subscription_create(request: HttpRequest) -> HttpResponse:
    sub = CalendarSubscription(workspace=request.workspace)
    form = SubscriptionForm(request.POST or None, instance=sub)
    if request.method == "POST" and form.is_valid():
        form.save()
        jobs.queue_sync(sub)
        messages.success(request, _("Calendar subscribed; the first refresh is queued."))
        return redirect("comms:inbox")
    return render(request, "comms/form.html",
                  {"form": form, "title": _("Subscribe to a calendar")})


@require_POST
def subscription_refresh(request: HttpRequest, subscription_pk: int) -> HttpResponse:
    sub = _get(request, CalendarSubscription, subscription_pk)
    jobs.queue_sync(sub)
    messages.success(request, _("Refresh queued."))
    return redirect("comms:inbox")


@require_POST
def subscription_delete(request: HttpRequest, subscription_pk: int) -> HttpResponse:
    _get(request, CalendarSubscription, subscription_pk).delete()
    messages.success(request, _("Subscription removed; its meetings stay."))
    return redirect("comms:inbox")
