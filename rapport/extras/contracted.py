"""The hourly rate a client agreed to, read from what was agreed (projects, contracts)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from rapport.agreements.models import Contract
from rapport.agreements.services import decimal_or_none
from rapport.clients.models import Client, Project
from rapport.core.money import quantize

# A daily rate is read as this many working hours.
HOURS_PER_DAY = 8

SOURCES = {
    "hourly_project": _("hourly rate of the project “%(name)s”"),
    "daily_project": _("daily rate of the project “%(name)s” ÷ %(hours)s h"),
    "hourly_contract": _("hourly rate in the contract “%(name)s”"),
    "out_of_scope": _("rate for out-of-scope work in the contract “%(name)s”"),
}


@dataclass(frozen=True)
class ContractedRate:
    amount: Decimal
    currency: str
    source: str  # a key of SOURCES
    name: str  # the project or contract it comes from

    @property
    def explained(self) -> str:
        return str(SOURCES[self.source]) % {"name": self.name, "hours": HOURS_PER_DAY}


def _projects(client: Client) -> list[Project]:
    return list(client.projects.exclude(status=Project.Status.CANCELLED)
                .order_by("-start_date", "-pk"))


def _contracts(client: Client) -> list[Contract]:
    return list(Contract.objects.filter(client=client).select_related("version", "proposal")
                .order_by("-created_at", "-pk"))


def contracted_rate(client: Client) -> ContractedRate | None:
    """The newest hourly agreement: an hourly project, else a daily one (÷ 8 h), else an
    hourly contract. None when only fixed prices and retainers were agreed."""
    projects = _projects(client)
    for rate_type, source, divisor in ((Project.RateType.HOURLY, "hourly_project", 1),
                                       (Project.RateType.DAILY, "daily_project",
                                        HOURS_PER_DAY)):
        for project in projects:
            if project.rate_type == rate_type and project.amount > 0:
                return ContractedRate(quantize(project.amount / divisor, project.currency),
                                      project.currency, source, project.name)
    for contract in _contracts(client):
        cost = contract.version.content.get("cost", {})
        amount = decimal_or_none(cost.get("amount"))
        if cost.get("rate_type") == "hourly" and amount and amount > 0:
            return ContractedRate(amount, cost.get("currency") or "EUR", "hourly_contract",
                                  contract.proposal.title)
    return None


def extra_work_rate(client: Client) -> ContractedRate | None:
    """What an hour of extra work costs this client: the contract's rate for out-of-scope
    work if one was agreed, else the contracted hourly rate."""
    for contract in _contracts(client):
        cost = contract.version.content.get("cost", {})
        amount = decimal_or_none(cost.get("out_of_scope_rate"))
        if amount and amount > 0:
            return ContractedRate(amount, cost.get("currency") or "EUR", "out_of_scope",
                                  contract.proposal.title)
    return contracted_rate(client)
