"""Issued invoices and bank transactions as an import would leave them."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from rapport.banking.models import BankTransaction
from rapport.billing import services as billing
from rapport.billing.models import Invoice
from rapport.clients.models import Client

ISSUED = dt.date(2026, 3, 2)
BRANDT_IBAN = "DE02120300000000202051"


def issued(client: Client, net: str, on: dt.date = ISSUED, currency: str = "EUR"
           ) -> Invoice:
    invoice = billing.new_draft(client.workspace, client)
    if currency != "EUR":
        invoice.currency = currency
        invoice.save()
    billing.add_line(invoice, "Produkttexte", 1, net)  # plus 19 % VAT
    return billing.issue(invoice, on)


def bank_line(workspace, amount: str, purpose: str = "", *, name: str = "",
              iban: str = "", on: dt.date = dt.date(2026, 3, 20), currency: str = "EUR",
              e2e: str = "", fee: str | None = None) -> BankTransaction:
    seen = BankTransaction.objects.count()
    key = hashlib.sha256(f"{amount}|{purpose}|{iban}|{on}|{e2e}|{seen}".encode()).hexdigest()
    return BankTransaction.objects.create(
        workspace=workspace, source="camt053", account_iban="DE89370400440532013000",
        booking_date=on, value_date=on, amount=Decimal(amount), currency=currency,
        counterparty_name=name, counterparty_iban=iban, purpose=purpose, end_to_end_id=e2e,
        bank_fee=Decimal(fee) if fee else None, dedupe_key=key)


ENTRY = """<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt><AcctSvcrRef>{ref}</AcctSvcrRef>
<NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><RltdPties><Dbtr><Nm>{name}</Nm>
</Dbtr><DbtrAcct><Id><IBAN>{iban}</IBAN></Id></DbtrAcct></RltdPties><RmtInf><Ustrd>{purpose}</Ustrd>
</RmtInf></TxDtls></NtryDtls></Ntry>"""


def camt(entries: list[tuple[str, str, str, str]]) -> str:
    """A CAMT.053.001.08 statement as a German bank sends it."""
    body = "".join(ENTRY.format(amount=amount, name=name, iban=iban, purpose=purpose,
                                day=dt.date(2026, 3, 20 + n), ref=f"2026032{n}0001")
                   for n, (amount, name, iban, purpose) in enumerate(entries))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:'
            'tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId><CreDtTm>'
            "2026-03-27T08:00:00+01:00</CreDtTm></GrpHdr><Stmt><Id>S1</Id><CreDtTm>"
            "2026-03-27T08:00:00+01:00</CreDtTm><Acct><Id><IBAN>DE89370400440532013000</IBAN>"
            f"</Id><Ccy>EUR</Ccy></Acct>{body}</Stmt></BkToCstmrStmt></Document>\n")


def march_statement(one: Invoice, two: Invoice, three: Invoice, scanned: Invoice) -> str:
    """Three clear payments, one typed from a scan (O for 0), one that fits no invoice."""
    return camt([
        ("1190.00", "MOEBELMANUFAKTUR BRANDT KG", BRANDT_IBAN, f"Rechnung {one.number} Danke"),
        ("595.00", "Kranich Verlag GmbH", "DE21300209000106531065", two.number),
        ("238.00", "Nordlicht KG", "DE75512108001245126199", three.number.replace("-", " ")),
        ("714.00", "Brandt, Moebelmanufaktur", BRANDT_IBAN, scanned.number.replace("0", "O")),
        ("300.00", "K. Kranich", "DE44500105175407324931", "Anzahlung Buchprojekt"),
    ])
