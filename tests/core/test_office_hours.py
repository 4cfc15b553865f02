from datetime import UTC, datetime, time

import pytest
from django.core.exceptions import ValidationError

from rapport.core.office_hours import TimeRange, format_ranges, parse_ranges


def test_it_parses_several_ranges_in_order():
    assert parse_ranges("13:30-17:00, 9-12:30") == [
        TimeRange(time(9), time(12, 30)), TimeRange(time(13, 30), time(17)),
    ]


def test_an_empty_day_has_no_hours():
    assert parse_ranges("") == []
    assert parse_ranges(" , ") == []


def test_it_rejects_a_range_that_ends_before_it_starts():
    with pytest.raises(ValidationError) as info:
        parse_ranges("17:00-09:00")
    assert "ends before it starts" in info.value.messages[0]
    assert "17:00" in info.value.messages[0]


def test_it_rejects_overlapping_ranges_and_names_both():
    with pytest.raises(ValidationError) as info:
        parse_ranges("09:00-12:00, 11:30-14:00")
    message = info.value.messages[0]
    assert "overlap" in message and "09:00–12:00" in message and "11:30–14:00" in message


def test_touching_ranges_do_not_overlap():
    assert len(parse_ranges("09:00-12:00, 12:00-13:00")) == 2


@pytest.mark.parametrize("text", ["9 to 5", "25:00-26:00", "09:61-10:00", "abc"])
def test_it_rejects_what_is_not_a_time_range(text):
    with pytest.raises(ValidationError):
        parse_ranges(text)


def test_format_round_trips():
    assert format_ranges(parse_ranges("9-12,13-17")) == "09:00-12:00, 13:00-17:00"


@pytest.mark.django_db
def test_office_time_is_judged_in_the_workspace_time_zone(workspace):
    # Tuesday 2026-11-17, 08:30 UTC is 09:30 in Berlin: inside office hours.
    assert workspace.is_office_time(datetime(2026, 11, 17, 8, 30, tzinfo=UTC))
    # 07:30 UTC is 08:30 in Berlin: before the day starts.
    assert not workspace.is_office_time(datetime(2026, 11, 17, 7, 30, tzinfo=UTC))
    # Lunch break 12:00-13:00 Berlin.
    assert not workspace.is_office_time(datetime(2026, 11, 17, 11, 30, tzinfo=UTC))
    # Saturday has no hours.
    assert not workspace.is_office_time(datetime(2026, 11, 21, 10, 0, tzinfo=UTC))


@pytest.mark.django_db
def test_public_holidays_of_the_region_count_as_closed(workspace):
    # 8 March is International Women's Day, a holiday in Berlin only (2027: a Monday).
    assert not workspace.is_office_time(datetime(2027, 3, 8, 9, 0, tzinfo=UTC))
    workspace.holiday_subdivision = "BY"
    workspace.save()
    assert workspace.is_office_time(datetime(2027, 3, 8, 9, 0, tzinfo=UTC))


def test_working_days_follow_office_hours_and_holidays_and_default_to_weekdays():
    import datetime as dt

    from rapport.core.office_hours import is_working_day, next_working_day, parse_ranges

    weekdays = {day: parse_ranges("09:00-17:00") for day in range(5)}
    saturday, sunday, monday = dt.date(2026, 11, 28), dt.date(2026, 11, 29), dt.date(2026, 11, 30)
    assert not is_working_day(sunday, weekdays)
    assert next_working_day(saturday, weekdays) == monday
    assert next_working_day(monday, weekdays, {monday}) == monday + dt.timedelta(days=1)
    assert is_working_day(saturday, {**weekdays, 5: parse_ranges("10:00-12:00")})
    assert not is_working_day(sunday, {}) and is_working_day(monday, {})  # nothing set
