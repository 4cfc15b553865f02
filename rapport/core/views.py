"""Workspace creation, settings and switching (the dashboard lives in `rapport.front`)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

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
