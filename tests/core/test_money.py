from decimal import Decimal

from rapport.core.money import format_money, quantize


def test_it_rounds_half_up_to_the_minor_unit():
    assert quantize(Decimal("2.345"), "EUR") == Decimal("2.35")
    assert quantize(Decimal("2.344"), "EUR") == Decimal("2.34")
    assert quantize(Decimal("-2.345"), "EUR") == Decimal("-2.35")


def test_currencies_without_cents_round_to_whole_units():
    assert quantize(Decimal("1234.5"), "JPY") == Decimal("1235")


def test_amounts_are_formatted_for_the_ui_language():
    assert format_money(Decimal("1234.5"), "EUR", "de") == "1.234,50\xa0€"
    assert format_money(Decimal("1234.5"), "EUR", "en") == "€1,234.50"
    assert format_money(None, "EUR", "en") == ""


def test_unit_prices_keep_their_precision_but_show_at_least_cents():
    from rapport.core.money import format_unit_price, precise

    assert str(precise(Decimal("95.0000"), "EUR")) == "95.00"
    assert str(precise(Decimal("0.1250"), "EUR")) == "0.125"
    assert format_unit_price(Decimal("0.1250"), "EUR", "de") == "0,125\xa0€"
    assert format_unit_price(Decimal("95.0000"), "EUR", "en") == "€95.00"
