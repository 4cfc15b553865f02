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
