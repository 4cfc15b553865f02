"""Euro reference rates of the European Central Bank, and converting money with them.

Amounts in different currencies are never added as they are: a figure that compares
clients paying in USD, GBP and EUR converts each currency's total once into the
workspace currency, at the newest ECB reference rate on or before the day the figure is
for, and says which rate and date it used.

The rates come from two places: the ECB history shipped with Rapport
(`data/ecb_rates.csv`, the ECB's `eurofxref-hist` format, one row per banking day) and
rows imported later with `rapport update-rates` (`ExchangeRate`). For a day, the newer
of the two wins; on the same day the imported one does.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from babel.numbers import format_decimal
from django.db import transaction

from rapport.core.models import ExchangeRate
from rapport.core.money import CURRENCIES, babel_locale, quantize

SHIPPED = Path(__file__).parent / "data" / "ecb_rates.csv"
EURO = "EUR"
# Rates older than this on the day of a figure are shown with a hint to update them.
STALE_AFTER = dt.timedelta(days=14)


class RateFileError(ValueError):
    """A rates file that is not in the ECB format; says where and why."""


@dataclass(frozen=True)
class Rate:
    """1 EUR = `per_euro` units of `currency`, the ECB reference rate of `date`."""

    currency: str
    date: dt.date
    per_euro: Decimal


def _parse_date(text: str, line: int) -> dt.date:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d %B %Y"):  # eurofxref-hist.csv, eurofxref.csv
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise RateFileError(f"line {line}: “{text}” is not a date")


def parse_ecb_csv(text: str) -> list[Rate]:
    """Every rate in an ECB eurofxref CSV (daily or history): `Date,USD,JPY,…` then one
    row per day; `N/A` and empty cells are skipped. Raises RateFileError on anything else."""
    rows = csv.reader(io.StringIO(text))
    try:
        header = [cell.strip() for cell in next(rows)]
    except StopIteration:
        raise RateFileError("the file is empty") from None
    if not header or header[0] != "Date" or len(header) < 2:
        raise RateFileError("line 1: expected the ECB header “Date,USD,JPY,…”")
    currencies = header[1:]
    rates = []
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        day = _parse_date(row[0], line)
        for code, cell in zip(currencies, row[1:], strict=False):
            cell = cell.strip()
            if not code or not cell or cell == "N/A":
                continue
            if len(code) != 3 or not code.isalpha():
                raise RateFileError(f"line 1: “{code}” is not a currency code")
            try:
                value = Decimal(cell)
            except InvalidOperation:
                raise RateFileError(f"line {line}, {code}: “{cell}” is not a number") from None
            if not value.is_finite() or value <= 0:
                raise RateFileError(f"line {line}, {code}: “{cell}” is not a positive rate")
            rates.append(Rate(code.upper(), day, value))
    return rates


def read_rates_file(data: bytes) -> list[Rate]:
    """An ECB CSV, or the ZIP the ECB publishes it in (`eurofxref-hist.zip`)."""
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
                if len(names) != 1:
                    raise RateFileError("the ZIP file must contain exactly one CSV file")
                data = archive.read(names[0])
        except zipfile.BadZipFile:
            raise RateFileError("not a readable ZIP file") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RateFileError("not a text file (UTF-8 expected)") from None
    return parse_ecb_csv(text)


@cache
def _shipped() -> dict[str, tuple[list[dt.date], list[str]]]:
    """The shipped history per currency, dates ascending (read once per process; the
    values stay text until asked for: thousands of rows, a handful of lookups)."""
    lines = SHIPPED.read_text(encoding="utf-8").splitlines()
    codes = lines[0].split(",")[1:]
    series: dict[str, list[tuple[dt.date, str]]] = {code: [] for code in codes}
    for line in lines[1:]:
        cells = line.split(",")
        day = dt.date.fromisoformat(cells[0])
        for code, cell in zip(codes, cells[1:], strict=False):
            if cell and cell != "N/A":
                series[code].append((day, cell))
    result = {}
    for code, pairs in series.items():
        pairs.sort()
        result[code] = ([d for d, _r in pairs], [r for _d, r in pairs])
    return result


def rate_on(currency: str, day: dt.date) -> Rate | None:
    """The newest ECB reference rate of `currency` on or before `day`; None if there is none."""
    if currency == EURO:
        return Rate(EURO, day, Decimal(1))

    best = None
    dates, values = _shipped().get(currency, ([], []))
    index = bisect.bisect_right(dates, day)
    if index:
        best = Rate(currency, dates[index - 1], Decimal(values[index - 1]))
    imported = (ExchangeRate.objects.filter(currency=currency, date__lte=day)
                .order_by("-date").values_list("date", "rate").first())
    if imported and (best is None or imported[0] >= best.date):
        best = Rate(currency, imported[0], imported[1].normalize())
    return best


@dataclass
class Converter:
    """Converts totals into one currency at the rates of one day, remembering the rates it
    used (to be stated next to the figure) and the currencies it had no rate for."""

    target: str
    day: dt.date
    used: dict[str, Rate] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)
    _cache: dict[str, Rate | None] = field(default_factory=dict, repr=False)

    def rate(self, currency: str) -> Rate | None:
        if currency not in self._cache:
            self._cache[currency] = rate_on(currency, self.day)
        return self._cache[currency]

    def convert(self, amount: Decimal, currency: str) -> Decimal | None:
        """`amount` of `currency` in the target currency, rounded to its minor unit."""
        if currency == self.target:
            return amount
        source, target = self.rate(currency), self.rate(self.target)
        if source is None or target is None:
            self.missing.add(currency)
            return None
        for rate in (source, target):
            if rate.currency != EURO:
                self.used[rate.currency] = rate
        return quantize(Decimal(amount) * target.per_euro / source.per_euro, self.target)

    @property
    def rates(self) -> list[Rate]:
        """The ECB rates behind the converted figures, to state next to them."""
        return sorted(self.used.values(), key=lambda r: r.currency)

    @property
    def stale(self) -> bool:
        """Whether a rate used is clearly older than the day (time to update the rates)."""
        return any(self.day - rate.date > STALE_AFTER for rate in self.used.values())

    @property
    def oldest(self) -> dt.date | None:
        return min((rate.date for rate in self.used.values()), default=None)


def format_rate(rate: Rate, language: str) -> str:
    """`1 EUR = 1.1172 USD` in the reader's number format, all decimals the ECB gave."""
    number = format_decimal(rate.per_euro, format="#,##0.0#####", locale=babel_locale(language))
    return f"1 EUR = {number} {rate.currency}"


def save_rates(rates: list[Rate]) -> tuple[int, int]:
    """Store imported rates of Rapport's currencies (one transaction); returns (new,
    changed). Re-importing the same file changes nothing."""
    rates = [r for r in rates if r.currency in CURRENCIES and r.currency != EURO]
    with transaction.atomic():
        existing = {}
        currencies = {r.currency for r in rates}
        if rates:
            first, last = min(r.date for r in rates), max(r.date for r in rates)
            existing = {(c, d): (pk, v) for pk, c, d, v in ExchangeRate.objects.filter(
                currency__in=currencies, date__gte=first, date__lte=last)
                .values_list("pk", "currency", "date", "rate")}
        create, update = [], []
        for rate in rates:
            found = existing.get((rate.currency, rate.date))
            if found is None:
                create.append(ExchangeRate(currency=rate.currency, date=rate.date,
                                           rate=rate.per_euro))
                existing[(rate.currency, rate.date)] = (None, rate.per_euro)
            elif found[1] != rate.per_euro and found[0] is not None:
                update.append(ExchangeRate(pk=found[0], currency=rate.currency,
                                           date=rate.date, rate=rate.per_euro))
        ExchangeRate.objects.bulk_create(create, batch_size=1000)
        ExchangeRate.objects.bulk_update(update, ["rate"], batch_size=1000)
    return len(create), len(update)
