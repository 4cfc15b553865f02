"""Durations as people read them on the time pages."""

from __future__ import annotations

import datetime as dt

from django import template

from rapport.core import clock as time_source
from rapport.timetracking.durations import as_clock

register = template.Library()


@register.filter
def clock(minutes: int | None) -> str:
    """Minutes as h:mm (90 → 1:30)."""
    return as_clock(int(minutes or 0))


@register.filter
def elapsed(started_at: dt.datetime | None) -> str:
    """How long a running timer has run, h:mm:ss, as of rendering the page."""
    if started_at is None:
        return ""
    seconds = max(0, int((time_source.now() - started_at).total_seconds()))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
