"""Monthly retainers, billed in advance: on the chosen day, next month's invoice goes out."""

from __future__ import annotations

import calendar
import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rapport.billing import services
from rapport.billing.models import BillingSettings, Invoice, InvoiceLine
from rapport.clients.models import Client, Project
from rapport.core import clock

logger = logging.getLogger(__name__)


def next_month(today: dt.date) -> tuple[dt.date, dt.date]:
    first = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


def due_retainer_projects(today: dt.date) -> list[Project]:
    """Active retainers whose workspace bills on or before today's day of the month."""
    days = dict(BillingSettings.objects.values_list("workspace_id", "retainer_day"))
    projects = Project.objects.filter(
        rate_type=Project.RateType.RETAINER, status=Project.Status.ACTIVE,
        client__status=Client.Status.ACTIVE,
    ).select_related("client", "workspace")
    start, _end = next_month(today)
    return [
        p for p in projects
        if today.day >= days.get(p.workspace_id, 25)
        and (p.end_date is None or p.end_date >= start)
        and (p.start_date is None or p.start_date <= start)
    ]


def bill_retainer(project: Project, today: dt.date) -> Invoice | None:
    """Issue next month's invoice once; a second call for the same month does nothing."""
    start, end = next_month(today)
    if Invoice.objects.filter(project=project, kind=Invoice.Kind.RETAINER,
                              service_start=start).exists():
        return None
    try:
        with transaction.atomic():
            invoice = services.new_draft(project.workspace, project.client,
                                         kind=Invoice.Kind.RETAINER, project=project)
            invoice.service_start, invoice.service_end = start, end
            with translation.override(invoice.language):
                month = date_format(start, "F Y")
                invoice.intro_text = _("Monthly retainer for %(month)s, billed in advance as "
                                       "agreed.") % {"month": month}
                description = _("%(project)s — %(month)s") % {"project": project.name,
                                                              "month": month}
            invoice.save()
            services.add_line(invoice, description, 1, project.amount,
                              unit=InvoiceLine.Unit.MONTH)
            return services.issue(invoice, today)
    except IntegrityError:
        return None  # another worker billed this month a moment ago


def bill_due_retainers(today: dt.date | None = None) -> list[Invoice]:
    today = today or clock.today()
    issued = []
    for project in due_retainer_projects(today):
        try:
            invoice = bill_retainer(project, today)
        except Exception:  # one broken project must not stop the others
            logger.exception("Retainer invoice for project %s failed", project.pk)
            continue
        if invoice:
            issued.append(invoice)
    return issued
