"""Invoice unbilled time: billable entries become hour lines on a new draft invoice.

The draft comes from the billing service (numbering, tax treatment and pending fees stay
there); each entry points at the line that bills it. An entry on a draft is reserved, on
an issued invoice billed; deleting the draft deletes its lines and the entries are free
again (the link is SET_NULL)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import formats, translation
from django.utils.translation import gettext as _

from rapport.billing import services
from rapport.billing.models import Invoice, InvoiceLine
from rapport.clients.models import Client, Project
from rapport.core.models import Workspace
from rapport.timetracking.models import TimeEntry

GROUP_BY_PROJECT = "project"
GROUP_BY_DAY = "day"
HOURS = Decimal("0.001")  # the invoice line's quantity precision


def open_billing() -> Q:
    """Not on any invoice, or only on one that was cancelled (to be billed anew)."""
    return Q(invoice_line__isnull=True) | Q(invoice_line__invoice__state=Invoice.State.CANCELLED)


def unbilled(workspace: Workspace, client: Client) -> QuerySet[TimeEntry]:
    """Finished billable entries of the client that no valid invoice carries yet."""
    return (TimeEntry.objects.select_related("project")
            .filter(open_billing(), workspace=workspace, client=client, billable=True,
                    ended_at__isnull=False, minutes__gt=0)
            .order_by("started_at", "pk"))


def hourly_project(client: Client) -> Project | None:
    """The client's hourly-rate project to take the rate from: an active one first."""
    projects = client.projects.filter(rate_type=Project.RateType.HOURLY)
    return (projects.filter(status=Project.Status.ACTIVE).order_by("-start_date", "-pk").first()
            or projects.order_by("-start_date", "-pk").first())


def default_rate(client: Client) -> Decimal | None:
    project = hourly_project(client)
    return project.amount if project else None


def _rate(entry: TimeEntry, fallback: Decimal | None) -> tuple[Decimal | None, str | None]:
    """(hourly rate, currency) of an entry: its hourly project's, else the given rate."""
    project = entry.project
    if project is not None and project.rate_type == Project.RateType.HOURLY:
        return project.amount, project.currency
    return fallback, None


@dataclass
class _Group:
    rate: Decimal
    names: list[str] = field(default_factory=list)
    minutes: int = 0
    entries: list[TimeEntry] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)


def _line_text(group: _Group, first: dt.date, last: dt.date) -> str:
    span = formats.date_format(first, "SHORT_DATE_FORMAT")
    if last != first:
        span = f"{span} – {formats.date_format(last, 'SHORT_DATE_FORMAT')}"
    details = "; ".join(dict.fromkeys(d for d in group.descriptions if d))
    text = f"{'; '.join(dict.fromkeys(group.names))} ({span})"
    if details:
        text = f"{text}: {details}"
    return text if len(text) <= 500 else text[:499] + "…"


@transaction.atomic
def invoice_unbilled_time(workspace: Workspace, client: Client, *,
                          group_by: str = GROUP_BY_PROJECT,
                          hourly_rate: Decimal | None = None,
                          entry_ids: list[int] | None = None) -> Invoice:
    """A new draft with the client's unbilled billable time, one hour line per project (or
    per day). Entries of an hourly project use its rate; others `hourly_rate`."""
    entries = list(unbilled(workspace, client).select_for_update(of=("self",)))
    if entry_ids is not None:
        entries = [e for e in entries if e.pk in set(entry_ids)]
    if not entries:
        raise ValidationError(_("There is no unbilled billable time for this client."))
    if group_by not in (GROUP_BY_PROJECT, GROUP_BY_DAY):
        raise ValidationError(_("Unknown grouping."))
    rates = [_rate(entry, hourly_rate) for entry in entries]
    if any(rate is None for rate, _currency in rates):
        raise ValidationError(_("Some of this time has no hourly project. Enter the hourly "
                                "rate to bill it at."))
    currencies = {currency or workspace.default_currency for _rate_, currency in rates}
    if len(currencies) > 1:
        raise ValidationError(_("This time belongs to projects in different currencies "
                                "(%(currencies)s). Invoice one project at a time.")
                              % {"currencies": ", ".join(sorted(currencies))})
    projects = {entry.project_id for entry in entries}
    only_project = entries[0].project if len(projects) == 1 else None
    invoice = services.new_draft(workspace, client, project=only_project,
                                 currency=currencies.pop())

    zone = ZoneInfo(workspace.time_zone)
    groups: dict[tuple[object, ...], _Group] = {}
    days: dict[tuple[object, ...], list[dt.date]] = defaultdict(list)
    with translation.override(invoice.language):
        for entry, (rate, _currency) in zip(entries, rates, strict=True):
            day = entry.started_at.astimezone(zone).date()
            name = entry.project.name if entry.project else _("Work")
            if group_by == GROUP_BY_DAY:
                key: tuple[object, ...] = (day, rate)
            else:
                key = (entry.project_id, rate)
            group = groups.setdefault(key, _Group(rate=rate))
            group.names.append(name)
            group.minutes += entry.minutes
            group.entries.append(entry)
            group.descriptions.append(entry.description)
            days[key].append(day)
        for key, group in groups.items():
            hours = (Decimal(group.minutes) / 60).quantize(HOURS)
            line = services.add_line(invoice, _line_text(group, min(days[key]), max(days[key])),
                                     hours, group.rate, unit=InvoiceLine.Unit.HOUR)
            TimeEntry.objects.filter(pk__in=[e.pk for e in group.entries]).update(
                invoice_line=line)
    all_days = [day for values in days.values() for day in values]
    invoice.service_start, invoice.service_end = min(all_days), max(all_days)
    invoice.save()
    return invoice


def billing_state(entry: TimeEntry) -> str:
    """unbilled (also after a cancelled invoice), draft (reserved), or billed (issued)."""
    if entry.invoice_line_id is None:
        return "unbilled"
    return {Invoice.State.DRAFT: "draft", Invoice.State.ISSUED: "billed"}.get(
        entry.invoice_line.invoice.state, "unbilled")
