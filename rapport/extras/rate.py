"""The real hourly rate per client: what they paid ÷ every hour they cost.

Revenue is the client's payments, converted into the workspace currency per invoice
currency at the ECB rates of the figure's day (`rapport.billing.income`): amounts in
different currencies are never added as they are, and a currency without a rate is left
out and named. Hours are all the time the client cost (`hours_by_client`): tracked work,
admin and travel, meetings from the calendar and the meeting log, and the estimate per
handled email. Next to it: the contracted rate, the trend per month, what the time in
communication and meetings is worth at the contracted rate, budget against actual for
fixed-price projects and the hours left on retainers this month.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from rapport.agreements.models import Contract
from rapport.agreements.services import decimal_or_none
from rapport.billing.income import Income, received
from rapport.billing.models import Payment
from rapport.clients.models import Client, Project
from rapport.core.money import quantize
from rapport.core.rates import Converter, Rate
from rapport.extras.contracted import ContractedRate, contracted_rate
from rapport.timetracking.hours import hours_by_client
from rapport.timetracking.models import TimeEntry

PERIOD_DAYS = 365
TREND_MONTHS = 6
TALK = (TimeEntry.Category.COMMUNICATION, TimeEntry.Category.MEETINGS)


def per_hour(amount: Decimal, minutes: int, currency: str) -> Decimal | None:
    return quantize(amount * 60 / minutes, currency) if minutes and amount else None


@dataclass
class Month:
    start: dt.date
    revenue: Decimal  # in the workspace currency
    minutes: int
    rate: Decimal | None


@dataclass
class Budget:
    """A fixed-price project: the agreed price against the hours spent on it."""

    project: Project
    minutes: int
    budget_minutes: int | None  # the price ÷ the contracted rate, if one is agreed
    rate: Decimal | None  # the price ÷ the hours spent so far

    @property
    def used(self) -> int | None:
        """Share of the budgeted hours spent, in %."""
        return round(100 * self.minutes / self.budget_minutes) if self.budget_minutes else None

    @property
    def over(self) -> bool:
        return bool(self.budget_minutes) and self.minutes > self.budget_minutes


@dataclass
class Retainer:
    """A monthly retainer: the hours it includes against those tracked this month."""

    project: Project
    included_minutes: int | None
    used_minutes: int
    from_contract: bool  # the hours are named in the contract (else: amount ÷ rate)

    @property
    def left_minutes(self) -> int | None:
        if self.included_minutes is None:
            return None
        return self.included_minutes - self.used_minutes


@dataclass
class RealRate:
    client: Client
    currency: str  # the workspace currency every amount here is in (unless named)
    revenue: Decimal
    minutes: dict[str, int]  # per category
    contracted: ContractedRate | None
    months: list[Month] = field(default_factory=list)
    budgets: list[Budget] = field(default_factory=list)
    retainers: list[Retainer] = field(default_factory=list)
    rates: list[Rate] = field(default_factory=list)  # ECB rates behind the revenue
    unconverted: dict[str, Decimal] = field(default_factory=dict)
    stale: bool = False

    @property
    def by_category(self) -> list[tuple[str, int]]:
        return [(str(label), self.minutes.get(value, 0))
                for value, label in TimeEntry.Category.choices]

    @property
    def total_minutes(self) -> int:
        return sum(self.minutes.values())

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.total_minutes) / 60).quantize(Decimal("0.1"))

    @property
    def rate(self) -> Decimal | None:
        return per_hour(self.revenue, self.total_minutes, self.currency)

    @property
    def talk_minutes(self) -> int:
        """Communication and meetings: the chatty client's time."""
        return sum(self.minutes.get(category, 0) for category in TALK)

    @property
    def talk_cost(self) -> Decimal | None:
        """The talk minutes at the contracted rate, in the contracted rate's currency."""
        if self.contracted is None or not self.talk_minutes:
            return None
        return quantize(self.contracted.amount * self.talk_minutes / 60,
                        self.contracted.currency)

    @property
    def comparable(self) -> bool:
        """The contracted rate is in the same currency as the real one."""
        return self.contracted is not None and self.contracted.currency == self.currency

    @property
    def below_contract(self) -> bool:
        return self.comparable and self.rate is not None and self.rate < self.contracted.amount


def _month_starts(today: dt.date, count: int) -> list[dt.date]:
    first = today.replace(day=1)
    months = []
    for _ in range(count):
        months.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def _month_end(start: dt.date) -> dt.date:
    return start.replace(day=calendar.monthrange(start.year, start.month)[1])


def _income(client: Client, start: dt.date, end: dt.date, day: dt.date) -> Income:
    """Payments of the client in [start, end], converted at the rates of `day` (one day
    for the whole figure and its trend, so the months add up in the same money)."""
    payments = Payment.objects.filter(workspace=client.workspace, invoice__client=client,
                                      paid_on__gte=start, paid_on__lte=end)
    return received(client.workspace, payments, day)


def _project_minutes(projects: list[Project], since: dt.datetime | None = None
                     ) -> dict[int, int]:
    entries = TimeEntry.objects.filter(project__in=projects, ended_at__isnull=False)
    if since is not None:
        entries = entries.filter(started_at__gte=since)
    return dict(entries.values_list("project_id").annotate(total=Sum("minutes")).order_by())


def _retainer_hours(project: Project) -> Decimal | None:
    contract = (Contract.objects.filter(project=project).select_related("version")
                .order_by("-created_at").first())
    if contract is None:
        return None
    hours = decimal_or_none(contract.version.content.get("what", {}).get("retainer_hours"))
    return hours if hours and hours > 0 else None


def _rate_in(contracted: ContractedRate | None, currency: str) -> Decimal | None:
    return contracted.amount if contracted and contracted.currency == currency else None


def budgets(client: Client, contracted: ContractedRate | None) -> list[Budget]:
    projects = list(client.projects.filter(rate_type=Project.RateType.FIXED)
                    .exclude(status=Project.Status.CANCELLED).order_by("-start_date", "-pk"))
    spent = _project_minutes(projects)
    result = []
    for project in projects:
        minutes = spent.get(project.pk, 0)
        rate = _rate_in(contracted, project.currency)
        budget = int(project.amount * 60 / rate) if rate else None
        result.append(Budget(project, minutes, budget,
                             per_hour(project.amount, minutes, project.currency)))
    return result


def retainers(client: Client, contracted: ContractedRate | None, today: dt.date
              ) -> list[Retainer]:
    projects = list(client.projects.filter(rate_type=Project.RateType.RETAINER,
                                           status=Project.Status.ACTIVE))
    month_start = dt.datetime.combine(today.replace(day=1), dt.time.min,
                                      tzinfo=client.workspace.tz)
    used = _project_minutes(projects, since=month_start)
    result = []
    for project in projects:
        hours = _retainer_hours(project)
        rate = _rate_in(contracted, project.currency)
        included = (int(hours * 60) if hours else
                    int(project.amount * 60 / rate) if rate else None)
        result.append(Retainer(project, included, used.get(project.pk, 0), hours is not None))
    return result


def real_rate(client: Client, today: dt.date, trend_months: int = TREND_MONTHS) -> RealRate:
    """The client's real hourly rate over the last 12 months up to `today`, with the
    monthly trend of the last `trend_months` months."""
    workspace = client.workspace
    start = today - dt.timedelta(days=PERIOD_DAYS - 1)
    income = _income(client, start, today, today)
    tomorrow = today + dt.timedelta(days=1)
    minutes = hours_by_client(workspace, start, tomorrow, [client.pk]).get(client.pk, {})
    contracted = contracted_rate(client)
    result = RealRate(client=client, currency=income.currency,
                      revenue=income.by_client.get(client.pk, Decimal("0")),
                      minutes={c: minutes.get(c, 0) for c in TimeEntry.Category.values},
                      contracted=contracted, rates=income.rates,
                      unconverted=income.unconverted.get(client.pk, {}), stale=income.stale)
    for month in _month_starts(today, trend_months):
        end = min(_month_end(month), today)
        paid = _income(client, month, end, today)
        spent = sum(hours_by_client(workspace, month, end + dt.timedelta(days=1), [client.pk])
                    .get(client.pk, {}).values())
        revenue = paid.by_client.get(client.pk, Decimal("0"))
        result.months.append(Month(month, revenue, spent, per_hour(revenue, spent,
                                                                    income.currency)))
    result.budgets = budgets(client, contracted)
    result.retainers = retainers(client, contracted, today)
    return result


def convert_contracted(rate: RealRate, day: dt.date) -> Decimal | None:
    """The contracted rate in the workspace currency (for a chart line only)."""
    if rate.contracted is None:
        return None
    return Converter(rate.currency, day).convert(rate.contracted.amount,
                                                 rate.contracted.currency)
