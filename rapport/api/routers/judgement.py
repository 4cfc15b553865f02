"""Signals, client health and proposals: the facts, the judgement and the offers."""


import datetime as dt
import logging
from typing import Literal

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from rapport.agreements.models import Proposal
from rapport.api import auth
from rapport.api.common import ERRORS, get_owned, narrowed, workspace_of
from rapport.api.pagination import Pagination
from rapport.api.schemas import HealthOut, ProposalOut, SignalOut, money
from rapport.clients.models import Client
from rapport.health.assessment import ClientHealth, assess_client
from rapport.health.snapshots import last_assessed, portfolio
from rapport.signals import services as signal_services
from rapport.signals.models import Signal, SignalKind

logger = logging.getLogger(__name__)
router = Router(tags=["judgement"])

Kind = Literal[tuple(SignalKind.values)]  # type: ignore[valid-type]
ProposalStatus = Literal[tuple(Proposal.Status.values)]  # type: ignore[valid-type]


@router.get("/signals", response={200: list[SignalOut], **ERRORS}, summary="List signals")
@paginate(Pagination)
def list_signals(request: HttpRequest, client_id: int | None = None, kind: Kind | None = None,
                 dismissed: bool | None = None, occurred_from: dt.date | None = None,
                 occurred_until: dt.date | None = None):
    signals = Signal.objects.filter(workspace=workspace_of(request)).order_by("-occurred_at",
                                                                              "-pk")
    if dismissed is not None:
        signals = signals.filter(dismissed_at__isnull=not dismissed)
    return narrowed(signals, client_id=client_id, kind=kind,
                    occurred_at__date__gte=occurred_from, occurred_at__date__lte=occurred_until)


@router.post("/signals/{signal_id}/dismiss", response={200: SignalOut, **ERRORS},
             auth=auth.write, summary="Dismiss a signal (“not a red flag”)")
def dismiss_signal(request: HttpRequest, signal_id: int):
    signal = get_owned(request, Signal, signal_id)
    signal_services.dismiss(signal)
    return signal


def _health(health: ClientHealth) -> dict:
    value = health.value
    return {
        "client_id": health.client.pk, "client_name": health.client.name,
        "status": health.status, "friction": health.friction,
        "recommendation": health.recommendation.key,
        "recommendation_label": health.recommendation.label,
        "revenue_12_months": money(value.revenue, value.currency),
        "signs": [{"key": s.key, "label": s.label, "status": s.status, "score": s.score,
                   "count": s.count, "trend": s.trend, "signal_ids": s.signal_ids}
                  for s in health.signs],
    }


@router.get("/health", response={200: list[HealthOut], **ERRORS},
            summary="Health of the portfolio (active, paused and offboarding clients)")
@paginate(Pagination)
def portfolio_health(request: HttpRequest):
    return [_health(h) for h in portfolio(workspace_of(request))]


@router.get("/clients/{client_id}/health", response={200: HealthOut, **ERRORS},
            summary="Health of one client")
def client_health(request: HttpRequest, client_id: int):
    client = get_owned(request, Client, client_id)
    last_assessed(client)  # stores the assessment as the health page does
    try:
        health = assess_client(client)  # fresh, with the ids of the signals behind each sign
    except Exception:  # the stored assessment rather than an error, as on the page
        logger.exception("Assessing the health of client %s failed", client.pk)
        [health] = portfolio(workspace_of(request), only=[client.pk])
    return _health(health)


@router.get("/proposals", response={200: list[ProposalOut], **ERRORS},
            summary="List proposals")
@paginate(Pagination)
def list_proposals(request: HttpRequest, client_id: int | None = None,
                   status: ProposalStatus | None = None):
    proposals = Proposal.objects.filter(workspace=workspace_of(request)).order_by(
        "-created_at", "-pk")
    return narrowed(proposals, client_id=client_id, status=status)


@router.get("/proposals/{proposal_id}", response={200: ProposalOut, **ERRORS},
            summary="Get a proposal and its status")
def get_proposal(request: HttpRequest, proposal_id: int):
    return get_owned(request, Proposal, proposal_id)
