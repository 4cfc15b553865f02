"""Logged extras are facts: scope creep and recurring favours become evidence of the
"everything for nothing" sign (the scope_creep signal), one-off favours count on the
value side of the health view."""

import pytest
from django.urls import reverse
from django.utils import translation

from rapport.extras.services import delete_extra
from rapport.health.assessment import assess_client
from rapport.health.models import Enjoyment
from rapport.signals import services as signal_services
from rapport.signals.explain import explain
from rapport.signals.models import Signal
from tests.extras.factories import extra
from tests.health.test_pipeline import queued, run_queued

pytestmark = pytest.mark.django_db


def _extra_signals(client):
    return list(Signal.objects.filter(client=client, source_type="extrarequest")
                .order_by("occurred_at"))


def test_logging_scope_creep_queues_the_follow_up_for_that_client_only(
        client_obj, workspace, django_capture_on_commit_callbacks):
    other = type(client_obj).objects.create(workspace=workspace, name="Other GmbH")
    with django_capture_on_commit_callbacks(execute=True):
        logged = extra(client_obj)
    assert queued() == [(workspace.pk, [client_obj.pk], None)]
    run_queued()
    [signal] = _extra_signals(client_obj)
    assert signal.kind == "scope_creep" and signal.source_id == logged.pk
    assert signal.evidence == "Could you quickly post this on LinkedIn?"
    assert _extra_signals(other) == []


def test_the_signal_explains_itself_in_the_reader_s_language(client_obj):
    for days_ago in (20, 10, 1):
        extra(client_obj, days_ago=days_ago, minutes=45)
    signal_services.rejudge_facts(client_obj.workspace, [client_obj.pk])
    first, _second, third = _extra_signals(client_obj)
    with translation.override("en"):
        assert explain(first).startswith("Extra work outside the agreement you logged on ")
        assert "“Social media post”. (about 45 min)" in explain(first)
        assert "requests of this kind" not in explain(first)
        assert explain(third).endswith("3 requests of this kind within 6 weeks.")
    with translation.override("de"):
        assert explain(third).startswith("Zusatzarbeit außerhalb der Vereinbarung, "
                                         "erfasst am ")
        assert explain(third).endswith("3 Anfragen dieser Art innerhalb von 6 Wochen.")
    assert float(third.strength) > float(first.strength)  # recurring weighs more


def test_scope_creep_extras_make_the_sign_present_in_the_health_view(client_obj):
    for days_ago in (40, 30, 20, 10):
        extra(client_obj, days_ago=days_ago)
    signal_services.rejudge_facts(client_obj.workspace, [client_obj.pk])
    sign = assess_client(client_obj).sign("everything_for_nothing")
    assert sign.status == "present" and sign.count == 4
    assert set(sign.signal_ids) == {s.pk for s in _extra_signals(client_obj)}


def test_a_one_off_favour_is_no_warning_sign_but_the_third_in_six_weeks_is(client_obj):
    extra(client_obj, "favour", days_ago=20)
    extra(client_obj, "favour", days_ago=10)
    signal_services.rejudge_facts(client_obj.workspace, [client_obj.pk])
    assert _extra_signals(client_obj) == []
    extra(client_obj, "favour", days_ago=1)
    signal_services.rejudge_facts(client_obj.workspace, [client_obj.pk])
    [signal] = _extra_signals(client_obj)
    with translation.override("en"):
        assert explain(signal).startswith("A favour that keeps coming back, logged on")


def test_paid_extras_are_never_a_warning_sign(client_obj):
    for days_ago in (20, 10, 1):
        extra(client_obj, "paid", days_ago=days_ago, amount="50.00")
    signal_services.rejudge_facts(client_obj.workspace, [client_obj.pk])
    assert _extra_signals(client_obj) == []


def test_a_deleted_extra_takes_its_signal_with_it(client_obj):
    logged = extra(client_obj)
    signal_services.rejudge_facts(client_obj.workspace, [client_obj.pk])
    assert len(_extra_signals(client_obj)) == 1
    delete_extra(logged)
    signal_services.rejudge_facts(client_obj.workspace, [client_obj.pk])
    assert _extra_signals(client_obj) == []


def test_favours_for_a_client_you_enjoy_count_on_the_value_side(client_obj, workspace):
    Enjoyment.objects.create(workspace=workspace, client=client_obj, rating=5)
    extra(client_obj, "favour", days_ago=30, minutes=20, label="Proofreading a flyer")
    extra(client_obj, "favour", days_ago=5, minutes=25, label="Quick logo check")
    health = assess_client(client_obj)
    assert (health.value.favours, health.value.favour_minutes) == (2, 45)
    assert health.sign("everything_for_nothing").status == "none"
    assert ("You did 2 favours for a client you enjoy working with: goodwill well spent."
            in health.recommendation.reasons)


def test_recurring_favours_leave_the_value_side(client_obj):
    for days_ago in (20, 10, 1):
        extra(client_obj, "favour", days_ago=days_ago)
    assert assess_client(client_obj).value.favours == 0


def test_the_health_page_shows_the_favours_and_the_extra_as_evidence(client_obj, owner_http):
    extra(client_obj, "favour", days_ago=3, minutes=30, label="Proofreading a flyer")
    for days_ago in (40, 30, 20, 10):
        extra(client_obj, days_ago=days_ago)
    signal_services.rejudge_facts(client_obj.workspace, [client_obj.pk])
    page = owner_http.get(reverse("health:client", args=[client_obj.pk]),
                          HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="value-favours"' in page and "1 favour (30 min)" in page
    assert "Extra work outside the agreement you logged on" in page
