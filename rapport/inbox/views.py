"""Sorting the inbox: ignore senders and calendar entries, make a sender a prospect,
search all messages. Everything through request.workspace."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.comms.linking import own_addresses
from rapport.comms.models import Meeting
from rapport.inbox import services
from rapport.inbox.forms import IgnoreSenderForm, InboxSettingsForm
from rapport.inbox.models import IgnoredMeeting, IgnoredSender
from rapport.intake import services as intake
from rapport.intake.forms import ProspectForm

PAGE_SIZE = 50


def all_messages(request: HttpRequest) -> HttpResponse:
    """Every message of the workspace, searchable, a page at a time."""
    query = request.GET.get("q", "").strip()[:200]
    page = Paginator(services.search_messages(request.workspace, query), PAGE_SIZE) \
        .get_page(request.GET.get("page"))
    return render(request, "inbox/messages.html", {
        "page": page, "q": query, "own": own_addresses(request.workspace)})


@require_POST
def ignore_sender(request: HttpRequest) -> HttpResponse:
    form = IgnoreSenderForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a sender to ignore."))
        return redirect("comms:inbox")
    try:
        ignored = services.ignore_sender(request.workspace, form.cleaned_data["address"],
                                         whole_domain=form.cleaned_data["scope"] == "domain")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(who)s is ignored from now on; you can undo this in "
                                    "the inbox settings.") % {"who": ignored.pattern})
    return redirect("comms:inbox")


def sender_prospect(request: HttpRequest) -> HttpResponse:
    """The new-prospect form filled in from an unknown sender; their mail follows."""
    address = request.GET.get("address", "")
    initial = services.prospect_suggestion(request.workspace, address,
                                           request.GET.get("name", "")[:200])
    form = ProspectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        known = intake.client_with_email(request.workspace, data["email"])
        if known:
            form.add_error("email", _("This address belongs to “%(name)s” already.")
                           % {"name": known.name})
        else:
            interview = intake.create_prospect(
                request.workspace, name=data["name"], contact_name=data["contact_name"],
                email=data["email"], language=data["language"], kind=data["kind"],
                by=request.user)
            if data["email"]:
                services.link_new_prospect(request.workspace, data["email"])
            messages.success(request, _("Prospect “%(name)s” added; their messages are "
                                        "linked.") % {"name": data["name"]})
            return redirect(interview)
    return render(request, "intake/prospect_form.html", {
        "form": form}, status=422 if form.errors else 200)


@require_POST
def ignore_meeting(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, workspace=request.workspace, pk=meeting_pk)
    services.ignore_meeting(meeting)
    messages.success(request, _("“%(title)s” is ignored; you can show it again in the inbox "
                                "settings.") % {"title": meeting.summary or "—"})
    return redirect("comms:inbox")


@require_POST
def show_meeting(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, workspace=request.workspace, pk=meeting_pk)
    services.stop_ignoring_meeting(request.workspace, meeting.pk)
    messages.success(request, _("“%(title)s” is shown again.") % {"title": meeting.summary
                                                                  or "—"})
    return redirect("inbox:settings")


def inbox_settings(request: HttpRequest) -> HttpResponse:
    settings = services.settings_of(request.workspace)
    form = InboxSettingsForm(request.POST if request.method == "POST" else None,
                             instance=settings)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Inbox settings saved."))
        return redirect("inbox:settings")
    return render(request, "inbox/settings.html", {
        "form": form,
        "ignored": IgnoredSender.objects.filter(workspace=request.workspace),
        "ignored_meetings": IgnoredMeeting.objects.filter(workspace=request.workspace)
        .select_related("meeting").order_by("-meeting__start"),
        "private_count": Meeting.objects.filter(workspace=request.workspace,
                                                client__isnull=True, private=True).count(),
    })


@require_POST
def stop_ignoring(request: HttpRequest) -> HttpResponse:
    try:
        pk = int(request.POST.get("ignored", ""))
    except ValueError:
        pk = 0
    pattern = services.stop_ignoring(request.workspace, pk)
    if pattern:
        messages.success(request, _("%(who)s is no longer ignored.") % {"who": pattern})
    return redirect("inbox:settings")
