"""Default interest and §367 allocation, checked against hand calculations (no database).

Shared setting unless said otherwise: principal 1,000.00 EUR, due 2025-05-31, so interest
runs from 2025-06-01. Base rate 2.27 % until 2025-06-30, 1.27 % from 2025-07-01.
Day count actual/365.

Hand calculation of the building blocks used below:
  June (30 days) business  1000 × 11.27 % × 30/365 = 3381/365   =  9.263013698…
  Jul+Aug (62 d) business  1000 × 10.27 % × 62/365 = 6367.4/365 = 17.444931506…
  June (30 days) consumer  1000 ×  7.27 % × 30/365 = 2181/365   =  5.975342466…
  Jul+Aug (62 d) consumer  1000 ×  6.27 % × 62/365 = 3887.4/365 = 10.650410959…
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from rapport.dunning.interest import (
    BaseRate,
    DefaultStatement,
    MissingBaseRate,
    compute_default,
    load_shipped_rates,
    merge_rates,
    missing_half_years,
    parse_rates,
    rate_on,
    statutory_margin,
)

RATES = load_shipped_rates()
DUE = dt.date(2025, 5, 31)
UNTIL = dt.date(2025, 8, 31)
FLAT_FEE = (dt.date(2025, 6, 1), D("40.00"), "Verzugspauschale § 288 Abs. 5 BGB")


def run(
    *,
    payments: list[tuple[dt.date, D]] | None = None,
    fees: list[tuple[dt.date, D, str]] | None = None,
    business: bool = True,
    until: dt.date = UNTIL,
    due: dt.date = DUE,
    principal: D = D("1000.00"),
) -> DefaultStatement:
    return compute_default(principal, due, until, payments or [], fees or [], business, RATES)


def normalise(line: str) -> str:
    """CLDR uses (narrow) no-break spaces; compare with plain ones."""
    return line.replace("\xa0", " ").replace("\u202f", " ")


# --- base-rate table --------------------------------------------------------------------


def test_shipped_rates_are_sorted_and_contain_the_known_values() -> None:
    known = {r.valid_from: r.rate for r in RATES}
    assert [r.valid_from for r in RATES] == sorted(known)
    assert known[dt.date(2024, 1, 1)] == D("3.62")
    assert known[dt.date(2024, 7, 1)] == D("3.37")
    assert known[dt.date(2025, 1, 1)] == D("2.27")
    assert known[dt.date(2025, 7, 1)] == D("1.27")
    assert known[dt.date(2026, 1, 1)] == D("1.27")
    assert all(isinstance(r.rate, D) for r in RATES)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2025, 6, 30), D("2.27")),
        (dt.date(2025, 7, 1), D("1.27")),
        (dt.date(2026, 6, 30), D("1.27")),
        (dt.date(2026, 7, 1), None),  # not carried forward into an unknown half-year
        (dt.date(2022, 12, 31), None),  # before the table
    ],
)
def test_rate_on(day: dt.date, expected: D | None) -> None:
    assert rate_on(RATES, day) == expected


def test_missing_half_years() -> None:
    assert missing_half_years(RATES, dt.date(2026, 6, 30)) == []
    assert missing_half_years(RATES, dt.date(2026, 7, 1)) == [dt.date(2026, 7, 1)]
    assert missing_half_years(RATES, dt.date(2027, 2, 1)) == [
        dt.date(2026, 7, 1), dt.date(2027, 1, 1)]
    gappy = [BaseRate(dt.date(2024, 1, 1), D("3.62")), BaseRate(dt.date(2025, 1, 1), D("2.27"))]
    assert missing_half_years(gappy, dt.date(2025, 3, 1)) == [dt.date(2024, 7, 1)]
    assert missing_half_years([], dt.date(2025, 3, 1)) == []


def test_parse_and_merge_user_rates() -> None:
    user = parse_rates(["# entered by the user", "valid_from,rate_percent", "2026-07-01,1.50"])
    merged = merge_rates(RATES, user)
    assert rate_on(merged, dt.date(2026, 8, 1)) == D("1.50")
    assert missing_half_years(merged, dt.date(2026, 12, 31)) == []
    with pytest.raises(ValueError, match="twice"):
        parse_rates(["valid_from,rate_percent", "2026-07-01,1.5", "2026-07-01,1.6"])
    with pytest.raises(ValueError):
        parse_rates(["valid_from,rate_percent", "2026-07-01,abc"])


def test_statutory_margin() -> None:
    assert statutory_margin(business=True) == D(9)
    assert statutory_margin(business=False) == D(5)


# --- interest across the 1 July rate change ------------------------------------------------


@pytest.mark.parametrize(
    ("business", "rates", "amounts", "total"),
    [
        # 9.263… + 17.444… = 26.7079… → 26.71; shown 9.26 + 17.44 = 26.70, so the last
        # period absorbs the cent: 17.45.
        (True, [D("11.27"), D("10.27")], [D("9.26"), D("17.45")], D("26.71")),
        # 5.975… + 10.650… = 16.6257… → 16.63; shown 5.98 + 10.65 = 16.63, no adjustment.
        (False, [D("7.27"), D("6.27")], [D("5.98"), D("10.65")], D("16.63")),
    ],
    ids=["business", "consumer"],
)
def test_interest_across_rate_change(
    business: bool, rates: list[D], amounts: list[D], total: D
) -> None:
    s = run(business=business)
    assert [(p.start, p.end, p.days) for p in s.periods] == [
        (dt.date(2025, 6, 1), dt.date(2025, 6, 30), 30),
        (dt.date(2025, 7, 1), dt.date(2025, 8, 31), 62),
    ]
    assert [p.rate_percent for p in s.periods] == rates
    assert [p.balance for p in s.periods] == [D("1000.00")] * 2
    assert [p.amount for p in s.periods] == amounts
    assert s.interest_total == total
    assert sum(p.amount for p in s.periods) == s.interest_total
    assert s.open_principal == D("1000.00")
    assert s.open_interest == total
    assert s.total_open == D("1000.00") + total


def test_same_rate_in_next_half_year_is_one_period() -> None:
    # 1.27 % from 2025-07-01 and again from 2026-01-01: the rate did not change.
    s = run(due=dt.date(2025, 12, 1), until=dt.date(2026, 1, 31))
    assert [(p.start, p.end, p.days) for p in s.periods] == [
        (dt.date(2025, 12, 2), dt.date(2026, 1, 31), 61)]


def test_zero_days_no_interest() -> None:
    s = run(until=DUE, fees=[(DUE, D("5.00"), "Mahngebühr")])
    assert s.periods == []
    assert s.interest_total == D("0.00")
    assert s.total_open == D("1005.00")


# --- payments and §367 allocation ------------------------------------------------------


def test_partial_payment_mid_period() -> None:
    # Business, 40.00 flat fee on 2025-06-01, payment of 100.00 on 2025-07-15.
    # Interest up to and including the payment day on 1,000.00:
    #   June 9.263013698… + 1–15 July 1000 × 10.27 % × 15/365 = 1540.5/365 = 4.220547945…
    #   = 13.483561643… → 13.48
    # Allocation (§367): fees 40.00, interest 13.48, principal 100 − 40 − 13.48 = 46.52.
    # New balance 953.48 from 16 July to 31 August (16 + 31 = 47 days):
    #   953.48 × 10.27 % × 47/365 = 4602.352612/365 = 12.609185238…
    # Total exact 13.483561643 + 12.609185238 = 26.092746881 → 26.09
    # Open interest 26.09 − 13.48 = 12.61; open total 953.48 + 12.61 = 966.09.
    s = run(payments=[(dt.date(2025, 7, 15), D("100.00"))], fees=[FLAT_FEE])
    assert [(p.start, p.end, p.days, p.balance, p.amount) for p in s.periods] == [
        (dt.date(2025, 6, 1), dt.date(2025, 6, 30), 30, D("1000.00"), D("9.26")),
        (dt.date(2025, 7, 1), dt.date(2025, 7, 15), 15, D("1000.00"), D("4.22")),
        (dt.date(2025, 7, 16), dt.date(2025, 8, 31), 47, D("953.48"), D("12.61")),
    ]
    (a,) = s.payments
    assert (a.to_fees, a.to_interest, a.to_principal, a.credit) == (
        D("40.00"), D("13.48"), D("46.52"), D("0.00"))
    assert s.interest_total == D("26.09")
    assert s.fees_total == D("40.00")
    assert s.open_fees == D("0.00")
    assert s.open_interest == D("12.61")
    assert s.open_principal == D("953.48")
    assert s.total_open == D("966.09")


def test_payment_exactly_covering_fees_and_interest_leaves_principal() -> None:
    # Fees 40.00 (1 June) + 5.00 (15 June); interest to 30 June 9.263… → 9.26.
    # Payment 54.26 = 45.00 + 9.26 → nothing for the principal, balance stays 1,000.00.
    # Total interest as without payment: 26.7079… → 26.71; open 26.71 − 9.26 = 17.45.
    fees = [FLAT_FEE, (dt.date(2025, 6, 15), D("5.00"), "Mahngebühr")]
    s = run(payments=[(dt.date(2025, 6, 30), D("54.26"))], fees=fees)
    (a,) = s.payments
    assert (a.to_fees, a.to_interest, a.to_principal, a.credit) == (
        D("45.00"), D("9.26"), D("0.00"), D("0.00"))
    assert [p.balance for p in s.periods] == [D("1000.00"), D("1000.00")]
    assert s.interest_total == D("26.71")
    assert [p.amount for p in s.periods] == [D("9.26"), D("17.45")]
    assert s.open_principal == D("1000.00")
    assert s.open_fees == D("0.00")
    assert s.open_interest == D("17.45")
    assert s.total_open == D("1017.45")


def test_only_fees_charged_by_the_payment_date_are_paid_first() -> None:
    # Payment 20.00 on 10 June: fee of 1 June (40.00) takes all of it; the fee of 20 June
    # is not yet due then. Interest to 10 June (1000 × 11.27 % × 10/365 = 3.087…) stays open.
    fees = [(dt.date(2025, 6, 20), D("5.00"), "Mahngebühr"), FLAT_FEE]
    s = run(payments=[(dt.date(2025, 6, 10), D("20.00"))], fees=fees)
    (a,) = s.payments
    assert (a.to_fees, a.to_interest, a.to_principal) == (D("20.00"), D("0.00"), D("0.00"))
    assert s.open_fees == D("25.00")
    assert s.open_principal == D("1000.00")
    assert s.interest_total == D("26.71")


def test_overpayment_becomes_credit() -> None:
    # Payment 1,100.00 on 30 June: interest 9.26, principal 1,000.00, credit 90.74.
    # No interest after 30 June because the principal is paid.
    s = run(payments=[(dt.date(2025, 6, 30), D("1100.00"))])
    (a,) = s.payments
    assert (a.to_fees, a.to_interest, a.to_principal, a.credit) == (
        D("0.00"), D("9.26"), D("1000.00"), D("90.74"))
    assert [p.amount for p in s.periods] == [D("9.26")]
    assert s.interest_total == D("9.26")
    assert (s.open_principal, s.open_fees, s.open_interest) == (D("0.00"),) * 3
    assert s.total_open == D("0.00")
    assert s.credit == D("90.74")


def test_credit_is_set_off_against_later_fees() -> None:
    s = run(payments=[(dt.date(2025, 6, 30), D("1100.00"))],
            fees=[(dt.date(2025, 7, 10), D("5.00"), "Mahngebühr")])
    assert s.open_fees == D("0.00")
    assert s.credit == D("85.74")


def test_payment_before_default_reduces_principal_without_interest() -> None:
    s = run(payments=[(DUE, D("500.00"))])
    (a,) = s.payments
    assert (a.to_interest, a.to_principal) == (D("0.00"), D("500.00"))
    assert s.periods[0].balance == D("500.00")


# --- errors -----------------------------------------------------------------------------


def test_missing_base_rate() -> None:
    with pytest.raises(MissingBaseRate, match="2026-07-01") as info:
        run(due=dt.date(2026, 5, 31), until=dt.date(2026, 8, 31))
    assert info.value.day == dt.date(2026, 7, 1)


def test_missing_base_rate_before_table() -> None:
    with pytest.raises(MissingBaseRate) as info:
        run(due=dt.date(2022, 11, 30), until=dt.date(2023, 2, 1))
    assert info.value.day == dt.date(2022, 12, 1)


def test_no_rate_needed_when_principal_is_paid() -> None:
    s = run(payments=[(dt.date(2025, 6, 30), D("1009.26"))], until=dt.date(2026, 12, 31))
    assert s.total_open == D("0.00")


def test_rejects_floats_and_late_items() -> None:
    with pytest.raises(TypeError):
        compute_default(1000.0, DUE, UNTIL, [], [], True, RATES)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        run(payments=[(dt.date(2025, 9, 1), D("1.00"))])
    with pytest.raises(ValueError):
        run(fees=[(dt.date(2025, 9, 1), D("5.00"), "later")])


# --- explanation ------------------------------------------------------------------------


def test_explain_german() -> None:
    s = run(payments=[(dt.date(2025, 7, 15), D("100.00"))], fees=[FLAT_FEE])
    lines = [normalise(line) for line in s.explain("de")]
    assert "01.06.2025–30.06.2025: 1.000,00 € × 11,27 % × 30/365 Tage = 9,26 €" in lines
    assert "16.07.2025–31.08.2025: 953,48 € × 10,27 % × 47/365 Tage = 12,61 €" in lines
    assert "Zinsen gesamt: 26,09 €" in lines
    assert any("Basiszinssatz + 9 Prozentpunkte" in line for line in lines)
    assert ("Zahlung vom 15.07.2025: 100,00 € → Kosten 40,00 €, Zinsen 13,48 €, "
            "Hauptforderung 46,52 €") in lines
    assert lines[-1] == ("Offen: Hauptforderung 953,48 €, Kosten 0,00 €, Zinsen 12,61 €, "
                         "gesamt 966,09 €")


def test_explain_english() -> None:
    s = run(business=False)
    lines = [normalise(line) for line in s.explain("en")]
    assert "1 Jun 2025 – 30 Jun 2025: €1,000.00 × 7.27 % × 30/365 days = €5.98" in lines
    assert "1 Jul 2025 – 31 Aug 2025: €1,000.00 × 6.27 % × 62/365 days = €10.65" in lines
    assert "Total interest: €16.63" in lines
    assert any("base rate + 5 percentage points" in line for line in lines)
    with pytest.raises(ValueError):
        s.explain("fr")
