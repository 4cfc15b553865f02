"""SWIFT MT940 statements and MT942 intraday reports, read with the `mt-940` library.

The library is lenient (it skips what it does not recognise), so every line is checked
against the tag layout first: a file is refused with the first line that is not MT940,
instead of being imported with bookings missing.
"""

from __future__ import annotations

import re
from decimal import Decimal

import mt940
from django.utils.translation import gettext as _
from mt940.processors import transaction_details_post_processor_with_space

from rapport.banking.parsers import Parsed, ParseError, Record, clean_iban

TAG = re.compile(r"^:(\d\d[A-Z]?):")
KNOWN_TAGS = {"20", "21", "25", "28", "28C", "60F", "60M", "61", "62F", "62M", "64", "65",
              "86", "13", "13D", "34F", "90D", "90C", "NS"}
# :61: value date, optional entry date, [R]C/D mark, funds code, amount, type, references.
LINE_61 = re.compile(r"^\d{6}(\d{4})?R?[CD][A-Z]?\d{1,12},\d{0,2}[NSF][A-Z0-9]{3}\S*")
BALANCE = re.compile(r"^[CD]\d{6}[A-Z]{3}\d{1,12},\d{0,2}$")
HEAD = re.compile(rb"(^|\n)\s*:20:")


def looks_like_mt940(head: bytes) -> bool:
    return bool(HEAD.search(head)) and b":61:" in head or b":25:" in head and b":28C:" in head


def decode(data: bytes) -> str:
    """MT940 files of German banks are Latin-1 or UTF-8; a BOM is dropped."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def check_lines(text: str) -> bool:
    """Raise at the first line that is not MT940; True if it is an MT942 report."""
    seen_20 = intraday = False
    current = ""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.rstrip("\r")
        if not stripped.strip() or stripped.strip() in {"-", "-}", "}"} \
                or stripped.startswith(("{1:", "{2:", "{4:")):
            continue
        match = TAG.match(stripped)
        if not match:
            if current in {"86", "61", "NS"}:
                continue  # a continuation line of the transaction details
            raise ParseError(_("line %(line)s") % {"line": number},
                             _("“%(text)s” is not an MT940 field.") % {"text": stripped[:40]})
        current = match.group(1)
        value = stripped[match.end():]
        if current not in KNOWN_TAGS:
            raise ParseError(_("line %(line)s") % {"line": number},
                             _("“:%(tag)s:” is not an MT940 field.") % {"tag": current})
        seen_20 |= current == "20"
        intraday |= current in {"13", "13D", "34F", "90D", "90C"}
        if current == "61" and not LINE_61.match(value):
            raise ParseError(_("line %(line)s") % {"line": number}, _(
                "The booking line “%(text)s” does not have the form date, C or D, amount, "
                "booking code.") % {"text": value[:40]})
        if current in {"60F", "60M", "62F", "62M"} and not BALANCE.match(value.strip()):
            raise ParseError(_("line %(line)s") % {"line": number},
                             _("The balance “%(text)s” is not valid.") % {"text": value[:40]})
    if not seen_20:
        raise ParseError(_("line %(line)s") % {"line": 1},
                         _("The file does not start a statement with “:20:”."))
    return intraday


def parse(data: bytes) -> Parsed:
    text = decode(data)
    intraday = check_lines(text)
    processors = {"post_transaction_details": [transaction_details_post_processor_with_space]}
    try:
        statements = mt940.parse_statements(text, processors=processors,
                                            options=mt940.Options.all())
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise ParseError("", _("The statement could not be read: %(reason)s") % {
            "reason": error}) from error
    records: list[Record] = []
    account = ""
    for statement in statements:
        account = clean_iban(_account(statement.data.get("account_identification") or ""))
        for transaction in statement:
            records.append(_record(transaction.data, account))
    return Parsed(source="mt942" if intraday else "mt940", records=records,
                  account_iban=account)


def _account(identification: str) -> str:
    """`:25:` holds an IBAN, or BLZ/account number; either identifies the account."""
    return identification.split()[0] if identification else ""


def _text(value: object) -> str:
    return " ".join(str(value).split()) if value else ""


def _record(data: dict, account: str) -> Record:
    amount = data["amount"]
    reference = _text(data.get("bank_reference"))
    end_to_end = _text(data.get("end_to_end_reference"))
    purpose = _text(data.get("purpose")) or _text(data.get("transaction_details"))
    return Record(
        booking_date=data.get("entry_date") or data["date"],
        value_date=data.get("date"),
        amount=Decimal(amount.amount),
        currency=amount.currency or data.get("currency") or "EUR",
        account_iban=account,
        counterparty_name=_text(data.get("applicant_name"))[:140],
        counterparty_iban=clean_iban(_text(data.get("applicant_iban"))),
        purpose=purpose,
        end_to_end_id="" if end_to_end.upper() in {"NOTPROVIDED", "NONREF"} else end_to_end[:100],
        bank_reference=reference[:100],
    )
