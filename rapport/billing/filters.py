"""The invoice list's filters and totals, computed by the database.

`payment_status()` on the model reads an invoice's payments in Python; a list of hundreds
of invoices cannot do that per row. `Invoice.objects.with_payment_status()` annotates the
same answer in SQL (`paid_sum`, `balance`, `payment_state`), so that the list filters,
counts and sums every matching invoice in a few queries and renders only the page it shows.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import (
    Count,
    DecimalField,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.utils.translation import gettext_lazy as _

from rapport.billing.models import Invoice
from rapport.clients.models import Client
from rapport.core import clock
from rapport.core.models import Workspace

MONEY = DecimalField(max_digits=14, decimal_places=2)
# Half a cent: SQLite adds decimals as binary floats, so "fully paid" is "less than half a
# cent left", which is the same as "nothing left" for amounts in whole cents.
HALF_CENT = Value(Decimal("0.005"), output_field=MONEY)
OPEN_STATUSES = (Invoice.PaymentStatus.OPEN, Invoice.PaymentStatus.PARTIALLY_PAID,
                 Invoice.PaymentStatus.OVERDUE)




class DueFilter:
    """When the invoice is (or was) due: the values of the list's "Due" select."""

    OVERDUE = "overdue"
    THIS_WEEK = "week"
    NEXT_30_DAYS = "30days"
    CHOICES = ((OVERDUE, _("Overdue")), (THIS_WEEK, _("Due within 7 days")),
               (NEXT_30_DAYS, _("Due within 30 days")))


class BalanceFilter:
    """What the client still owes: the values of the list's "Balance" select."""

    OWED = "owed"
    SETTLED = "settled"
    OVERPAID = "overpaid"
    CHOICES = ((OWED, _("Money still owed")), (SETTLED, _("Settled")),
               (OVERPAID, _("Paid too much")))


def matching(workspace: Workspace, filters: dict[str, Any],
             today: dt.date | None = None) -> QuerySet[Invoice]:
    """The workspace's invoices narrowed by the list's filters (each optional), newest
    first, annotated by `Invoice.objects.with_payment_status()`."""
    today = today or clock.today()
    invoices = Invoice.objects.filter(workspace=workspace).with_payment_status(today)
    if filters.get("status"):
        invoices = invoices.filter(payment_state=filters["status"])
    if filters.get("client"):
        invoices = invoices.filter(client=filters["client"])
    due = filters.get("due")
    if due:
        invoices = invoices.filter(payment_state__in=OPEN_STATUSES)
        if due == DueFilter.OVERDUE:
            invoices = invoices.filter(due_date__lt=today)
        else:
            days = 7 if due == DueFilter.THIS_WEEK else 30
            invoices = invoices.filter(due_date__gte=today,
                                       due_date__lte=today + dt.timedelta(days=days))
    balance = filters.get("balance")
    if balance:
        counted = invoices.filter(state=Invoice.State.ISSUED).exclude(
            kind=Invoice.Kind.CANCELLATION)
        if balance == BalanceFilter.OWED:
            invoices = counted.filter(balance__gte=HALF_CENT)
        elif balance == BalanceFilter.SETTLED:
            invoices = counted.filter(balance__gt=-HALF_CENT, balance__lt=HALF_CENT)
        elif balance == BalanceFilter.OVERPAID:
            invoices = counted.filter(balance__lte=-HALF_CENT)
    if filters.get("q"):
        text = filters["q"].strip()
        invoices = invoices.filter(Q(number__icontains=text) | Q(client__name__icontains=text))
    return invoices.order_by(F("issue_date").desc(nulls_first=True), "-pk")


def totals(invoices: QuerySet[Invoice]) -> list[dict[str, Any]]:
    """Per currency (never added across currencies): how many invoices match, their total
    and what is still owed on them, in one query."""
    counted = Q(state=Invoice.State.ISSUED) & ~Q(kind=Invoice.Kind.CANCELLATION)
    rows = (invoices.order_by().values("currency").annotate(
        count=Count("pk"),
        total=Sum(F("gross_total") - F("deducted_total"), filter=counted, default=0,
                  output_field=MONEY),
        owed=Sum("balance", filter=counted & Q(payment_state__in=OPEN_STATUSES), default=0,
                 output_field=MONEY),
    ).order_by("currency"))
    return list(rows)


def open_by_status(invoices: QuerySet[Invoice]) -> list[dict[str, Any]]:
    """What is still owed per open status and currency: the cards above the list."""
    return invoices.owed_by_status()


class InvoiceFilterForm(forms.Form):
    """The list's GET form; every value is a plain ISO/ASCII token that fits in a URL."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    client = forms.ModelChoiceField(label=_("Client"), required=False,
                                    queryset=Client.objects.none())
    due = forms.ChoiceField(label=_("Due"), required=False)
    balance = forms.ChoiceField(label=_("Balance"), required=False)

    def __init__(self, workspace: Workspace, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["status"].choices = everything + list(Invoice.PaymentStatus.choices)
        self.fields["due"].choices = everything + list(DueFilter.CHOICES)
        self.fields["balance"].choices = everything + list(BalanceFilter.CHOICES)
        client = self.fields["client"]
        client.queryset = Client.objects.filter(
            workspace=workspace, pk__in=Invoice.objects.filter(workspace=workspace)
            .values("client_id")).order_by("name")
        client.empty_label = _("All")
