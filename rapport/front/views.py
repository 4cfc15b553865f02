"""The dashboard: one page over every domain app.

Each panel shows the first few rows, read by the database in the order shown (never a
whole table filtered in Python), and links to the full list when there are more.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rapport.billing.models import Deliverable, Invoice
from rapport.clients.models import Client, Note, Project
from rapport.core import background
from rapport.dunning.services import reminder_summary
from rapport.signals.services import messages_awaiting_retry

OVERVIEW = 8  # rows per panel
# What an overdue row never shows: the issued snapshot's texts, not read from the database.
SNAPSHOT_TEXTS = ("seller", "buyer", "deductions", "intro_text", "closing_text")


def _first(rows: object, limit: int = OVERVIEW) -> tuple[list, bool]:
    """The first `limit` rows and whether there are more (one row more is read to know)."""
    found = list(rows[: limit + 1])
    return found[:limit], len(found) > limit


def dashboard(request: HttpRequest) -> HttpResponse:
    workspace = request.workspace
    status_counts = {row["status"]: row["n"] for row in Client.count_by_status(workspace)}
    overdue, more_overdue = _first(
        Invoice.objects.filter(workspace=workspace).overdue()
        .select_related("client").prefetch_related("payments").order_by("due_date", "pk")
        .defer(*SNAPSHOT_TEXTS))
    held, more_held = _first(Deliverable.objects.filter(workspace=workspace).held()
                             .order_by("pk"))  # longest finished first; stops at the first few
    context = {
        "status_rows": [
            (value, label, status_counts.get(value, 0)) for value, label in Client.Status.choices
        ],
        "client_count": sum(status_counts.values()),
        "recent_incidents": Note.objects.filter(workspace=workspace, kind=Note.Kind.INCIDENT)
        .select_related("client").order_by("-happened_on", "-pk")[:5],
        "held": held, "more_held": more_held,
        "overdue": overdue, "more_overdue": more_overdue,
        "reminders": reminder_summary(workspace, limit=OVERVIEW),
        "active_projects": Project.objects.filter(workspace=workspace, status=Project.Status.ACTIVE)
        .select_related("client").order_by("end_date")[:OVERVIEW],
        "background": background.status(),
        "detection_retry": messages_awaiting_retry(workspace),
    }
    return render(request, "front/dashboard.html", context)


def held(request: HttpRequest) -> HttpResponse:
    """Every piece of finished work held back until its project's invoices are paid."""
    items = Deliverable.objects.filter(workspace=request.workspace).held()
    return render(request, "front/held.html", {"held": items})
