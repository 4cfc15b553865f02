"""Moments in legal records: UTC and the workspace's local time, each with its zone.

A record that says "UTC" must show UTC; the local time is added with the zone's name and
offset so that nobody has to guess which clock was meant.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def utc_offset(moment: dt.datetime) -> str:
    """'UTC+01:00' for an aware datetime (minutes kept, e.g. 'UTC+05:30')."""
    offset = moment.utcoffset() or dt.timedelta(0)
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def legal_timestamp(moment: dt.datetime, time_zone: str | ZoneInfo) -> str:
    """'2026-12-02 01:03:02 UTC · 2026-12-02 02:03:02 (Europe/Berlin, UTC+01:00)'."""
    zone = time_zone if isinstance(time_zone, ZoneInfo) else ZoneInfo(time_zone)
    utc = moment.astimezone(dt.UTC)
    local = moment.astimezone(zone)
    stamp = "%Y-%m-%d %H:%M:%S"
    return (f"{utc.strftime(stamp)} UTC · "
            f"{local.strftime(stamp)} ({zone.key}, {utc_offset(local)})")
