"""The dashboard: one page over every domain app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from rapport.billing.models import Invoice
from rapport.billing.views import held_deliverables
from rapport.clients.models import Client, Note, Project
from rapport.core import background
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
    return render(request, "front/dashboard.html", context)
