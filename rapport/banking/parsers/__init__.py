"""Bank statement parsers: bytes in, plain `Record`s out, or a `ParseError` saying where.

Every parser is strict about what it imports: a file it cannot read completely is refused
as a whole (with the line or element and the reason), never half imported.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal


@dataclasses.dataclass
class Record:
    """One booking as a statement reports it; `amount` is signed (money in > 0)."""

    booking_date: dt.date
    amount: Decimal
    currency: str = "EUR"
    value_date: dt.date | None = None
    account_iban: str = ""
    counterparty_name: str = ""
    counterparty_iban: str = ""
    purpose: str = ""
    end_to_end_id: str = ""
    bank_reference: str = ""
    bank_fee: Decimal | None = None


@dataclasses.dataclass
class Parsed:
    """What one file holds: its format, the account it belongs to and its bookings."""

    source: str
    records: list[Record]
    account_iban: str = ""


class ParseError(ValueError):
    """A file that cannot be imported; `location` is a line number or an element path."""

    def __init__(self, location: str, reason: str) -> None:
        super().__init__(f"{location}: {reason}" if location else reason)
        self.location = location
        self.reason = reason


def clean_iban(value: str) -> str:
    return "".join(value.split()).upper()[:34]
