"""Signals (list, dismiss through the signals service), client health and proposals."""

import pytest

from rapport.signals.models import Signal
from tests.agreements.factories import make_proposal, sent_proposal
from tests.conftest import make_client
from tests.health.helpers import signal

pytestmark = pytest.mark.django_db


@pytest.fixture
def active(workspace):
    client = make_client(workspace, "Kranich Verlag")
    client.change_status("active")
    return client


def test_signals_are_listed_and_filtered_by_kind_and_dismissal(reader, active):
    signal(active, "urgency", 3)
    signal(active, "haggling", 10)
    assert reader.get("signals").json()["count"] == 2
    assert [s["kind"] for s in reader.get("signals", kind="urgency").json()["items"]] == [
        "urgency"]
    assert reader.get("signals", dismissed=True).json()["count"] == 0


def test_dismissing_a_signal_excludes_it_and_reassesses_the_client(writer, active):
    found = signal(active, "urgency", 3)
    response = writer.post(f"signals/{found.pk}/dismiss")
    assert response.status_code == 200 and response.json()["dismissed_at"]
    assert Signal.objects.active().filter(pk=found.pk).count() == 0
    assert writer.get("signals", dismissed=False).json()["count"] == 0


def test_a_read_token_cannot_dismiss_and_another_workspaces_signal_is_not_found(
        reader, writer, active, elsewhere):
    mine = signal(active, "urgency", 3)
    theirs = signal(make_client(elsewhere, "Secret"), "urgency", 3)
    assert reader.post(f"signals/{mine.pk}/dismiss").status_code == 403
    assert writer.post(f"signals/{theirs.pk}/dismiss").status_code == 404
    assert not Signal.objects.filter(dismissed_at__isnull=False).exists()


def test_health_of_the_portfolio_and_of_one_client_show_the_signs(reader, active):
    for days in (1, 2, 3, 4, 5, 6):
        signal(active, "urgency", days)
    portfolio = reader.get("health").json()
    assert portfolio["count"] == 1
    row = portfolio["items"][0]
    assert row["client_id"] == active.pk and row["status"] in {"watch", "present"}
    assert row["revenue_12_months"]["currency"] == "EUR"
    one = reader.get(f"clients/{active.pk}/health").json()
    assert one["status"] == row["status"]
    flagged = [s for s in one["signs"] if s["status"] != "none"]
    assert flagged and all(s["signal_ids"] for s in flagged)


def test_proposals_are_listed_with_their_status(reader, active, elsewhere):
    draft = make_proposal(active, title="Draft")
    sent, _link = sent_proposal(active)
    make_proposal(make_client(elsewhere, "Secret"))
    assert reader.get("proposals").json()["count"] == 2
    assert [p["id"] for p in reader.get("proposals", status="sent").json()["items"]] == [
        sent.pk]
    body = reader.get(f"proposals/{draft.pk}").json()
    assert body["status"] == "draft" and body["title"] == "Draft"
    assert reader.get(f"proposals/{sent.pk}").json()["versions"] >= 1
