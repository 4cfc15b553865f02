"""The freelancer's list of client events: read, mark read, choose email or not."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.notifications import services
from rapport.notifications.forms import PreferenceForm
from rapport.notifications.models import Notification, Preference


def index(request: HttpRequest) -> HttpResponse:
    preference, _created = Preference.objects.get_or_create(user=request.user)
    form = PreferenceForm(request.POST if request.method == "POST" else None,
                          instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Settings saved."))
        return redirect("notifications:index")
    notifications = Notification.objects.filter(workspace=request.workspace) \
        .select_related("client")[:100]
    return render(request, "notifications/index.html", {
        "notifications": [(n, services.headline(n)) for n in notifications], "form": form,
        "has_unread": services.unread(request.workspace).exists()})


@require_POST
def mark_read(request: HttpRequest, notification_pk: int | None = None) -> HttpResponse:
    if notification_pk is not None:  # another workspace's id is not found, not ignored
        get_object_or_404(Notification, workspace=request.workspace, pk=notification_pk)
    services.mark_read(request.workspace, notification_pk)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)
