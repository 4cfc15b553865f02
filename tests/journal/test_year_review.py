"""The yearly review: revenue per client in the workspace currency (converted per
currency, never added across), hours, the health at each month's end, the verdict,
the lessons of the year, and the chart."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from rapport.clients.models import Client
from rapport.comms.models import MeetingLog
from rapport.core import clock
from rapport.health.models import Enjoyment
from rapport.journal import review
from rapport.journal.models import JournalEntry, Lesson
from rapport.signals.models import Signal
from tests.billing.factories import billable_client
from tests.journal.conftest import paid

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 2, 1)


def _slow_payment(client: Client, day: dt.date, source_id: int) -> None:
    Signal.objects.create(
        workspace=client.workspace, client=client, kind="slow_payment",
        occurred_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10))),
        strength=Decimal("1.0"), source_type="test", source_id=source_id)


@pytest.fixture
def year(billable):
    hard = billable_client(billable, "Sturmfront GmbH", status=Client.Status.ACTIVE)
    joy = billable_client(billable, "Lichtblick eG", status=Client.Status.ACTIVE)
    paid(hard, "2000.00", dt.date(2025, 3, 10), pay="3000.00")
    paid(hard, "1000.00", dt.date(2025, 9, 1), currency="USD", pay="1175.00")  # 1000 EUR
    paid(joy, "4000.00", dt.date(2025, 6, 1), pay="5000.00")
    paid(joy, "4000.00", dt.date(2024, 12, 30), pay="777.00")  # the year before
    paid(joy, "4000.00", dt.date(2026, 1, 10), pay="888.00")  # the year after
    for number, day in enumerate([dt.date(2025, 5, 10), dt.date(2025, 5, 20),
                                  dt.date(2025, 6, 1)], start=1):
        _slow_payment(hard, day, number)
    MeetingLog.objects.create(workspace=billable, client=joy, held_on=dt.date(2025, 4, 1),
                              actual_minutes=600)
    Enjoyment.objects.create(workspace=billable, client=joy, rating=5)
    Enjoyment.objects.create(workspace=billable, client=hard, rating=3)
    declined = billable_client(billable, "Glücksrad GmbH")
    declined.change_status(Client.Status.DECLINED, reason="Gambling", on=dt.date(2025, 7, 1))
    entry = JournalEntry.objects.create(workspace=billable, client=hard,
                                        written_on=dt.date(2025, 11, 3))
    Lesson.objects.create(workspace=billable, entry=entry, text="Deposit before the start")
    later = JournalEntry.objects.create(workspace=billable, written_on=dt.date(2026, 1, 5))
    Lesson.objects.create(workspace=billable, entry=later, text="Not this year's lesson")
    return billable


def test_revenue_is_converted_per_currency_and_only_the_years_payments_count(year):
    with clock.travel(TODAY):
        data = review.review(year, 2025)
    rows = {row.client.name: row for row in data.clients}
    assert set(rows) == {"Sturmfront GmbH", "Lichtblick eG"}  # not the declined prospect
    # Only the net share of a payment counts (net ÷ gross of its invoice): 3,000 € on an
    # invoice of 2,000 € net (2,380 € gross) count 2,521.01 €; 1,175 $ on 1,000 $ net
    # (1,190 $ gross) count 987.39 $ = 840.33 € at 1.175.
    assert rows["Sturmfront GmbH"].revenue == Decimal("3361.34")  # 2,521.01 € + 840.33 €
    assert rows["Sturmfront GmbH"].original == {"USD": Decimal("987.39")}
    assert rows["Lichtblick eG"].revenue == Decimal("4201.68")  # 5,000 × 4,000 ÷ 4,760
    assert data.total == Decimal("7563.02") and data.currency == "EUR"
    assert data.day == dt.date(2025, 12, 31)


def test_hours_and_the_hourly_rate_count_the_meeting_logs(year):
    with clock.travel(TODAY):
        rows = {row.client.name: row for row in review.review(year, 2025).clients}
    assert rows["Lichtblick eG"].hours == Decimal("10.0")
    assert rows["Lichtblick eG"].hourly_rate == Decimal("420.17")  # 4,201.68 € net / 10 h
    assert rows["Sturmfront GmbH"].hours is None


def test_tracked_time_of_every_category_counts_in_the_hours(year):
    from rapport.timetracking.models import TimeEntry

    hard = Client.objects.get(workspace=year, name="Sturmfront GmbH")
    start = timezone.make_aware(dt.datetime(2025, 8, 4, 9))
    for category, minutes in (("work", 240), ("communication", 120), ("admin", 60)):
        TimeEntry.objects.create(workspace=year, client=hard, category=category,
                                 started_at=start, minutes=minutes,
                                 ended_at=start + dt.timedelta(minutes=minutes))
    with clock.travel(TODAY):
        rows = {row.client.name: row for row in review.review(year, 2025).clients}
    assert rows["Sturmfront GmbH"].hours == Decimal("7.0")
    assert rows["Sturmfront GmbH"].hourly_rate == Decimal("480.19")  # 3,361.34 € net / 7 h


def test_the_health_history_and_the_verdict(year):
    with clock.travel(TODAY):
        rows = {row.client.name: row for row in review.review(year, 2025).clients}
    hard, joy = rows["Sturmfront GmbH"], rows["Lichtblick eG"]
    assert hard.months[4] == "watch"  # two late payments by the end of May
    assert hard.months[5:7] == ["present", "present"]  # three in the 90 days to June, July
    assert hard.months[:4] == ["none"] * 4 and hard.months[8:] == ["none"] * 4
    assert hard.present_months == 2 and hard.verdict == review.COST
    assert joy.months == ["none"] * 12 and joy.verdict == review.HAPPY


def test_a_client_reflected_on_after_an_ending_did_not_just_make_you_happy(year):
    calm = Client.objects.get(name="Lichtblick eG")
    JournalEntry.objects.create(workspace=year, client=calm, occasion="termination",
                                written_on=dt.date(2025, 12, 1))
    with clock.travel(TODAY):
        rows = {row.client.name: row for row in review.review(year, 2025).clients}
    assert rows["Lichtblick eG"].verdict == review.MIXED


def test_the_running_year_is_assessed_up_to_today_only(year):
    with clock.travel(TODAY):
        rows = review.review(year, 2026).clients
    assert rows and all(row.months[0] == "none" and row.months[1] == "none"
                        and row.months[2:] == [""] * 10 for row in rows)


def test_the_lessons_of_the_year_are_listed_with_their_client(year):
    with clock.travel(TODAY):
        data = review.review(year, 2025)
    assert [lesson.text for lesson in data.lessons] == ["Deposit before the start"]
    rows = {row.client.name: row for row in data.clients}
    assert [lesson.text for lesson in rows["Sturmfront GmbH"].lessons] == [
        "Deposit before the start"]


@pytest.mark.parametrize(("language", "happy", "money"), [
    ("en", "Made you happy", "€4,201.68"), ("de", "Hat Sie glücklich gemacht", "4.201,68")])
def test_the_page_shows_the_chart_the_verdicts_and_the_numbers(owner_http, owner, year,
                                                               language, happy, money):
    owner.language = language
    owner.save(update_fields=["language"])
    with clock.travel(TODAY):
        html = owner_http.get("/journal/review/?year=2025").content.decode()
    assert 'data-testid="year-chart"' in html and "<script" not in html.split("<main")[1]
    assert 'style="' not in html.split('data-testid="year-chart"')[1].split("</svg>")[0]
    assert html.count('data-verdict="cost"') == 2  # the bar and the table row
    happy_box = html.split('data-testid="happy"')[1].split("</article>")[0]
    cost_box = html.split('data-testid="cost"')[1].split("</article>")[0]
    assert happy in html
    assert "Lichtblick eG" in happy_box and money in happy_box
    assert "Sturmfront GmbH" in cost_box
    assert "Deposit before the start" in html and "Not this year" not in html
