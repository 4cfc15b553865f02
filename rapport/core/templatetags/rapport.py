"""Template helpers: money in the UI language, form fields with their errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template
from django.utils.translation import get_language

from rapport.core.money import format_money, format_unit_price
from rapport.core.rates import Rate, format_rate
from rapport.core.timestamps import legal_timestamp

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str = "EUR") -> str:
    return format_money(amount, currency or "EUR", (get_language() or "en")[:2])


@register.inclusion_tag("core/_field.html")
def field(bound_field: object) -> dict[str, object]:
    return {"field": bound_field}


@register.filter
def unit_price(amount: Decimal | None, currency: str = "EUR") -> str:
    return format_unit_price(amount, currency or "EUR", (get_language() or "en")[:2])


@register.filter
def ecb_rate(rate: Rate) -> str:
    """`1 EUR = 1.1172 USD` (German: `1,1172`), as the ECB quotes it."""
    return format_rate(rate, (get_language() or "en")[:2])


@register.filter
def legal_time(moment: dt.datetime | None, time_zone: str = "UTC") -> str:
    """A moment for a legal record: UTC plus the workspace's local time with its zone."""
    return legal_timestamp(moment, time_zone or "UTC") if moment else ""
