"""Invoice arithmetic as EN 16931 wants it: round each line, then VAT per rate on the sum.

Line net (BT-131) = quantity × unit price, rounded to the currency's minor unit; the VAT
of each rate (BT-117) is computed once on the sum of that rate's line nets (BT-116);
totals are sums of rounded parts, so the document always adds up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from rapport.core.money import quantize

ZERO = Decimal("0.00")


def line_net(quantity: Decimal, unit_price: Decimal, currency: str) -> Decimal:
    return quantize(Decimal(quantity) * Decimal(unit_price), currency)


@dataclass(frozen=True)
class RateTotal:
    rate: Decimal
    net: Decimal
    tax: Decimal


@dataclass(frozen=True)
class Totals:
    currency: str
    lines: list[tuple[object, Decimal]] = field(default_factory=list)
    rates: list[RateTotal] = field(default_factory=list)
    net: Decimal = ZERO
    tax: Decimal = ZERO
    gross: Decimal = ZERO
    # False for small business, reverse charge and export: no VAT column, no rate rows.
    vat_applies: bool = True


def compute(lines: Iterable[object], currency: str, vat_applies: bool = True) -> Totals:
    """Totals of objects with quantity, unit_price and vat_rate.

    Without VAT (small business, reverse charge, export) every rate counts as 0 %.
    """
    priced = [(line, line_net(line.quantity, line.unit_price, currency)) for line in lines]
    by_rate: dict[Decimal, Decimal] = {}
    for line, net in priced:
        rate = Decimal(line.vat_rate) if vat_applies else ZERO
        by_rate[rate] = by_rate.get(rate, ZERO) + net
    rates = [
        RateTotal(rate, net, quantize(net * rate / 100, currency))
        for rate, net in sorted(by_rate.items(), reverse=True)
    ]
    net_total = sum((r.net for r in rates), ZERO)
    tax_total = sum((r.tax for r in rates), ZERO)
    return Totals(currency, priced, rates, net_total, tax_total, net_total + tax_total,
                  vat_applies)


def split_gross(gross: Decimal, rate: Decimal, currency: str) -> tuple[Decimal, Decimal]:
    """Split a gross amount at one VAT rate into (net, tax) that add up exactly."""
    net = quantize(gross * 100 / (100 + rate), currency)
    return net, gross - net
