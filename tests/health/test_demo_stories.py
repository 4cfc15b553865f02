"""The demo clients' stories, told through signals made from the demo's own facts."""

import datetime as dt

import pytest
from django.utils import timezone

from rapport.billing.models import Invoice
from rapport.clients.models import Client, Note
from rapport.core.models import Workspace
from rapport.front.demo import DEMO_WORKSPACE, build_demo
from rapport.health.assessment import assess_portfolio
from rapport.health.fire import fire_readiness
from rapport.signals.models import Signal

pytestmark = pytest.mark.django_db


def _signals_from_demo_facts(workspace) -> None:
    """What the detectors find: late invoices and every recorded incident — added here
    only where the detectors (run by the demo) have not already recorded them."""
    today = timezone.localdate()
    detected = set(Signal.objects.filter(workspace=workspace)
                   .values_list("client_id", "kind").distinct())
    for invoice in Invoice.objects.filter(workspace=workspace, state=Invoice.State.ISSUED,
                                          due_date__isnull=False):
        late = invoice.days_late(today)
        if late > 0 and (invoice.client_id, "slow_payment") not in detected:
            Signal.objects.create(
                workspace=workspace, client=invoice.client, kind="slow_payment",
                occurred_at=dt.datetime.combine(invoice.paid_on() or today, dt.time(12),
                                                tzinfo=workspace.tz),
                strength=min(1, late / 14), explanation=f"{invoice.number}: {late} days late",
                source_type="health-test-inv", source_id=invoice.pk)
    for note in Note.objects.filter(workspace=workspace, kind=Note.Kind.INCIDENT).exclude(
            pk__in=Signal.objects.filter(workspace=workspace, source_type="note")
            .values("source_id")):
        Signal.objects.create(
            workspace=workspace, client=note.client, kind="incident", strength=1,
            occurred_at=dt.datetime.combine(note.happened_on, dt.time(12), tzinfo=workspace.tz),
            explanation=note.text[:80], source_type="note", source_id=note.pk)


@pytest.fixture
def demo():
    build_demo()
    workspace = Workspace.objects.get(name=DEMO_WORKSPACE)
    _signals_from_demo_facts(workspace)
    return workspace


def test_slow_payer_should_plan_the_exit_and_the_ideal_client_keep(demo):
    portfolio = {h.client.name: h for h in assess_portfolio(demo)}
    brandt = portfolio["Möbelmanufaktur Brandt KG"]
    assert brandt.sign("slow_to_pay").status == "present"
    assert brandt.sign("slow_to_pay").signal_ids
    assert brandt.recommendation.key == "plan_exit"
    assert brandt.recommendation.script_key == "late_fee_policy"
    assert brandt.value.enjoyment == 3
    ideal = portfolio["Nordlicht Kommunikation GmbH"]
    assert ideal.status == "none"
    assert ideal.recommendation.key == "keep"
    assert ideal.value.enjoyment == 5 and ideal.value.revenue > 0


def test_demo_reserve_and_pages_for_the_demo_user(demo, client):
    fire = fire_readiness(demo)
    assert fire.total_reserve == 10000
    assert fire.runway_months is not None and fire.runway_months > 2
    assert fire.losses and fire.herfindahl is not None
    from rapport.accounts.models import User
    from rapport.front.demo import DEMO_EMAIL

    client.force_login(User.objects.get(email=DEMO_EMAIL))
    page = client.get("/health/").content.decode()
    assert "Möbelmanufaktur Brandt KG" in page
    brandt = Client.objects.get(workspace=demo, name="Möbelmanufaktur Brandt KG")
    assert client.get(f"/health/clients/{brandt.pk}/").status_code == 200
    assert client.get("/health/fire/").status_code == 200
