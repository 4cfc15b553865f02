"""EPC QR code ("GiroCode", EPC069-12 v2) so a client pays by scanning instead of typing.

Only SEPA credit transfers in EUR can be encoded, so the code is left out for other
currencies, for invoices with nothing to pay and when no IBAN is on file.
"""

from __future__ import annotations

from decimal import Decimal

import segno.helpers

from rapport.billing.models import Invoice

EPC_MAX_NAME = 70  # characters the EPC standard allows for the beneficiary's name
EPC_MAX_AMOUNT = Decimal("999999999.99")


def epc_fields(invoice: Invoice) -> dict[str, str] | None:
    """The arguments for segno's EPC helper, or None when no GiroCode applies."""
    seller = invoice.seller or {}
    iban = (seller.get("iban") or "").replace(" ", "").upper()
    amount = invoice.amount_due
    if invoice.currency != "EUR" or not iban or not 0 < amount <= EPC_MAX_AMOUNT:
        return None
    if invoice.kind == Invoice.Kind.CANCELLATION or not invoice.number:
        return None
    name = (seller.get("account_holder") or seller.get("legal_name") or seller.get("name")
            or "").strip()[:EPC_MAX_NAME]
    if not name:
        return None
    fields = {"name": name, "iban": iban, "amount": f"{amount:.2f}",
              "text": invoice.number[:140]}
    bic = (seller.get("bic") or "").replace(" ", "").upper()
    if len(bic) in (8, 11):
        fields["bic"] = bic
    return fields


def girocode_svg(invoice: Invoice, scale: int = 3) -> str | None:
    """The EPC QR code as an inline <svg> element, or None (see epc_fields)."""
    fields = epc_fields(invoice)
    if fields is None:
        return None
    qr = segno.helpers.make_epc_qr(**fields)
    return qr.svg_inline(scale=scale, border=0, dark="#000", omitsize=True)
