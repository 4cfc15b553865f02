"""ISO 20022 CAMT.053 statements, CAMT.052 reports and CAMT.054 notifications (lxml).

Elements are matched by local name, so every published version (001.02 … 001.13) reads
the same way. The parser refuses DTDs and entities and never touches the network; entries
are read one at a time (`iterparse`) and dropped after use, so memory stays flat.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from lxml import etree

from rapport.banking.parsers import Parsed, ParseError, Record, clean_iban

NAMESPACE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:camt\.05([234])\.001\.\d\d$")
# The container of one account's entries, per message type.
CONTAINERS = {"2": "Rpt", "3": "Stmt", "4": "Ntfctn"}
SOURCES = {"2": "camt052", "3": "camt053", "4": "camt054"}
DECLARATION = re.compile(rb"<!(?i:doctype|entity)")
BOOKED = {"BOOK", ""}  # PDNG (pending) and INFO entries are left out until booked


def _local(tag: object) -> str:
    """`{namespace}Ntry` → `Ntry`; comments and processing instructions have no name."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


@functools.cache
def _any_namespace(path: str) -> str:
    return "/".join(f"{{*}}{name}" for name in path.split("/"))


def _find(element: etree._Element | None, path: str) -> etree._Element | None:
    """The first descendant along `path` (local names separated by /), in any namespace."""
    return None if element is None else element.find(_any_namespace(path))


def _text(element: etree._Element | None, path: str) -> str:
    found = _find(element, path)
    return (found.text or "").strip() if found is not None else ""


def _first_text(element: etree._Element | None, *paths: str) -> str:
    return next((value for path in paths if (value := _text(element, path))), "")


def looks_like_camt(head: bytes) -> bool:
    return b"urn:iso:std:iso:20022:tech:xsd:camt.05" in head


def _refuse_doctype(data: bytes) -> None:
    if DECLARATION.search(data):
        raise ParseError("", _("The file declares a DTD or entities, which a bank statement "
                               "never needs; it was not read."))


def parse(data: bytes) -> Parsed:
    _refuse_doctype(data)
    records: list[Record] = []
    kind = ""
    account = ""
    currency = "EUR"
    containers = entries = 0
    wanted = tuple(f"{{*}}{name}" for name in ("Document", "Acct", "Ntry",
                                               *CONTAINERS.values()))
    try:
        events = etree.iterparse(io.BytesIO(data), events=("start", "end"), tag=wanted,
                                 resolve_entities=False, no_network=True, load_dtd=False,
                                 huge_tree=False, remove_comments=True)
        for event, element in events:
            if not kind:
                kind = _message_kind(element.getroottree().getroot())
            name = _local(element.tag)
            if event == "start":
                if name == CONTAINERS[kind]:
                    containers += 1
                continue
            parent = element.getparent()
            if name == "Acct" and parent is not None and _local(parent.tag) == CONTAINERS[kind]:
                account = clean_iban(_first_text(element, "Id/IBAN", "Id/Othr/Id"))
                currency = _text(element, "Ccy") or currency
            elif name == "Ntry" and parent is not None:
                entries += 1
                message = _local(parent.getparent().tag) if parent.getparent() is not None \
                    else ""
                where = (f"/Document/{message}/{CONTAINERS[kind]}[{containers}]"
                         f"/Ntry[{entries}]")
                records.extend(_entry(element, account, currency, where))
                element.clear(keep_tail=False)
                while element.getprevious() is not None:  # keep memory flat in file size
                    del parent[0]
        if not kind:
            _message_kind(events.root)
    except etree.XMLSyntaxError as error:
        raise ParseError(_("line %(line)s") % {"line": error.lineno},
                         _("The XML is not well-formed: %(reason)s") % {"reason": error.msg}
                         ) from error
    return Parsed(source=SOURCES[kind], records=records, account_iban=account)


def _message_kind(root: etree._Element) -> str:
    namespace = etree.QName(root).namespace or ""
    match = NAMESPACE.match(namespace)
    if _local(root.tag) != "Document" or not match:
        raise ParseError(f"/{_local(root.tag)}", _(
            "The file is not a CAMT.052, CAMT.053 or CAMT.054 document (namespace "
            "“%(namespace)s”).") % {"namespace": namespace})
    return match.group(1)


def _amount(element: etree._Element | None, where: str) -> tuple[Decimal, str]:
    if element is None or not (element.text or "").strip():
        raise ParseError(where, _("The amount is missing."))
    try:
        value = Decimal(element.text.strip())
    except InvalidOperation as error:
        raise ParseError(where, _("“%(value)s” is not an amount.") % {"value": element.text}
                         ) from error
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")) \
            or value >= Decimal("10000000000"):
        raise ParseError(where, _("“%(value)s” is not an amount.") % {"value": element.text})
    return value, element.get("Ccy", "EUR")


def _date(element: etree._Element | None, path: str, where: str) -> dt.date | None:
    value = _first_text(element, f"{path}/Dt", f"{path}/DtTm")
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError as error:
        raise ParseError(f"{where}/{path}", _("“%(value)s” is not a date.") % {"value": value}
                         ) from error


def _fees(entry: etree._Element) -> Decimal | None:
    charges = _find(entry, "Chrgs")
    if charges is None:
        return None
    total = _find(charges, "TtlChrgsAndTaxAmt")
    if total is not None and (total.text or "").strip():
        return Decimal(total.text.strip())
    amounts = [Decimal(a.text.strip()) for record in charges if _local(record.tag) == "Rcrd"
               for a in record if _local(a.tag) == "Amt" and (a.text or "").strip()]
    amounts += [Decimal(a.text.strip()) for a in charges
                if _local(a.tag) == "Amt" and (a.text or "").strip()]  # version 02
    return sum(amounts, Decimal(0)) if amounts else None


def _party(details: etree._Element | None, role: str) -> tuple[str, str]:
    parties = _find(details, "RltdPties")
    name = _first_text(parties, f"{role}/Nm", f"{role}/Pty/Nm", f"Ultmt{role}/Nm",
                       f"Ultmt{role}/Pty/Nm")
    iban = _first_text(parties, f"{role}Acct/Id/IBAN", f"{role}Acct/Id/Othr/Id")
    return name[:140], clean_iban(iban)


def _purpose(details: etree._Element | None) -> str:
    remittance = _find(details, "RmtInf")
    if remittance is None:
        return ""
    parts = [(child.text or "").strip() for child in remittance if _local(child.tag) == "Ustrd"]
    parts += [_text(child, "CdtrRefInf/Ref") for child in remittance
              if _local(child.tag) == "Strd"]
    return " ".join(part for part in parts if part)


def _entry(entry: etree._Element, account: str, currency: str,
           where: str) -> Iterator[Record]:
    status = _first_text(entry, "Sts/Cd", "Sts")
    if status not in BOOKED:
        return
    amount, entry_currency = _amount(_find(entry, "Amt"), f"{where}/Amt")
    indicator = _text(entry, "CdtDbtInd")
    if indicator not in {"CRDT", "DBIT"}:
        raise ParseError(f"{where}/CdtDbtInd", _(
            "The credit/debit mark must be CRDT or DBIT, not “%(value)s”.") % {
                "value": indicator})
    booking = _date(entry, "BookgDt", where) or _date(entry, "ValDt", where)
    if booking is None:
        raise ParseError(f"{where}/BookgDt", _("The booking date is missing."))
    value_date = _date(entry, "ValDt", where)
    details = [tx for dtls in entry if _local(dtls.tag) == "NtryDtls"
               for tx in dtls if _local(tx.tag) == "TxDtls"]
    role = "Dbtr" if indicator == "CRDT" else "Cdtr"
    sign = 1 if indicator == "CRDT" else -1
    entry_ref = _text(entry, "AcctSvcrRef")
    fee = _fees(entry)
    extra = _text(entry, "AddtlNtryInf")
    split = len(details) > 1 and all(_find(tx, "AmtDtls/TxAmt/Amt") is not None
                                     or _find(tx, "Amt") is not None for tx in details)
    for index, tx in enumerate(details if split else details[:1] or [None], start=1):
        tx_amount = amount
        if split:
            tx_amount, _ccy = _amount(_find(tx, "Amt") if _find(tx, "Amt") is not None
                                      else _find(tx, "AmtDtls/TxAmt/Amt"),
                                      f"{where}/NtryDtls/TxDtls[{index}]/Amt")
        name, iban = _party(tx, role)
        reference = _text(tx, "Refs/AcctSvcrRef") or entry_ref
        if split and reference == entry_ref and reference:
            reference = f"{reference}/{index}"
        end_to_end = _text(tx, "Refs/EndToEndId")
        yield Record(
            booking_date=booking, value_date=value_date, amount=sign * tx_amount,
            currency=entry_currency or currency, account_iban=account,
            counterparty_name=name, counterparty_iban=iban,
            purpose=_purpose(tx) or extra,
            end_to_end_id="" if end_to_end.upper() == "NOTPROVIDED" else end_to_end[:100],
            bank_reference=reference[:100],
            bank_fee=fee if index == 1 else None,
        )
