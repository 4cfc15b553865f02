"""CSV exports of online banking, read through a column `Layout` (a bank's preset or a
user's saved `CsvMapping`).

Banks put lines above the table (account, period, balance) and below it (closing balance):
the table starts at the line that names the booking date column and ends at the first
empty line or closing-balance line. Any other line that cannot be read refuses the file
with its line number.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from rapport.banking.parsers import Parsed, ParseError, Record, clean_iban

IBAN = re.compile(r"\b([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,4})?)\b")
DEBIT_MARKS = {"S", "SOLL", "D", "DR", "DBIT", "DEBIT", "-", "LASTSCHRIFT", "AUSGANG"}
CREDIT_MARKS = {"H", "HABEN", "C", "CR", "CRDT", "CREDIT", "+", "GUTSCHRIFT", "EINGANG"}
FOOTERS = ("kontostand", "anfangssaldo", "endsaldo", "abschluss", "saldo")
HEADER_SEARCH_ROWS = 40


@dataclasses.dataclass(frozen=True)
class Layout:
    """Which column holds which field. A column is its header text, or `#N` (1-based)."""

    name: str
    booking_date: str
    delimiter: str = ";"
    encoding: str = "utf-8-sig"
    decimal_comma: bool = True
    date_format: str = "%d.%m.%Y"
    account_iban: str = ""
    value_date: str = ""
    amount: str = ""
    debit: str = ""
    credit: str = ""
    debit_credit_mark: str = ""
    currency: str = ""
    counterparty_name: str = ""
    counterparty_name_out: str = ""  # a separate payee column used for money going out
    counterparty_iban: str = ""
    purpose: str = ""
    end_to_end_id: str = ""
    bank_reference: str = ""
    account_column: str = ""
    status: str = ""  # rows whose status is not in `booked` (e.g. pending) are left out
    booked: tuple[str, ...] = ()

    def required(self) -> list[str]:
        columns = [self.booking_date]
        columns += [self.amount] if self.amount else [c for c in (self.debit, self.credit) if c]
        return [c for c in columns if not c.startswith("#")]

    def columns(self) -> list[str]:
        """Every column the layout names: together they recognise a bank's export."""
        specs = [getattr(self, f.name) for f in dataclasses.fields(self)
                 if f.name not in {"name", "delimiter", "encoding", "decimal_comma",
                                   "date_format", "account_iban", "booked"}]
        return [c for spec in specs for c in spec.split("|") if c and not c.startswith("#")]


def decode(data: bytes, encoding: str) -> str:
    """Decode as the layout says; a UTF-8 BOM wins, and a file that is not valid UTF-8 is
    read as Windows-1252 (what German banks write when they do not write UTF-8)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig", errors="replace")
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return data.decode("cp1252", errors="replace")


def rows(text: str, delimiter: str) -> Iterable[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for row in reader:
            yield start, row
            start = reader.line_num + 1
    except csv.Error as error:
        raise ParseError(_("line %(line)s") % {"line": reader.line_num}, str(error)) from error


def _norm(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").split()).casefold()


def find_header(rows: list[list[str]], layout: Layout, *, every: bool = False) -> int | None:
    """Index of the row naming every required (or `every`) column of `layout`, or None."""
    wanted = {_norm(c) for c in (layout.columns() if every else layout.required())}
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if wanted <= {_norm(cell) for cell in row}:
            return index
    return None


def parse_amount(cell: str, decimal_comma: bool) -> Decimal:
    text = cell.strip().replace("\u00a0", "").replace(" ", "")
    text = text.replace("€", "").replace("EUR", "")
    negative = text.startswith("-") or text.endswith("-")
    text = text.strip("+-")
    text = text.replace(".", "").replace(",", ".") if decimal_comma else text.replace(",", "")
    if not re.fullmatch(r"\d{1,10}(\.\d{1,2})?", text):
        raise ValueError(cell)
    value = Decimal(text)
    return -value if negative else value


def parse_date(cell: str, date_format: str) -> dt.date:
    text = cell.strip()
    try:
        return dt.datetime.strptime(text, date_format).date()
    except ValueError:
        return dt.datetime.strptime(text.split(" ")[0].split("T")[0], date_format.split(" ")[0]
                                    ).date()


def parse(data: bytes, layout: Layout) -> Parsed:
    text = decode(data, layout.encoding)
    numbered = list(rows(text, layout.delimiter))
    all_rows = [row for _line, row in numbered]
    header_at = find_header(all_rows, layout)
    if header_at is None:
        raise ParseError("", _("No line of the file names the columns %(columns)s that "
                               "“%(layout)s” expects; choose another bank or mapping.") % {
            "columns": ", ".join(f"“{c}”" for c in layout.required()), "layout": layout.name})
    header = [_norm(cell) for cell in all_rows[header_at]]
    account = clean_iban(layout.account_iban)
    if not account:
        above = " ".join(" ".join(row) for row in all_rows[:header_at])
        found = IBAN.search(above.upper())
        account = clean_iban(found.group(1)) if found else ""

    def column(spec: str) -> int | None:
        if not spec:
            return None
        if spec.startswith("#") and spec[1:].isdigit():
            return int(spec[1:]) - 1
        try:
            return header.index(_norm(spec))
        except ValueError:
            return None

    records: list[Record] = []
    for line, row in numbered[header_at + 1:]:
        if not any(cell.strip() for cell in row):
            break  # an empty line ends the table; what follows are balances
        if _norm(row[0]).startswith(FOOTERS):
            break

        def cell(spec: str, row: list[str] = row) -> str:
            index = column(spec)
            return row[index].strip() if index is not None and index < len(row) else ""

        where = _("line %(line)s") % {"line": line}
        if layout.status and cell(layout.status).casefold() not in {
                b.casefold() for b in layout.booked}:
            continue
        records.append(_record(layout, cell, where, account))
    return Parsed(source="csv", records=records,
                  account_iban=account or next((r.account_iban for r in records), ""))


def _record(layout: Layout, cell, where: str, account: str) -> Record:  # noqa: ANN001
    try:
        booking = parse_date(cell(layout.booking_date), layout.date_format)
    except ValueError as error:
        raise ParseError(where, _("“%(value)s” in column “%(column)s” is not a date like "
                                  "%(format)s.") % {"value": cell(layout.booking_date),
                                                    "column": layout.booking_date,
                                                    "format": layout.date_format}) from error
    value_date = None
    if layout.value_date and cell(layout.value_date):
        try:
            value_date = parse_date(cell(layout.value_date), layout.date_format)
        except ValueError:
            value_date = None  # a value date is informative; the booking date counts
    amount = _amount(layout, cell, where)
    name = cell(layout.counterparty_name)
    if amount < 0 and layout.counterparty_name_out:
        name = cell(layout.counterparty_name_out) or name
    purpose = " ".join(cell(spec) for spec in layout.purpose.split("|") if spec)
    return Record(
        booking_date=booking, value_date=value_date, amount=amount,
        currency=(cell(layout.currency) or "EUR").upper()[:3],
        account_iban=clean_iban(cell(layout.account_column)) or account,
        counterparty_name=" ".join(name.split())[:140],
        counterparty_iban=clean_iban(cell(layout.counterparty_iban)),
        purpose=" ".join(purpose.split()),
        end_to_end_id=_reference(cell(layout.end_to_end_id)),
        bank_reference=_reference(cell(layout.bank_reference)),
    )


def _reference(value: str) -> str:
    return "" if value.upper() in {"NOTPROVIDED", "NONREF", "KEINE ANGABE"} else value[:100]


def _amount(layout: Layout, cell, where: str) -> Decimal:  # noqa: ANN001
    def read(spec: str) -> Decimal | None:
        text = cell(spec)
        if not text:
            return None
        try:
            return parse_amount(text, layout.decimal_comma)
        except (ValueError, InvalidOperation) as error:
            raise ParseError(where, _("“%(value)s” in column “%(column)s” is not an amount.")
                             % {"value": text, "column": spec}) from error

    if layout.amount:
        amount = read(layout.amount)
    else:
        debit, credit = read(layout.debit), read(layout.credit)
        amount = None if debit is None and credit is None else \
            (credit or Decimal(0)) - abs(debit or Decimal(0))
    if amount is None:
        raise ParseError(where, _("The amount is missing."))
    if layout.debit_credit_mark:
        mark = cell(layout.debit_credit_mark).upper()
        if mark in DEBIT_MARKS:
            amount = -abs(amount)
        elif mark in CREDIT_MARKS:
            amount = abs(amount)
        else:
            raise ParseError(where, _("“%(value)s” is neither debit (S) nor credit (H).")
                             % {"value": mark})
    return amount
