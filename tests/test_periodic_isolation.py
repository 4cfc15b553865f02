"""Each periodic task keeps working for every other workspace when one workspace's item
fails for real (the database refuses its rows, or its data cannot be billed)."""

from __future__ import annotations

import datetime as dt

import pytest

from rapport.accounts.models import User
from rapport.agreements.models import Proposal
from rapport.agreements.tasks import expire_overdue_offers
from rapport.billing.models import Invoice
from rapport.billing.tasks import bill_retainers
from rapport.core import clock
from rapport.health.models import HealthSnapshot
from rapport.health.tasks import refresh_health
from rapport.signals.models import Signal
from rapport.signals.tasks import detect_new_signals
from tests.agreements.factories import sent_proposal
from tests.billing.factories import billable_client, make_billable, project_for
from tests.conftest import make_client, make_workspace
from tests.failing_rows import refused_writes
from tests.signals.helpers import message

pytestmark = pytest.mark.django_db


@pytest.fixture
def neighbour(db):
    user = User.objects.create_user("neighbour@example.com", "x" * 12)
    return make_workspace(user, name="Nachbar Studio")


def test_detection_goes_on_in_other_workspaces_when_one_cannot_store_its_signals(
        workspace, neighbour):
    mine, theirs = make_client(workspace, "Mine"), make_client(neighbour, "Theirs")
    message(workspace, mine, "Das ist uns zu teuer.")
    message(neighbour, theirs, "Das ist uns zu teuer.")
    with refused_writes(Signal, workspace.pk):
        stats = detect_new_signals.call()
    assert stats["failed_workspaces"] == 1
    assert list(Signal.objects.values_list("client__name", "kind")) == [("Theirs", "haggling")]


def test_health_is_refreshed_in_other_workspaces_when_one_cannot_store_snapshots(
        workspace, neighbour):
    for ws, name in ((workspace, "Mine"), (neighbour, "Theirs")):
        make_client(ws, name).change_status("active")
    with refused_writes(HealthSnapshot, workspace.pk):
        assert refresh_health.call() == 1
    assert list(HealthSnapshot.objects.values_list("client__name", flat=True)) == ["Theirs"]


def test_retainers_are_billed_in_other_workspaces_when_one_cannot_be_billed(
        workspace, neighbour):
    # The first workspace never entered its billing details, so its invoice cannot issue.
    broken = billable_client(workspace, "Mine")
    broken.change_status("active")
    project_for(broken, "900.00", rate_type="retainer", status="active")
    make_billable(neighbour, retainer_day=25)
    healthy = billable_client(neighbour, "Theirs")
    healthy.change_status("active")
    project_for(healthy, "900.00", rate_type="retainer", status="active")
    with clock.travel(dt.date(2026, 11, 25)):
        numbers = bill_retainers.call()
    assert len(numbers) == 1
    assert list(Invoice.objects.filter(kind="retainer").values_list(
        "client__name", flat=True)) == ["Theirs"]


def test_offers_expire_in_other_workspaces_when_one_workspace_refuses_the_change(
        workspace, neighbour):
    mine, _link = sent_proposal(billable_client(workspace, language="en"))
    theirs, _link = sent_proposal(billable_client(neighbour, language="en"))
    with refused_writes(Proposal, workspace.pk, "UPDATE"), \
            clock.travel(mine.valid_until + dt.timedelta(days=1)):
        assert expire_overdue_offers.call() == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == ("sent", "expired")


def test_one_client_whose_assessment_fails_keeps_its_last_assessment_and_the_others_update(
        workspace, owner_http, monkeypatch, caplog):
    from rapport.health import assessment, snapshots
    from rapport.health.snapshots import mark_dirty

    broken, fine = make_client(workspace, "Broken"), make_client(workspace, "Fine")
    for client in (broken, fine):
        client.change_status("active")
    assert refresh_health.call() == 1
    before = HealthSnapshot.objects.get(client=broken)

    real_assess = assessment.assess

    def assess_failing_for_broken(client, facts):
        if client.name == "Broken":
            raise ValueError("unexpected data")
        return real_assess(client, facts)

    monkeypatch.setattr(snapshots, "assess", assess_failing_for_broken)
    monkeypatch.setattr(assessment, "assess", assess_failing_for_broken)
    mark_dirty([broken.pk, fine.pk])
    assert refresh_health.call() == 1

    fine_now = HealthSnapshot.objects.get(client=fine)
    assert fine_now.dirty_at is None and fine_now.update_failed_at is None
    broken_now = HealthSnapshot.objects.get(client=broken)
    assert broken_now.update_failed_at is not None
    assert broken_now.signs == before.signs  # the previous assessment is kept
    assert broken_now.dirty_at is not None  # and tried again next time
    assert f"Assessing the health of client {broken.pk} failed" in caplog.text

    index = owner_http.get("/health/").content.decode()
    assert "The health of Broken could not be updated" in index
    assert "The health of Fine could not be updated" not in index
    page = owner_http.get(f"/health/clients/{broken.pk}/")
    assert page.status_code == 200
    assert "The assessment could not be updated" in page.content.decode()
    assert "could not be updated" not in owner_http.get(
        f"/health/clients/{fine.pk}/").content.decode()


def test_a_client_whose_first_assessment_fails_still_appears_without_signs(
        workspace, owner_http, monkeypatch):
    from rapport.health import assessment, snapshots

    def always_failing(client, facts):
        raise ValueError("unexpected data")

    make_client(workspace, "Broken").change_status("active")
    monkeypatch.setattr(snapshots, "assess", always_failing)
    monkeypatch.setattr(assessment, "assess", always_failing)
    assert refresh_health.call() == 1
    [snapshot] = HealthSnapshot.objects.all()
    assert snapshot.signs == [] and snapshot.update_failed_at is not None
    index = owner_http.get("/health/")
    assert index.status_code == 200
    assert "The health of Broken could not be updated" in index.content.decode()


def test_one_message_that_breaks_a_detector_does_not_stop_the_workspaces_other_messages(
        workspace, monkeypatch, caplog):
    from rapport.signals import services

    broken, fine = make_client(workspace, "Broken"), make_client(workspace, "Fine")
    poisoned = message(workspace, broken, "Das ist uns zu teuer.")
    message(workspace, fine, "Das ist uns zu teuer.")
    real = services.message_candidates

    def failing_for_poisoned(msg, *args, **kwargs):
        if msg.pk == poisoned.pk:
            raise ValueError("a detector broke")
        return real(msg, *args, **kwargs)

    monkeypatch.setattr(services, "message_candidates", failing_for_poisoned)
    stats = detect_new_signals.call()
    assert stats.get("failed_workspaces", 0) == 0
    assert list(Signal.objects.values_list("client__name", "kind")) == [("Fine", "haggling")]
    assert f"Detecting signals in message {poisoned.pk} failed" in caplog.text


def test_one_client_whose_facts_cannot_be_judged_does_not_stop_the_others(
        workspace, monkeypatch, caplog):
    from rapport.signals import services

    broken, fine = make_client(workspace, "Broken"), make_client(workspace, "Fine")
    real = services._facts_for

    def failing_for_broken(client, *args, **kwargs):
        if client.pk == broken.pk:
            raise ValueError("unexpected data")
        return real(client, *args, **kwargs)

    monkeypatch.setattr(services, "_facts_for", failing_for_broken)
    assert services.rejudge_facts(workspace, [broken.pk, fine.pk]) == 1
    assert f"Judging the facts of client {broken.pk} failed" in caplog.text
