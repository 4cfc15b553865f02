"""Listing tracked time: the filters of the time page and its totals per category."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet, Sum

from rapport.billing.models import Invoice
from rapport.core.models import Workspace
from rapport.timetracking.invoicing import open_billing
from rapport.timetracking.models import TimeEntry


def filtered(workspace: Workspace, filters: dict[str, Any]) -> QuerySet[TimeEntry]:
    """The workspace's entries narrowed by the time page's filters (all optional)."""
    entries = (TimeEntry.objects.filter(workspace=workspace)
               .select_related("client", "project", "invoice_line__invoice"))
    if filters.get("client"):
        entries = entries.filter(client=filters["client"])
    if filters.get("project"):
        entries = entries.filter(project=filters["project"])
    if filters.get("category"):
        entries = entries.filter(category=filters["category"])
    billing = filters.get("billing")
    if billing == "billable":
        entries = entries.filter(billable=True)
    elif billing == "unbilled":
        entries = entries.filter(open_billing(), billable=True)
    elif billing == "billed":
        entries = entries.filter(invoice_line__invoice__state=Invoice.State.ISSUED)
    elif billing == "non_billable":
        entries = entries.filter(billable=False)
    zone = ZoneInfo(workspace.time_zone)
    if filters.get("since"):
        entries = entries.filter(
            started_at__gte=dt.datetime.combine(filters["since"], dt.time.min, tzinfo=zone))
    if filters.get("until"):
        day_after = filters["until"] + dt.timedelta(days=1)
        entries = entries.filter(
            started_at__lt=dt.datetime.combine(day_after, dt.time.min, tzinfo=zone))
    return entries.order_by("-started_at", "-pk")


def totals_by_category(entries: QuerySet[TimeEntry]) -> list[dict[str, Any]]:
    """Finished minutes per category (all categories, in their order), for the totals row."""
    sums = dict(entries.filter(ended_at__isnull=False).order_by().values_list("category")
                .annotate(total=Sum("minutes")).values_list("category", "total"))
    return [{"category": value, "label": label, "minutes": sums.get(value) or 0}
            for value, label in TimeEntry.Category.choices]


def billable_summary(entries: QuerySet[TimeEntry]) -> dict[str, int]:
    finished = entries.filter(ended_at__isnull=False).order_by()
    return finished.aggregate(
        total=Sum("minutes", default=0),
        billable_minutes=Sum("minutes", filter=Q(billable=True), default=0),
        unbilled=Sum("minutes", filter=Q(open_billing(), billable=True), default=0),
    )
