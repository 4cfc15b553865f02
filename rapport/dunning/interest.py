"""Statutory default interest (§§ 247, 288, 367 BGB) as plain, testable arithmetic.

Everything here is pure Python on ``Decimal`` so that a reminder can show the client
exactly how each cent was computed, and so that the numbers never depend on binary floats.

Conventions (written down because a court or a client may ask):

* Interest runs from the day after the due date up to and including ``until``.
* Day count: actual calendar days / 365 (the usual German practice for §288 interest),
  also in leap years.
* The rate on each day is the base rate (§247) valid for that half-year plus 9 points
  (business clients) or 5 points (consumers); interest accrues on the open principal only
  and is never compounded.
* A payment is booked at the end of its day: interest for the payment day still runs on
  the old balance, the reduced balance applies from the next day.
* Payments pay costs first (fees dated on or before the payment, oldest first), then the
  interest accrued up to the payment day, then the principal (§367); any rest is a credit.
* Interest is computed exactly per period and rounded half-up once (cumulatively) — at each
  payment for the allocation and at ``until`` for the total. The per-period amounts shown
  are rounded separately, and the last one absorbs the rounding difference so that the
  lines add up to the total.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from importlib import resources

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from rapport.core.money import BABEL_LOCALES

__all__ = [
    "Allocation",
    "BaseRate",
    "DefaultStatement",
    "Fee",
    "InterestPeriod",
    "MissingBaseRate",
    "compute_default",
    "half_year_start",
    "load_shipped_rates",
    "merge_rates",
    "missing_half_years",
    "parse_rates",
    "rate_on",
    "statutory_margin",
]

DAYS_PER_YEAR = 365
"""Divisor of the actual/365 day count."""

ZERO = Decimal(0)
_ONE_DAY = dt.timedelta(days=1)
_PRECISION = 50  # digits for intermediate results; far beyond anything a cent can notice


class MissingBaseRate(LookupError):
    """Raised when interest would run on a day whose half-year has no base rate entered.

    Guessing a rate would put a wrong amount in front of a client, so we stop instead and
    tell the user which value to enter.
    """

    def __init__(self, day: dt.date) -> None:
        self.day = day
        self.valid_from = half_year_start(day)
        super().__init__(
            f"No base rate (§247 BGB) is known for {day.isoformat()}: "
            f"enter the base rate valid from {self.valid_from.isoformat()}."
        )


@dataclass(frozen=True)
class BaseRate:
    """One published base rate, valid from ``valid_from`` until the next half-year."""

    valid_from: dt.date
    rate: Decimal


@dataclass(frozen=True)
class Fee:
    """A cost item (flat fee under §288(5), reminder fee) charged on ``date``."""

    date: dt.date
    amount: Decimal
    label: str


@dataclass(frozen=True)
class InterestPeriod:
    """A stretch of days with one balance and one rate; ``amount`` is the shown (rounded) one.

    ``rate_percent`` is the full rate (base rate + margin); ``base_rate`` is kept for the
    explanation.
    """

    start: dt.date
    end: dt.date
    days: int
    balance: Decimal
    rate_percent: Decimal
    amount: Decimal
    base_rate: Decimal = ZERO


@dataclass(frozen=True)
class Allocation:
    """How one payment was split under §367 BGB; ``credit`` is what was left over."""

    date: dt.date
    amount: Decimal
    to_fees: Decimal
    to_interest: Decimal
    to_principal: Decimal
    credit: Decimal = ZERO


@dataclass(frozen=True)
class DefaultStatement:
    """The result of :func:`compute_default`: what accrued, what was paid, what is open."""

    principal: Decimal
    due_date: dt.date
    until: dt.date
    business: bool
    margin: Decimal
    currency: str
    periods: list[InterestPeriod]
    interest_total: Decimal
    fees: list[Fee]
    fees_total: Decimal
    payments: list[Allocation]
    open_principal: Decimal
    open_fees: Decimal
    open_interest: Decimal
    credit: Decimal
    total_open: Decimal = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "total_open", self.open_principal + self.open_fees + self.open_interest
        )

    def explain(self, language: str) -> list[str]:
        """Human-readable lines (``"de"`` or ``"en"``) so the client can retrace every cent."""
        lang = language.split("-")[0].split("_")[0].lower()
        if lang not in BABEL_LOCALES:
            raise ValueError(f"Unsupported language {language!r}; use 'de' or 'en'.")
        locale = BABEL_LOCALES[lang]
        de = lang == "de"

        def money(value: Decimal) -> str:
            return format_currency(value, self.currency, locale=locale)

        def pct(value: Decimal) -> str:
            return format_decimal(value, format="#,##0.00##", locale=locale)

        def points(value: Decimal) -> str:
            return format_decimal(value, format="#,##0.##", locale=locale)

        def day(value: dt.date) -> str:
            return format_date(value, format="medium", locale=locale)

        def span(start: dt.date, end: dt.date) -> str:
            return f"{day(start)}–{day(end)}" if de else f"{day(start)} – {day(end)}"

        lines: list[str] = []
        kind = ("Unternehmer" if self.business else "Verbraucher") if de else (
            "business client" if self.business else "consumer")
        if de:
            lines.append(
                f"Verzugszinsen auf {money(self.principal)} vom {day(self.due_date + _ONE_DAY)} "
                f"bis {day(self.until)}: Basiszinssatz + {points(self.margin)} Prozentpunkte "
                f"({kind}, § 288 BGB), taggenau/365."
            )
        else:
            lines.append(
                f"Default interest on {money(self.principal)} from "
                f"{day(self.due_date + _ONE_DAY)} to {day(self.until)}: base rate + "
                f"{points(self.margin)} percentage points ({kind}, s. 288 BGB), actual days/365."
            )
        unit = "Tage" if de else "days"
        for p in self.periods:
            lines.append(
                f"{span(p.start, p.end)}: {money(p.balance)} × {pct(p.rate_percent)} % × "
                f"{p.days}/{DAYS_PER_YEAR} {unit} = {money(p.amount)}"
            )
        lines.append(f"{'Zinsen gesamt' if de else 'Total interest'}: {money(self.interest_total)}")
        for fee in self.fees:
            lines.append(f"{day(fee.date)}: {fee.label}: {money(fee.amount)}")
        for a in self.payments:
            if de:
                text = (
                    f"Zahlung vom {day(a.date)}: {money(a.amount)} → Kosten "
                    f"{money(a.to_fees)}, Zinsen {money(a.to_interest)}, Hauptforderung "
                    f"{money(a.to_principal)}"
                )
                if a.credit:
                    text += f", Guthaben {money(a.credit)}"
            else:
                text = (
                    f"Payment on {day(a.date)}: {money(a.amount)} → costs {money(a.to_fees)}, "
                    f"interest {money(a.to_interest)}, principal {money(a.to_principal)}"
                )
                if a.credit:
                    text += f", credit {money(a.credit)}"
            lines.append(text)
        if de:
            lines.append(
                f"Offen: Hauptforderung {money(self.open_principal)}, Kosten "
                f"{money(self.open_fees)}, Zinsen {money(self.open_interest)}, gesamt "
                f"{money(self.total_open)}"
            )
            if self.credit:
                lines.append(f"Guthaben: {money(self.credit)}")
        else:
            lines.append(
                f"Open: principal {money(self.open_principal)}, costs {money(self.open_fees)}, "
                f"interest {money(self.open_interest)}, total {money(self.total_open)}"
            )
            if self.credit:
                lines.append(f"Credit: {money(self.credit)}")
        return lines


# --- base-rate table --------------------------------------------------------------------


def half_year_start(day: dt.date) -> dt.date:
    """1 January or 1 July of ``day``'s half-year — the dates on which §247 rates change."""
    return dt.date(day.year, 1 if day.month <= 6 else 7, 1)


def _next_half_year(day: dt.date) -> dt.date:
    start = half_year_start(day)
    return dt.date(start.year, 7, 1) if start.month == 1 else dt.date(start.year + 1, 1, 1)


def parse_rates(lines: Iterable[str]) -> list[BaseRate]:
    """Parse ``valid_from,rate_percent`` CSV text (``#`` comments allowed), sorted by date.

    Kept separate from :func:`load_shipped_rates` so that user-maintained tables can use the
    same format and the same validation.
    """
    content = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
    reader = csv.DictReader(content)
    if reader.fieldnames is None or {"valid_from", "rate_percent"} - set(reader.fieldnames):
        raise ValueError("Base-rate table needs the columns valid_from,rate_percent.")
    rates: dict[dt.date, BaseRate] = {}
    for row in reader:
        try:
            valid_from = dt.date.fromisoformat(row["valid_from"].strip())
            rate = Decimal(row["rate_percent"].strip())
        except (ValueError, InvalidOperation, AttributeError) as exc:
            raise ValueError(f"Bad base-rate row {row!r}.") from exc
        if not rate.is_finite():
            raise ValueError(f"Bad base rate {row['rate_percent']!r}.")
        if valid_from in rates:
            raise ValueError(f"Base rate for {valid_from.isoformat()} is listed twice.")
        rates[valid_from] = BaseRate(valid_from, rate)
    return sorted(rates.values(), key=lambda r: r.valid_from)


def load_shipped_rates() -> list[BaseRate]:
    """The base rates shipped in ``data/base_rates.csv``, oldest first."""
    text = resources.files("rapport.dunning").joinpath("data/base_rates.csv").read_text("utf-8")
    return parse_rates(text.splitlines())


def merge_rates(*tables: Iterable[BaseRate]) -> list[BaseRate]:
    """Combine tables (e.g. shipped + user-entered); a later table wins for the same date."""
    merged: dict[dt.date, BaseRate] = {}
    for table in tables:
        for rate in table:
            merged[rate.valid_from] = rate
    return sorted(merged.values(), key=lambda r: r.valid_from)


def rate_on(rates: list[BaseRate], day: dt.date) -> Decimal | None:
    """Base rate valid on ``day``, or ``None`` if its half-year has no entry.

    An entry only covers its own half-year: a rate from before the last 1 Jan/1 Jul is not
    carried forward, because the Bundesbank redetermines it and it may have changed.
    """
    current: BaseRate | None = None
    for rate in rates:
        if rate.valid_from <= day and (current is None or rate.valid_from > current.valid_from):
            current = rate
    if current is None or current.valid_from < half_year_start(day):
        return None
    return current.rate


def missing_half_years(rates: list[BaseRate], until: dt.date) -> list[dt.date]:
    """Half-year starts (1 Jan/1 Jul) from the first entry up to ``until`` without a rate.

    Used for the warning "enter the base rate from 2026-07-01".
    """
    if not rates:
        return []
    start = half_year_start(min(r.valid_from for r in rates))
    missing: list[dt.date] = []
    while start <= until:
        if rate_on(rates, start) is None:
            missing.append(start)
        start = _next_half_year(start)
    return missing


def statutory_margin(business: bool) -> Decimal:
    """Points above the base rate under §288: 9 for business clients, 5 for consumers."""
    return Decimal(9) if business else Decimal(5)


# --- computation ------------------------------------------------------------------------


@dataclass
class _RawPeriod:
    start: dt.date
    end: dt.date
    balance: Decimal
    base_rate: Decimal
    rate_percent: Decimal

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def exact(self) -> Decimal:
        with localcontext() as ctx:
            ctx.prec = _PRECISION
            return self.balance * self.rate_percent * self.days / (100 * DAYS_PER_YEAR)


def _rate_segments(
    rates: list[BaseRate], start: dt.date, end: dt.date
) -> list[tuple[dt.date, dt.date, Decimal]]:
    """Split ``start..end`` (inclusive) into runs of one base rate; raise if a day has none."""
    cuts = {r.valid_from for r in rates if start < r.valid_from <= end}
    boundary = _next_half_year(start)
    while boundary <= end:
        cuts.add(boundary)
        boundary = _next_half_year(boundary)
    segments: list[tuple[dt.date, dt.date, Decimal]] = []
    seg_start = start
    for cut in [*sorted(cuts), end + _ONE_DAY]:
        base = rate_on(rates, seg_start)
        if base is None:
            raise MissingBaseRate(seg_start)
        if segments and segments[-1][2] == base:
            # same rate in the next half-year: no new period, the rate did not change
            segments[-1] = (segments[-1][0], cut - _ONE_DAY, base)
        else:
            segments.append((seg_start, cut - _ONE_DAY, base))
        seg_start = cut
    return segments


def _require_decimal(value: object, what: str) -> None:
    """Reject floats (and anything else) early: a float has already lost the cents."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise TypeError(f"{what} must be a finite Decimal, got {value!r}.")


def _quantizer(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def compute_default(
    principal: Decimal,
    due_date: dt.date,
    until: dt.date,
    payments: list[tuple[dt.date, Decimal]],
    fees: list[tuple[dt.date, Decimal, str]],
    business: bool,
    rates: list[BaseRate],
    currency_places: int = 2,
    *,
    currency: str = "EUR",
) -> DefaultStatement:
    """Default interest, costs and §367 allocation of payments for one claim up to ``until``.

    ``payments`` are ``(date, amount)``; ``fees`` are ``(date, amount, label)`` costs such as
    the 40 EUR flat fee. Both may be unsorted but must not be dated after ``until`` (the
    statement would otherwise silently ignore them). See the module docstring for the
    conventions.
    """
    q = _quantizer(currency_places)

    def cents(value: Decimal) -> Decimal:
        return value.quantize(q, rounding=ROUND_HALF_UP)

    _require_decimal(principal, "principal")
    if principal < 0:
        raise ValueError("principal must not be negative.")
    for _, amount in payments:
        _require_decimal(amount, "payment")
    for _, amount, _label in fees:
        _require_decimal(amount, "fee")
    fee_items = sorted(
        (Fee(d, cents(a), label) for d, a, label in fees), key=lambda f: f.date
    )
    pay_items = sorted(((d, cents(a)) for d, a in payments), key=lambda p: p[0])
    for item in fee_items:
        if item.amount <= 0 or item.date > until:
            raise ValueError(f"Fee {item!r} must be positive and dated on or before {until}.")
    for pay_date, amount in pay_items:
        if amount <= 0 or pay_date > until:
            raise ValueError(
                f"Payment of {amount} on {pay_date} must be positive and on or before {until}."
            )

    margin = statutory_margin(business)
    balance = cents(principal)
    raw: list[_RawPeriod] = []
    accrued_exact = ZERO  # never rounded, to round only once
    interest_paid = ZERO
    fees_paid = ZERO
    cursor = due_date + _ONE_DAY  # first day not yet accrued

    def accrue(to: dt.date) -> None:
        nonlocal cursor, accrued_exact
        if to < cursor:
            return
        if balance > 0:
            for start, end, base in _rate_segments(rates, cursor, to):
                period = _RawPeriod(start, end, balance, base, base + margin)
                raw.append(period)
                with localcontext() as ctx:
                    ctx.prec = _PRECISION
                    accrued_exact += period.exact
        cursor = to + _ONE_DAY

    def fees_due(on: dt.date) -> Decimal:
        return sum((f.amount for f in fee_items if f.date <= on), ZERO)

    allocations: list[Allocation] = []
    credit = ZERO
    for pay_date, amount in pay_items:
        accrue(pay_date)
        rest = amount
        to_fees = min(rest, fees_due(pay_date) - fees_paid)
        rest -= to_fees
        to_interest = min(rest, cents(accrued_exact) - interest_paid)
        rest -= to_interest
        to_principal = min(rest, balance)
        rest -= to_principal
        fees_paid += to_fees
        interest_paid += to_interest
        balance -= to_principal
        credit += rest
        allocations.append(Allocation(pay_date, amount, to_fees, to_interest, to_principal, rest))
    accrue(until)

    interest_total = cents(accrued_exact)
    fees_total = sum((f.amount for f in fee_items), ZERO)
    open_fees = fees_total - fees_paid
    open_interest = interest_total - interest_paid
    # a credit is set off against costs charged after the overpayment, then interest
    # (principal cannot be open: the overpaid payment already cleared it)
    for_fees = min(credit, open_fees)
    open_fees -= for_fees
    credit -= for_fees
    for_interest = min(credit, open_interest)
    open_interest -= for_interest
    credit -= for_interest

    periods = [
        InterestPeriod(p.start, p.end, p.days, p.balance, p.rate_percent, cents(p.exact),
                       p.base_rate)
        for p in raw
    ]
    if periods:
        difference = interest_total - sum((p.amount for p in periods), ZERO)
        if difference:
            last = periods[-1]
            periods[-1] = InterestPeriod(last.start, last.end, last.days, last.balance,
                                         last.rate_percent, last.amount + difference,
                                         last.base_rate)

    return DefaultStatement(
        principal=cents(principal),
        due_date=due_date,
        until=until,
        business=business,
        margin=margin,
        currency=currency,
        periods=periods,
        interest_total=interest_total,
        fees=fee_items,
        fees_total=fees_total,
        payments=allocations,
        open_principal=balance,
        open_fees=open_fees,
        open_interest=open_interest,
        credit=credit,
    )
