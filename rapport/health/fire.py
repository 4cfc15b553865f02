"""Fire-readiness (DOMAIN.md §8): could you afford to let a client go?

The figures, all in the workspace currency:
- reserve: business plus personal emergency fund;
- runway: reserve ÷ monthly expenses — how long the reserve pays your expenses if *no*
  client paid any more;
- a client's share: their payments of the last 12 months ÷ all payments of those months
  (foreign currencies converted at the ECB rate of today, see `rapport.billing.income`);
- monthly gap if a client left: monthly expenses × their share — the part of your
  expenses their money paid for, assuming your income about covers your expenses;
- time to replace a client: reserve ÷ that gap = runway ÷ share — how long the reserve
  fills the gap while you find a new client; never shorter than the runway.
DOMAIN.md's example: five clients at 20 % and one month of reserve give five months.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from rapport.billing.income import Income, received_in_year
from rapport.clients.models import Client
from rapport.core.models import Workspace
from rapport.health.models import Reserve
from rapport.intake.services import waiting_list_count


@dataclass
class ClientLoss:
    client: Client
    revenue: Decimal  # converted into the workspace currency
    share: float
    months: Decimal | None  # None: no monthly expenses entered, nothing to bridge
    gap: Decimal | None = None  # monthly expenses × share
    original: dict[str, Decimal] | None = None  # foreign-currency payments before converting


@dataclass
class SavingsPlan:
    target: Decimal
    missing: Decimal
    per_payment_percent: Decimal
    monthly_saving: Decimal
    months_to_target: Decimal | None


@dataclass
class FireReadiness:
    reserve: Reserve
    total_reserve: Decimal
    runway_months: Decimal | None
    top_share: float | None
    herfindahl: float | None
    losses: list[ClientLoss]
    waiting_list: int
    plan: SavingsPlan
    monthly_income: Decimal
    yearly_income: Decimal = Decimal("0")  # payments of 12 months, converted
    income: Income | None = None  # the rates used, payments that could not be converted
    currency: str = "EUR"
    unconverted: list[tuple[Client, dict[str, Decimal]]] | None = None  # no rate: left out


def reserve_for(workspace: Workspace) -> Reserve:
    reserve, _created = Reserve.objects.get_or_create(workspace=workspace)
    return reserve


def _months(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), ROUND_HALF_UP)


def monthly_gap(monthly_expenses: Decimal, share: float) -> Decimal:
    """The part of the monthly expenses the client's money paid for."""
    return (monthly_expenses * Decimal(str(share))).quantize(Decimal("0.01"), ROUND_HALF_UP)


def months_if_lost(reserve: Decimal, monthly_expenses: Decimal, share: float) -> Decimal | None:
    """Time to replace a client: income drops by the client's share of it; the reserve
    covers the gap.

    With income about equal to expenses the gap is `expenses × share`, so five clients at
    20 % and a one-month reserve give 1 / 0.2 = five months.
    """
    gap = monthly_expenses * Decimal(str(share))
    if gap <= 0:
        return None
    return _months(reserve / gap)


def herfindahl(shares: list[float]) -> float:
    """Sum of squared shares: 1.0 for one client, 0.2 for five equal ones."""
    return round(sum(s * s for s in shares), 4)


def fire_readiness(workspace: Workspace, today: dt.date | None = None) -> FireReadiness:
    today = today or timezone.localdate()
    reserve = reserve_for(workspace)
    total_reserve = reserve.business_fund + reserve.personal_fund
    expenses = reserve.monthly_expenses
    received = received_in_year(workspace, today)
    totals = {client_id: total for client_id, total in received.by_client.items()
              if total > 0}
    income = sum(totals.values(), Decimal("0"))
    clients = {c.pk: c for c in Client.objects.filter(
        workspace=workspace, pk__in=set(totals) | set(received.unconverted))}
    losses = []
    for client_id, revenue in totals.items():
        share = float(revenue / income)
        losses.append(ClientLoss(clients[client_id], revenue, share,
                                 months_if_lost(total_reserve, expenses, share),
                                 monthly_gap(expenses, share) if expenses else None,
                                 received.foreign(client_id)))
    losses.sort(key=lambda loss: (-loss.share, loss.client.name))
    shares = [loss.share for loss in losses]
    target = expenses * reserve.target_months
    missing = max(target - total_reserve, Decimal("0"))
    monthly_income = (income / 12).quantize(Decimal("0.01"), ROUND_HALF_UP)
    monthly_saving = (monthly_income * reserve.savings_percent / 100).quantize(
        Decimal("0.01"), ROUND_HALF_UP)
    plan = SavingsPlan(
        target=target, missing=missing, per_payment_percent=reserve.savings_percent,
        monthly_saving=monthly_saving,
        months_to_target=(_months(missing / monthly_saving) if missing and monthly_saving
                          else (Decimal("0") if not missing else None)))
    return FireReadiness(
        reserve=reserve, total_reserve=total_reserve,
        runway_months=_months(total_reserve / expenses) if expenses else None,
        top_share=shares[0] if shares else None,
        herfindahl=herfindahl(shares) if shares else None,
        losses=losses, waiting_list=waiting_list_count(workspace), plan=plan,
        monthly_income=monthly_income, yearly_income=income, income=received,
        currency=workspace.default_currency,
        unconverted=[(clients[pk], amounts) for pk, amounts in received.unconverted.items()])
