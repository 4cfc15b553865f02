"""Office hours: parsing what the user types and asking "is this inside them?".

Ranges are typed per weekday as `09:00-12:00, 13:00-17:30`. They are evaluated in
the workspace's time zone, and public holidays of its region count as closed.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_RANGE = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*[-–—]\s*(\d{1,2})(?::(\d{2}))?\s*$")


@dataclass(frozen=True, order=True)
class TimeRange:
    start: time
    end: time

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    def contains(self, moment: time) -> bool:
        return self.start <= moment < self.end


def _to_time(hours: str, minutes: str | None, text: str) -> time:
    hour, minute = int(hours), int(minutes or 0)
    if hour > 23 or minute > 59:
        raise ValidationError(
            _("“%(text)s” is not a time of day (use 00:00 to 23:59).") % {"text": text}
        )
    return time(hour, minute)


def parse_ranges(text: str) -> list[TimeRange]:
    """Parse `09:00-12:00, 13:00-17:00` into sorted ranges; raise a readable error."""
    ranges: list[TimeRange] = []
    for part in filter(None, (p.strip() for p in re.split(r"[,;]", text or ""))):
        match = _RANGE.match(part)
        if not match:
            raise ValidationError(
                _("“%(part)s” is not a time range; write it like 09:00-17:00.") % {"part": part}
            )
        start = _to_time(match[1], match[2], part)
        end = _to_time(match[3], match[4], part)
        ranges.append(TimeRange(start, end))
    validate_ranges(ranges)
    return sorted(ranges)


def validate_ranges(ranges: Sequence[TimeRange]) -> None:
    """Reject inverted, empty and overlapping ranges with a message naming them."""
    for item in ranges:
        if item.end <= item.start:
            raise ValidationError(
                _("%(range)s ends before it starts.") % {"range": str(item)}, code="inverted"
            )
    ordered = sorted(ranges)
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if later.start < earlier.end:
            raise ValidationError(
                _("%(a)s and %(b)s overlap.") % {"a": str(earlier), "b": str(later)},
                code="overlap",
            )


def format_ranges(ranges: Iterable[TimeRange]) -> str:
    return ", ".join(f"{r.start:%H:%M}-{r.end:%H:%M}" for r in sorted(ranges))


def is_within(
    moment: datetime,
    hours_by_weekday: dict[int, list[TimeRange]],
    tz: ZoneInfo,
    holiday_dates: object = (),
) -> bool:
    """True when `moment` falls inside office hours on a working day, in `tz`."""
    local = moment.astimezone(tz)
    if local.date() in holiday_dates:  # type: ignore[operator]
        return False
    return any(r.contains(local.time()) for r in hours_by_weekday.get(local.weekday(), []))


def is_working_day(
    day: date,
    hours_by_weekday: dict[int, list[TimeRange]],
    holiday_dates: Container[date] = (),
) -> bool:
    """A day with office hours that is not a public holiday (Monday–Friday if no hours
    are set at all), so that nothing goes out in the user's name on a Sunday."""
    if day in holiday_dates:
        return False
    if not any(hours_by_weekday.values()):
        return day.weekday() < 5
    return bool(hours_by_weekday.get(day.weekday()))


def next_working_day(
    day: date,
    hours_by_weekday: dict[int, list[TimeRange]],
    holiday_dates: Container[date] = (),
) -> date:
    """`day` itself if it is a working day, else the first working day after it."""
    candidate = day
    for _day in range(366):
        if is_working_day(candidate, hours_by_weekday, holiday_dates):
            return candidate
        candidate += timedelta(days=1)
    return day  # no working day in a year: the rules are odd, do not loop forever
