"""Fire-readiness (DOMAIN.md §8): could you afford to let a client go?"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.utils import timezone

from rapport.billing.models import Payment
from rapport.clients.models import Client
from rapport.core.models import Workspace
from rapport.health.models import Reserve
from rapport.intake.services import waiting_list_count


@dataclass
class ClientLoss:
    client: Client
    revenue: Decimal
    share: float
    months: Decimal | None  # None: the reserve lasts indefinitely (no income lost)


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


def reserve_for(workspace: Workspace) -> Reserve:
    reserve, _created = Reserve.objects.get_or_create(workspace=workspace)
    return reserve


def _months(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), ROUND_HALF_UP)


def months_if_lost(reserve: Decimal, monthly_expenses: Decimal, share: float) -> Decimal | None:
    """Income drops by the client's share of it; the reserve covers the gap.

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
    rows = list(Payment.objects.filter(workspace=workspace,
                                       paid_on__gt=today - dt.timedelta(days=365),
                                       paid_on__lte=today)
                .values_list("invoice__client_id").annotate(total=Sum("amount")).order_by())
    totals = {client_id: total for client_id, total in rows if total and total > 0}
    income = sum(totals.values(), Decimal("0"))
    clients = {c.pk: c for c in Client.objects.filter(workspace=workspace, pk__in=totals)}
    losses = []
    for client_id, revenue in totals.items():
        share = float(revenue / income)
        losses.append(ClientLoss(clients[client_id], revenue, share,
                                 months_if_lost(total_reserve, expenses, share)))
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
        monthly_income=monthly_income)
