"""Reading and writing durations the way people type them: 1:30, 1.5, 1,5 h, 90 min."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_CLOCK = re.compile(r"^(\d{1,4}):([0-5]?\d)(?::([0-5]?\d))?$")
_NUMBER = re.compile(
    r"^(\d+(?:[.,]\d+)?)\s*(h|std\.?|hours?|stunden?|m|min\.?|minutes?|minuten?)?$", re.I)


def parse_minutes(text: str) -> int | None:
    """Whole minutes in `text`, or None when it is not a duration. A bare number is hours."""
    value = (text or "").strip()
    if not value:
        return None
    clock = _CLOCK.match(value)
    if clock:
        hours, minutes, seconds = clock.groups()
        return int(hours) * 60 + int(minutes) + (1 if seconds and int(seconds) >= 30 else 0)
    number = _NUMBER.match(value)
    if not number:
        return None
    try:
        amount = Decimal(number.group(1).replace(",", "."))
    except InvalidOperation:
        return None
    unit = (number.group(2) or "h").lower()
    if unit.startswith("m"):
        return int(amount.to_integral_value())
    return int((amount * 60).to_integral_value())


def as_clock(minutes: int) -> str:
    """90 → "1:30"."""
    return f"{minutes // 60}:{minutes % 60:02d}"
