"""The overview's columns of a stored assessment (signs to watch or present, their counts,
the exit sign, the week's changes): written with the assessment, equal to what a full
recompute gives, and filled in for assessments stored before they existed."""

import importlib
import itertools

import pytest
from django.apps import apps

from rapport.health.assessment import (
    SignStatus,
    ValueSide,
    assess_client,
    recommend,
    recommendation_key,
)
from rapport.health.models import Enjoyment, HealthSnapshot
from rapport.health.overview import overview
from rapport.health.snapshots import SUMMARY_COLUMNS, bring_up_to_date
from tests.conftest import make_client
from tests.health.helpers import signal

fill = importlib.import_module("rapport.health.migrations.0006_snapshot_overview_columns")


def _active(workspace, name):
    client = make_client(workspace, name)
    client.change_status("active")
    return client


@pytest.fixture
def mixed(workspace):
    """A client who pays late (an exit sign), one with three signs present, one to watch
    whom the freelancer does not enjoy, and a calm one."""
    late = _active(workspace, "Late payer")
    for days in (1, 3, 10, 20):
        signal(late, "slow_payment", days)
    storm = _active(workspace, "Storm")
    for days in (1, 2, 4, 5, 30):
        for kind in ("urgency", "haggling", "disrespect"):
            signal(storm, kind, days)
    cold = _active(workspace, "Cold")
    signal(cold, "haggling", 3)
    signal(cold, "scope_creep", 40)
    Enjoyment.objects.create(workspace=workspace, client=cold, rating=1)
    calm = _active(workspace, "Calm")
    return [late, storm, cold, calm]


@pytest.mark.django_db
def test_the_stored_columns_equal_what_a_full_recompute_gives(workspace, mixed):
    bring_up_to_date(workspace)
    found = overview(workspace)
    rows = {row.client_id: row for row in found.portfolio}
    for client in mixed:
        health = assess_client(client)
        stored = HealthSnapshot.objects.get(client=client)
        assert stored.flagged == [[s.key, s.status] for s in health.signs
                                  if s.status != "none"]
        assert stored.present_signs == sum(s.status == "present" for s in health.signs)
        assert stored.watch_signs == sum(s.status == "watch" for s in health.signs)
        assert stored.changed_signs == len(health.changes)
        assert rows[client.pk].recommendation == health.recommendation.key
        assert rows[client.pk].status == health.status
    late, storm, cold, calm = mixed
    assert HealthSnapshot.objects.get(client=late).exit_sign
    assert not HealthSnapshot.objects.get(client=calm).flagged
    assert {rows[c.pk].recommendation for c in mixed} == {
        "plan_exit", "let_go", "talk_now", "keep"}


def _shown(page: str) -> str:
    """The counts, what changed, the chart and the table (not the per-request tokens)."""
    return page.split('data-testid="health-counts"')[1].split("</table>")[0]


@pytest.mark.django_db
def test_an_assessment_stored_before_the_columns_shows_as_before(owner_http, workspace,
                                                                  mixed):
    bring_up_to_date(workspace)
    before = owner_http.get("/health/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    stored = {s.pk: [getattr(s, n) for n in SUMMARY_COLUMNS]
              for s in HealthSnapshot.objects.all()}
    HealthSnapshot.objects.update(flagged=[], present_signs=0, watch_signs=0,
                                  exit_sign=False, changed_signs=0)  # as the old rows were
    fill.fill_columns(apps, None)
    assert {s.pk: [getattr(s, n) for n in SUMMARY_COLUMNS]
            for s in HealthSnapshot.objects.all()} == stored
    after = owner_http.get("/health/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _shown(after) == _shown(before)
    assert "Plan the exit" in after and "Slow to pay" in after


def _sign(key: str, status: str, score: float) -> SignStatus:
    return SignStatus(key, key, status, score, 1, 0, 0.0, [], [], [], "check_in")


@pytest.mark.parametrize("enjoyment,share", list(itertools.product((None, 1, 2, 3, 5),
                                                                    (None, 0.2, 0.5, 0.9))))
def test_the_recommendation_from_counts_is_the_one_from_the_signs(enjoyment, share):
    keys = ["unreasonable_demands", "slow_to_pay", "panic_mode", "everything_for_nothing"]
    for statuses in itertools.product(("none", "watch", "present"), repeat=len(keys)):
        signs = [_sign(k, s, n + 1) for n, (k, s) in enumerate(zip(keys, statuses,
                                                                   strict=True))]
        value = ValueSide(revenue=0, share=share, hours=None, hourly_rate=None,
                          enjoyment=enjoyment)
        present = [s for s in signs if s.status == "present"]
        key = recommendation_key(len(present), statuses.count("watch"),
                                 any(s.key == "slow_to_pay" for s in present),
                                 enjoyment, share)
        assert key == recommend(signs, value).key
