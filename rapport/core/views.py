"""Dashboard and workspace settings."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.billing.models import Invoice
from rapport.billing.views import held_deliverables
from rapport.clients.models import Client, Note, Project
from rapport.core import background
from rapport.core.forms import WorkspaceForm
from rapport.core.middleware import SESSION_KEY, workspace_optional
from rapport.core.models import Workspace
from rapport.core.navigation import return_to
from rapport.core.services import (
    create_workspace,
    office_time_changed,
    office_time_rules,
    set_office_hours,
)
from rapport.dunning.services import reminder_summary
from rapport.signals.services import messages_awaiting_retry


def dashboard(request: HttpRequest) -> HttpResponse:
    workspace = request.workspace
    clients = Client.objects.filter(workspace=workspace)
    status_counts = {row["status"]: row["n"] for row in Client.count_by_status(workspace)}
    context = {
        "status_rows": [
            (value, label, status_counts.get(value, 0)) for value, label in Client.Status.choices
        ],
        "client_count": clients.count(),
        "recent_incidents": Note.objects.filter(workspace=workspace, kind=Note.Kind.INCIDENT)
        .select_related("client").order_by("-happened_on", "-pk")[:5],
        "held": held_deliverables(workspace),
        "overdue": [inv for inv in Invoice.objects.filter(
            workspace=workspace, state=Invoice.State.ISSUED,
            due_date__lt=timezone.localdate(),
        ).exclude(kind=Invoice.Kind.CANCELLATION).select_related("client")
            .prefetch_related("payments").order_by("due_date")
            if inv.payment_status() == Invoice.PaymentStatus.OVERDUE][:8],
        "reminders": reminder_summary(workspace),
        "active_projects": Project.objects.filter(workspace=workspace, status=Project.Status.ACTIVE)
        .select_related("client").order_by("end_date")[:8],
        "background": background.status(),
        "detection_retry": messages_awaiting_retry(workspace),
    }
    return render(request, "core/dashboard.html", context)


@workspace_optional
def workspace_create(request: HttpRequest) -> HttpResponse:
    form = WorkspaceForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            data = {name: form.cleaned_data[name] for name in WorkspaceForm.Meta.fields}
            workspace = create_workspace(request.user, **data)
            set_office_hours(workspace, form.office_hours)
        request.session[SESSION_KEY] = workspace.pk
        messages.success(request, _("Workspace “%(name)s” created.") % {"name": workspace.name})
        return redirect("core:dashboard")
    return render(request, "core/workspace_form.html", {"form": form, "creating": True})


def workspace_settings(request: HttpRequest) -> HttpResponse:
    workspace = request.workspace
    before = office_time_rules(workspace)
    form = WorkspaceForm(request.POST or None, instance=workspace)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            set_office_hours(workspace, form.office_hours)
        messages.success(request, _("Settings saved."))
        if office_time_rules(workspace) != before:
            office_time_changed.send(sender=Workspace, workspace=workspace)
            messages.info(request, _("Messages outside your office hours are being "
                                     "recounted with the new hours."))
        return redirect(return_to(request) or "core:workspace_settings")
    return render(request, "core/workspace_form.html",
                  {"form": form, "creating": False, "next": return_to(request)})


@require_POST
@workspace_optional
def workspace_switch(request: HttpRequest, workspace_pk: int) -> HttpResponse:
    workspace = get_object_or_404(Workspace, pk=workspace_pk, memberships__user=request.user)
    request.session[SESSION_KEY] = workspace.pk
    messages.info(request, _("Switched to “%(name)s”.") % {"name": workspace.name})
    return redirect("core:dashboard")
