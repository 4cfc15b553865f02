"""The recover period (DOMAIN.md §10: "leave well, then take time to recover before
rushing into new work").

When it runs: a client becoming a *former* client is a hard exit — the relationship is
over, whoever ended it. From that day, for `JournalSettings.recover_days` days (30 by
default; 0 switches it off), Rapport asks you not to take on a new *big* client. The
latest exit counts; the user may end the period early.

What "big" means: the prospect's expected budget (the upper end of the budget they gave
in the questionnaire, else the lower end, in the workspace currency) is at least
`big_amount`, when one is set, or at least `big_share_percent` (20 % by default — one of
five equal clients, DOMAIN.md §8) of the payments of the last 12 months, converted into
the workspace currency (`rapport.billing.income`). With no payments in that year any paid
work is big. A prospect without a budget yet may be big: Rapport warns as well.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rapport.billing.income import received_in_year
from rapport.clients.models import Client, StatusChange
from rapport.core import clock
from rapport.core.models import Workspace
from rapport.intake.models import Interview
from rapport.journal.models import JournalSettings


@dataclass(frozen=True)
class RecoverPeriod:
    change: StatusChange  # the exit that started it
    started_on: dt.date
    ends_on: dt.date  # the first day without the period
    days_left: int

    @property
    def client(self) -> Client:
        return self.change.client

    @property
    def last_day(self) -> dt.date:
        return self.ends_on - dt.timedelta(days=1)


@dataclass(frozen=True)
class BigCheck:
    """Is a prospect big? `big` is None when their budget is not known yet."""

    big: bool | None
    expected: Decimal | None
    share: float | None  # of the last 12 months' payments
    currency: str

    @property
    def share_percent(self) -> int | None:
        return None if self.share is None else round(self.share * 100)


def settings_for(workspace: Workspace) -> JournalSettings:
    found, _created = JournalSettings.objects.get_or_create(workspace=workspace)
    return found


def last_exit(workspace: Workspace) -> StatusChange | None:
    return (StatusChange.objects.filter(workspace=workspace, to_status=Client.Status.FORMER)
            .select_related("client").order_by("-changed_on", "-pk").first())


def current_period(workspace: Workspace, today: dt.date | None = None) -> RecoverPeriod | None:
    """The recover period running on `today`, if any."""
    today = today or clock.today()
    settings = settings_for(workspace)
    change = last_exit(workspace)
    if change is None or not settings.recover_days:
        return None
    ends_on = change.changed_on + dt.timedelta(days=settings.recover_days)
    if today >= ends_on or today < change.changed_on:
        return None
    if settings.ended_on and settings.ended_on >= change.changed_on:
        return None
    return RecoverPeriod(change, change.changed_on, ends_on, (ends_on - today).days)


def end_early(workspace: Workspace, today: dt.date | None = None) -> None:
    settings = settings_for(workspace)
    settings.ended_on = today or clock.today()
    settings.save(update_fields=["ended_on"])


def _decimal(value: object) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() and number > 0 else None


def expected_value(interview: Interview) -> Decimal | None:
    answers = interview.answers or {}
    return _decimal(answers.get("budget_max")) or _decimal(answers.get("budget_min"))


def check_big(interview: Interview, today: dt.date | None = None) -> BigCheck:
    workspace = interview.workspace
    today = today or clock.today()
    settings = settings_for(workspace)
    currency = workspace.default_currency
    expected = expected_value(interview)
    if expected is None:
        return BigCheck(None, None, None, currency)
    total = sum(received_in_year(workspace, today).by_client.values(), Decimal("0"))
    share = float(expected / total) if total else None
    big = (total == 0
           or (settings.big_amount is not None and expected >= settings.big_amount)
           or (share is not None and share * 100 >= settings.big_share_percent))
    return BigCheck(big, expected, share, currency)


@dataclass(frozen=True)
class IntakeWarning:
    period: RecoverPeriod
    check: BigCheck


def intake_warning(interview: Interview, today: dt.date | None = None) -> IntakeWarning | None:
    """A warning for the fit report while the period runs and the prospect may be big."""
    if interview.client.status != Client.Status.PROSPECT:
        return None
    period = current_period(interview.workspace, today)
    if period is None:
        return None
    check = check_big(interview, today)
    if check.big is False:
        return None
    return IntakeWarning(period, check)
