"""Legal records name both clocks: UTC as UTC, local time with its zone and offset."""

import datetime as dt

from rapport.core.timestamps import legal_timestamp

MOMENT = dt.datetime(2026, 12, 2, 1, 3, 2, tzinfo=dt.UTC)


def test_winter_time_in_berlin():
    assert legal_timestamp(MOMENT, "Europe/Berlin") == (
        "2026-12-02 01:03:02 UTC · 2026-12-02 02:03:02 (Europe/Berlin, UTC+01:00)")


def test_summer_time_half_hour_zones_and_the_previous_day_west_of_greenwich():
    summer = dt.datetime(2026, 7, 1, 22, 30, tzinfo=dt.UTC)
    assert legal_timestamp(summer, "Europe/Berlin").endswith(
        "2026-07-02 00:30:00 (Europe/Berlin, UTC+02:00)")
    assert "06:33:02 (Asia/Kolkata, UTC+05:30)" in legal_timestamp(MOMENT, "Asia/Kolkata")
    assert legal_timestamp(MOMENT, "America/New_York").endswith(
        "2026-12-01 20:03:02 (America/New_York, UTC-05:00)")
