"""From signals to warning signs: status, count, trend, evidence and recommendation."""

from decimal import Decimal

import pytest
from django.utils import timezone

from rapport.health.assessment import assess_client, breached_non_negotiables, load_facts
from rapport.health.models import Enjoyment, HealthSettings
from rapport.signals.models import MutedKind
from tests.billing.factories import billable_client
from tests.health.helpers import incident, signal

pytestmark = pytest.mark.django_db


def test_a_client_without_signals_is_one_to_keep(client_obj):
    health = assess_client(client_obj)
    assert health.status == "none"
    assert health.recommendation.key == "keep"
    assert health.recommendation.script_key == "check_in"


def test_slow_payments_make_the_sign_present_with_their_ids(client_obj):
    ids = [signal(client_obj, "slow_payment", d).pk for d in (10, 40, 70)]
    old = signal(client_obj, "slow_payment", 200)
    sign = assess_client(client_obj).sign("slow_to_pay")
    assert sign.status == "present"
    assert sign.count == 3
    assert sorted(sign.signal_ids) == sorted(ids)
    assert old.pk not in sign.signal_ids


def test_kept_promises_count_in_the_clients_favour(client_obj):
    signal(client_obj, "slow_payment", 10)
    signal(client_obj, "slow_payment", 20)
    assert assess_client(client_obj).sign("slow_to_pay").status == "watch"
    signal(client_obj, "kept_promise", 5)
    signal(client_obj, "kept_promise", 6)
    assert assess_client(client_obj).sign("slow_to_pay").status == "none"


def test_one_message_counts_once_per_sign_with_its_strongest_kind(client_obj):
    signal(client_obj, "after_hours", 2, hour=23, source_type="message", source_id=77)
    signal(client_obj, "late_night", 2, hour=23, source_type="message", source_id=77)
    sign = assess_client(client_obj).sign("unreasonable_demands")
    assert (sign.count, sign.score, sign.kinds) == (1, 1.0, ["late_night"])


def test_trend_compares_the_window_with_the_one_before(client_obj):
    signal(client_obj, "haggling", 120)
    for days in (5, 15, 25):
        signal(client_obj, "haggling", days)
    sign = assess_client(client_obj).sign("everything_for_nothing")
    assert (sign.count, sign.previous_count, sign.trend) == (3, 1, "rising")


def test_dismissed_and_muted_signals_never_count(client_obj):
    first = signal(client_obj, "urgency", 3)
    signal(client_obj, "urgency", 4)
    first.dismissed_at = timezone.now()
    first.save()
    assert assess_client(client_obj).sign("unreasonable_demands").count == 1
    MutedKind.objects.create(workspace=client_obj.workspace, client=client_obj, kind="urgency")
    assert assess_client(client_obj).sign("unreasonable_demands").count == 0


def test_incidents_feed_the_sign_of_their_category(client_obj):
    incident(client_obj, "did_not_listen", 10, severity=3)
    incident(client_obj, "integrity", 12, severity=3)
    health = assess_client(client_obj)
    assert health.sign("does_not_listen").status == "present"
    assert health.sign("integrity").status == "present"
    assert health.sign("unrealistic_expectations").status == "none"


def test_a_sunday_message_breaks_no_work_on_sundays_at_once(client_obj):
    workspace = client_obj.workspace
    workspace.non_negotiables = ["Keine Arbeit am Sonntag"]
    workspace.save()
    signal(client_obj, "after_hours", 3, weekday=6, hour=11, strength="0.5")
    sign = assess_client(client_obj).sign("unreasonable_demands")
    assert sign.score < 1 and sign.status == "present"
    assert sign.breaches == ["Keine Arbeit am Sonntag"]
    assert assess_client(client_obj).recommendation.key == "recalibrate"


def test_night_messages_break_evening_rules_and_only_calls_break_call_rules(client_obj):
    workspace = client_obj.workspace
    workspace.non_negotiables = ["No work in the evening", "No work on Sundays",
                                 "Keine Anrufe nach 18 Uhr"]
    workspace.save()
    night = signal(client_obj, "late_night", 2, weekday=2, hour=23, source_type="message")
    noon = signal(client_obj, "urgency", 2, weekday=2, hour=12)
    call = signal(client_obj, "after_hours", 2, weekday=2, hour=19, source_type="meeting")
    facts = {f.id: f for f in load_facts(workspace, [client_obj]).signals[client_obj.pk]}
    assert breached_non_negotiables(workspace, facts[night.pk]) == ["No work in the evening"]
    assert breached_non_negotiables(workspace, facts[noon.pk]) == []
    assert breached_non_negotiables(workspace, facts[call.pk]) == [
        "No work in the evening", "Keine Anrufe nach 18 Uhr"]


def test_weights_and_thresholds_come_from_the_workspace_settings(client_obj):
    signal(client_obj, "haggling", 3)
    assert assess_client(client_obj).sign("everything_for_nothing").status == "none"
    HealthSettings.objects.update_or_create(
        workspace=client_obj.workspace,
        defaults={"weights": {"everything_for_nothing": {"kinds": {"haggling": 4}}}})
    assert assess_client(client_obj).sign("everything_for_nothing").status == "present"


def test_value_side_revenue_share_rate_and_enjoyment(workspace):
    from tests.health.test_fire import paid

    a, b = billable_client(workspace, "A"), billable_client(workspace, "B")
    paid(a, "3000")
    paid(b, "1000")
    from rapport.comms.models import MeetingLog

    MeetingLog.objects.create(workspace=workspace, client=a, held_on=timezone.localdate(),
                              actual_minutes=90)
    Enjoyment.objects.create(workspace=workspace, client=a, rating=4)
    value = assess_client(a).value
    assert value.revenue == Decimal("3000.00")  # 3,570 € paid, 570 € of it VAT
    assert value.share == 0.75
    assert value.hours == Decimal("1.5") and value.hourly_rate == Decimal("2000.00")
    assert value.enjoyment == 4
    assert assess_client(b).value.hourly_rate is None


def test_many_present_signs_and_little_joy_mean_let_go(client_obj):
    Enjoyment.objects.create(workspace=client_obj.workspace, client=client_obj, rating=1)
    for days in (3, 4, 5):
        signal(client_obj, "disrespect", days)
        signal(client_obj, "unresponsive", days)
    health = assess_client(client_obj)
    assert health.recommendation.key == "let_go"
    assert health.recommendation.script_key == "termination"


def test_boundary_signs_alone_ask_to_recalibrate(client_obj):
    for days in (3, 4, 5):
        signal(client_obj, "scope_creep", days)
    health = assess_client(client_obj)
    assert health.recommendation.key == "recalibrate"
    assert health.recommendation.script_key == "change_order_offer"


def test_one_watch_sign_means_talk_now(client_obj):
    signal(client_obj, "unresponsive", 3)
    assert assess_client(client_obj).recommendation.key == "keep"
    signal(client_obj, "unresponsive", 9)
    assert assess_client(client_obj).recommendation.key == "talk_now"


def test_after_hours_messages_count_only_from_a_share_of_the_clients_mail(client_obj):
    import datetime as dt

    from rapport.signals.services import detect_for_client
    from tests.signals.helpers import message

    tz = client_obj.workspace.tz
    today = timezone.localdate()

    def write(count: int, hour: int, first_day: int) -> None:
        for n in range(count):
            day = today - dt.timedelta(days=first_day + n)
            while day.weekday() >= 5:  # weekdays only: weekends are outside hours anyway
                day -= dt.timedelta(days=2)
            message(client_obj.workspace, client_obj, "Kurze Rückfrage zum Entwurf.",
                    dt.datetime.combine(day, dt.time(hour, 30), tzinfo=tz))

    write(12, 11, 1)  # office hours
    write(2, 19, 20)  # the evening, 2 of 14 messages
    detect_for_client(client_obj)
    sign = assess_client(client_obj).sign("unreasonable_demands")
    assert sign.count == 0 and sign.status == "none"
    write(5, 19, 30)  # now 7 of 19: over a quarter
    detect_for_client(client_obj)
    sign = assess_client(client_obj).sign("unreasonable_demands")
    assert sign.count == 7 and sign.kinds == ["after_hours"]
    settings = HealthSettings.objects.get(workspace=client_obj.workspace)
    settings.after_hours_share = 50
    settings.save()
    assert assess_client(client_obj).sign("unreasonable_demands").count == 0
