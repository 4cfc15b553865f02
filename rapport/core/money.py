"""Money: Decimal amounts rounded half-up to the currency's minor unit, never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_currency, get_currency_precision

# The Babel locale each UI language formats amounts and dates with.
BABEL_LOCALES = {"de": "de_DE", "en": "en_GB"}


def babel_locale(language: str) -> str:
    return BABEL_LOCALES.get(language, language)


CURRENCIES = ["EUR", "USD", "GBP", "CHF", "SEK", "DKK", "NOK", "PLN", "CZK", "JPY"]
CURRENCY_CHOICES = [(code, code) for code in CURRENCIES]


def quantize(amount: Decimal | int | str, currency: str) -> Decimal:
    """Round to the currency's minor unit (2 places for EUR, 0 for JPY), half-up."""
    places = get_currency_precision(currency)
    return Decimal(amount).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_money(amount: Decimal | int | str | None, currency: str, language: str) -> str:
    """Format for humans in the given UI language: `1.234,50 €` or `€1,234.50`."""
    if amount is None or amount == "":
        return ""
    return format_currency(quantize(amount, currency), currency, locale=babel_locale(language))


def precise(amount: Decimal | int | str, currency: str) -> Decimal:
    """A unit price as precise as entered, but with at least the currency's minor unit."""
    value = Decimal(amount)
    minimum = quantize(value, currency)
    return minimum if minimum == value else value.normalize()


def format_unit_price(amount: Decimal | int | str | None, currency: str, language: str) -> str:
    """Like format_money, but keeps extra decimals of a precise unit price (0.125 €)."""
    if amount is None or amount == "":
        return ""
    return format_currency(precise(amount, currency), currency,
                           locale=babel_locale(language), decimal_quantization=False)
