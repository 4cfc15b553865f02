"""`{{ signal|explain }}`: a signal's explanation in the reader's language and formats."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from rapport.signals.explain import explain as _explain
from rapport.signals.explain import format_day, format_when

register = template.Library()


@register.filter
def explain(signal: object) -> str:
    return _explain(signal)


@register.filter
def when(value: dt.datetime | None) -> str:
    """A moment as the explanations write it: "Do., 26.11.2026, 22:47"."""
    return format_when(value) if value else ""


@register.filter
def day(value: dt.datetime | dt.date | None) -> str:
    """A day as the explanations write it: "26.11.2026" / "26 Nov 2026"."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return format_day(value)
