"""The real hourly rate: revenue in the workspace currency ÷ every hour the client cost —
tracked work, meetings from the calendar and the meeting log, and the estimate per
handled email — next to the contracted rate, with its trend, the cost of the talk, budget
against actual for fixed prices and the hours left on retainers."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from rapport.comms.models import Meeting, MeetingLog, Source
from rapport.extras.rate import real_rate
from rapport.health.assessment import assess_client
from rapport.timetracking.models import TimeEntry, TimeSettings
from tests.billing.factories import billable_client, make_billable, project_for
from tests.health.test_currencies import paid as paid_in
from tests.health.test_currencies import today_rates
from tests.health.test_fire import paid
from tests.signals.helpers import message

pytestmark = pytest.mark.django_db


def _entry(client, minutes: int, category: str = "work", days_ago: int = 3, **fields):
    start = timezone.now() - dt.timedelta(days=days_ago)
    return TimeEntry.objects.create(workspace=client.workspace, client=client,
                                    category=category, minutes=minutes, started_at=start,
                                    ended_at=start + dt.timedelta(minutes=minutes), **fields)


@pytest.fixture
def chatty(workspace):
    """Paid 1,190 € gross; 5 h of work, a 60-minute call, a 30-minute calendar meeting and
    three emails of mine at 10 minutes each: 7 hours in all."""
    client = billable_client(workspace, "Plauder GmbH")
    paid(client, "1000.00", days_ago=3)  # the month of the work: the trend has a bar
    _entry(client, 300)
    MeetingLog.objects.create(workspace=workspace, client=client, actual_minutes=60,
                              off_topic_minutes=35,
                              held_on=timezone.localdate() - dt.timedelta(days=2))
    start = timezone.now() - dt.timedelta(days=4)
    Meeting.objects.create(workspace=workspace, client=client, uid="weekly", summary="Weekly",
                           start=start, end=start + dt.timedelta(minutes=30),
                           source=Source.ICS)
    TimeSettings.objects.update_or_create(workspace=workspace,
                                          defaults={"minutes_per_email": 10})
    for days_ago in (1, 2, 3):
        message(workspace, client, "Kurze Rückfrage", outbound=True,
                when=timezone.now() - dt.timedelta(days=days_ago))
    project_for(client, "95.00", name="Beratung", rate_type="hourly")
    return client


def test_the_rate_divides_revenue_by_work_meetings_and_communication(chatty):
    rate = real_rate(chatty, timezone.localdate())
    assert rate.minutes == {"work": 300, "communication": 30, "meetings": 90, "admin": 0,
                            "travel": 0}
    # 1,190.00 € paid, of which 190.00 € is VAT for the tax office: 1,000.00 € net.
    assert rate.revenue == Decimal("1000.00") and rate.hours == Decimal("7.0")
    assert rate.rate == Decimal("142.86")  # not 1,000.00 from the call's hour alone


def test_the_health_view_uses_every_hour_too(chatty):
    value = assess_client(chatty).value
    assert value.hours == Decimal("7.0") and value.hourly_rate == Decimal("142.86")


def test_the_contracted_rate_stands_next_to_it_and_the_talk_is_costed(chatty):
    rate = real_rate(chatty, timezone.localdate())
    assert rate.contracted.amount == Decimal("95.00") and rate.comparable
    assert not rate.below_contract
    assert rate.talk_minutes == 120  # communication 30 + meetings 90
    assert rate.talk_cost == Decimal("190.00")  # 2 h at 95 €


def test_a_client_paying_in_dollars_is_converted_never_added(workspace):
    make_billable(workspace)
    today_rates()  # 1 EUR = 1.25 USD
    client = billable_client(workspace, "Hudson Media Inc.")
    paid_in(client, "USD", "1250.00")  # 1,487.50 $ paid, 1,250.00 $ net = 1,000 €
    _entry(client, 600)
    project_for(client, "100.00", name="Hourly", rate_type="hourly", currency="USD")
    rate = real_rate(client, timezone.localdate())
    assert rate.currency == "EUR" and rate.revenue == Decimal("1000.00")
    assert rate.rate == Decimal("100.00")
    assert [r.currency for r in rate.rates] == ["USD"]
    assert not rate.comparable and not rate.below_contract  # 100 $ is not compared as €


def test_the_trend_has_one_row_per_month(chatty):
    today = timezone.localdate()
    rate = real_rate(chatty, today)
    assert len(rate.months) == 6 and rate.months[-1].start == today.replace(day=1)
    assert sum(m.revenue for m in rate.months) <= rate.revenue
    assert all(m.rate is None or m.minutes for m in rate.months)


def test_budget_against_actual_on_a_fixed_price_project(chatty):
    fixed = project_for(chatty, "950.00", name="Relaunch", rate_type="fixed")
    _entry(chatty, 720, project=fixed)  # 12 h on a 10 h budget at 95 €
    [budget] = real_rate(chatty, timezone.localdate()).budgets
    assert (budget.minutes, budget.budget_minutes, budget.used) == (720, 600, 120)
    assert budget.over and budget.rate == Decimal("79.17")


def test_hours_left_on_a_retainer_this_month(chatty):
    retainer = project_for(chatty, "950.00", name="Monthly care", rate_type="retainer",
                           status="active")
    _entry(chatty, 240, project=retainer, days_ago=0)
    [left] = real_rate(chatty, timezone.localdate()).retainers
    assert (left.included_minutes, left.used_minutes, left.left_minutes) == (600, 240, 360)
    assert not left.from_contract  # 950 € ÷ 95 € per hour


def test_the_client_page_shows_the_rate_in_both_languages(chatty, owner_http, owner):
    page = owner_http.get(chatty.get_absolute_url()).content.decode()
    assert 'data-testid="real-rate"' in page and "€142.86" in page
    assert 'data-testid="rate-chart"' in page and "worth €190.00 at your contracted" in page
    owner.language = "de"
    owner.save()
    page = owner_http.get(chatty.get_absolute_url()).content.decode()
    assert "Echter Stundensatz" in page and "<strong>142,86\xa0€</strong>" in page
