"""Extra requests and contracts for the extras tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from rapport.agreements import services as agreements
from rapport.agreements.models import Contract
from rapport.clients.models import Client
from rapport.extras.models import ExtraRequest
from rapport.extras.services import log_extra
from tests.agreements.factories import EVIDENCE, sent_proposal


def extra(client: Client, kind: str = "scope_creep", *, label: str = "Social media post",
          days_ago: int = 0, minutes: int = 30, amount: str | None = None,
          description: str = "Could you quickly post this on LinkedIn?", **fields: object
          ) -> ExtraRequest:
    return log_extra(ExtraRequest(
        workspace=client.workspace, client=client, kind=kind, label=label,
        description=description, minutes=minutes,
        amount=Decimal(amount) if amount else None,
        currency=fields.pop("currency", client.workspace.default_currency),
        requested_on=timezone.localdate() - dt.timedelta(days=days_ago), **fields))


def contract_for(client: Client, **cost: object) -> Contract:
    """An accepted proposal: the client's contract (hourly rate for extra work 90 EUR)."""
    cost = {"out_of_scope_rate": "90.00", "deposit_percent": "0", **cost}
    proposal, _link = sent_proposal(client, **cost)
    version = proposal.current_version
    return agreements.accept(proposal, version.number, version.sha256, EVIDENCE)
