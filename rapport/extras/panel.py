"""What the client page (and the client's extras page) shows about extra requests: the
recent ones, and for each recurring unpaid extra the proposal with its script."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from rapport.clients.models import Client
from rapport.core.models import Workspace
from rapport.extras import services
from rapport.extras.models import ExtraRequest
from rapport.extras.recurrence import Recurrence, recurring, thresholds

SHOWN = 8  # recent extras on the client page
CHANGE_ORDER_SCRIPT = "recurring_extra_change_order"
RATE_INCREASE_SCRIPT = "recurring_extra_rate_increase"


@dataclass
class Proposal:
    """A recurring unpaid extra and what to do about it: with a contract, make it a paid
    part of the agreement (a change order); without one, raise the rate."""

    recurrence: Recurrence
    price: tuple[Decimal, str] | None  # per occurrence, at the rate for extra work
    has_contract: bool

    @property
    def action(self) -> str:
        return "change_order" if self.has_contract else "rate_increase"

    @property
    def script_key(self) -> str:
        return CHANGE_ORDER_SCRIPT if self.has_contract else RATE_INCREASE_SCRIPT


def current_recurrences(client: Client, today: dt.date) -> list[Recurrence]:
    extras = ExtraRequest.objects.filter(workspace=client.workspace, client=client,
                                         kind__in=ExtraRequest.UNPAID,
                                         change_order__isnull=True,
                                         requested_on__lte=today)
    return recurring(extras, today=today)


def workspace_recurrences(workspace: Workspace, today: dt.date
                          ) -> list[tuple[Client, Recurrence]]:
    """Current recurrences of every client of the workspace (one query for the extras)."""
    _count, window = thresholds()
    extras = ExtraRequest.objects.filter(workspace=workspace, kind__in=ExtraRequest.UNPAID,
                                         change_order__isnull=True, requested_on__lte=today,
                                         requested_on__gt=today - 2 * window)
    found = recurring(extras, today=today)
    clients = {c.pk: c for c in Client.objects.filter(
        workspace=workspace, pk__in={r.client_id for r in found})}
    return [(clients[r.client_id], r) for r in found if r.client_id in clients]


def proposals(client: Client, today: dt.date) -> list[Proposal]:
    found = current_recurrences(client, today)
    if not found:
        return []
    has_contract = services.open_contract(client) is not None
    return [Proposal(r, services.proposed_price(client, r), has_contract) for r in found]


def context(client: Client, today: dt.date, everything: bool = False) -> dict[str, object]:
    extras = services.client_extras(client)
    year_ago = today - dt.timedelta(days=365)
    recent = [e for e in extras if e.requested_on > year_ago]
    return {
        "extras": extras if everything else extras[:SHOWN],
        "more": max(0, len(extras) - SHOWN) if not everything else 0,
        "proposals": proposals(client, today),
        "counts": {kind: sum(1 for e in recent if e.kind == kind)
                   for kind in ExtraRequest.Kind.values},
        "unpaid_minutes": sum(e.minutes for e in recent if e.unpaid),
    }


_DEFAULT_REQUEST = {"de": "diese kleinen Extras", "en": "these small extras"}


def script_placeholders(client: Client, language: str, today: dt.date) -> dict[str, str]:
    """{extra_request}, {extra_count}, {extra_weeks} for the recurring-extra scripts: the
    client's most recent recurring unpaid extra, else the rule's own numbers."""
    count, window = thresholds()
    found = current_recurrences(client, today)
    if found:
        return {"extra_request": found[0].label, "extra_count": str(found[0].count),
                "extra_weeks": str(found[0].weeks)}
    return {"extra_request": _DEFAULT_REQUEST.get(language, _DEFAULT_REQUEST["en"]),
            "extra_count": str(count), "extra_weeks": str(window.days // 7)}
