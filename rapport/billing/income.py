"""Money received per client, in the workspace currency, for the figures that compare
clients (share of income, concentration, runway, effective hourly rate).

Only the net share of a payment counts: the VAT in it belongs to the tax office, and the
rates it is compared with (contracted hourly rate, fixed prices) are net. A payment counts
as `amount × net / gross` of its invoice, so a part payment counts in proportion and a
client billed without VAT (reverse charge, small business) is not outweighed by one billed
with 19 %.

Payments are summed per client and invoice currency: amounts of different currencies are
never added. Each currency's total is then converted once into the workspace currency at
the ECB reference rate of the figure's day (`rapport.core.rates`), so a client paying in
USD is compared with one paying in EUR at today's value of that money. The rates used
are kept to be stated next to the figures; a currency without a rate is left out of the
comparison and listed as such, never counted as euros.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet, Sum

from rapport.billing.models import Payment
from rapport.core.models import Workspace
from rapport.core.rates import Converter, Rate

ZERO = Decimal("0")
CENT = Decimal("0.01")


def net_share(paid: Decimal, net_total: Decimal, gross_total: Decimal) -> Decimal:
    """The part of `paid` that is not VAT; an invoice with a gross total of zero has none.

    Computed in Python, not in SQL: SQLite stores whole amounts as integers and would
    divide them as integers (1175 × 1000 ÷ 1190 = 987), PostgreSQL would not.
    """
    if not gross_total:
        return paid
    return paid * net_total / gross_total


@dataclass
class Income:
    """Payments of a period per client: converted totals and what they came from."""

    currency: str  # the workspace currency every converted figure is in
    day: dt.date  # the day whose exchange rates were used
    by_client: dict[int, Decimal] = field(default_factory=dict)  # converted
    original: dict[int, dict[str, Decimal]] = field(default_factory=dict)  # per currency
    unconverted: dict[int, dict[str, Decimal]] = field(default_factory=dict)  # no rate
    rates: list[Rate] = field(default_factory=list)
    stale: bool = False

    def foreign(self, client_id: int) -> dict[str, Decimal]:
        """The client's payments in currencies other than the workspace currency."""
        return {code: amount for code, amount in self.original.get(client_id, {}).items()
                if code != self.currency}


def received(workspace: Workspace, payments: QuerySet[Payment], day: dt.date) -> Income:
    """Sum the net share of `payments` per client and currency, convert each total at the
    rates of `day`."""
    converter = Converter(workspace.default_currency, day)
    income = Income(currency=workspace.default_currency, day=day)
    # Summed per invoice ratio in the database, exactly; the net share in Python.
    rows = (payments.values_list("invoice__client_id", "invoice__currency",
                                 "invoice__net_total", "invoice__gross_total")
            .annotate(paid=Sum("amount")).order_by())
    totals: dict[tuple[int, str], Decimal] = {}
    for client_id, currency, net_total, gross_total, paid in rows:
        key = (client_id, currency)
        totals[key] = totals.get(key, ZERO) + net_share(paid, net_total, gross_total)
    for (client_id, currency), total in totals.items():
        total = total.quantize(CENT, ROUND_HALF_UP)
        if not total:
            continue
        income.original.setdefault(client_id, {})[currency] = total
        value = converter.convert(total, currency)
        if value is None:
            income.unconverted.setdefault(client_id, {})[currency] = total
            continue
        income.by_client[client_id] = income.by_client.get(client_id, ZERO) + value
    income.rates, income.stale = converter.rates, converter.stale
    return income


def received_in_year(workspace: Workspace, today: dt.date) -> Income:
    """The last 12 months up to `today`, as health and fire-readiness read them."""
    return received(workspace, Payment.objects.filter(
        workspace=workspace, paid_on__gt=today - dt.timedelta(days=365), paid_on__lte=today),
        today)
