"""The invoice PDF: HTML template → WeasyPrint PDF/A-3b → Factur-X XML attached.

PDF/A-3 is the archival format that may carry the XML twin; together they form a
ZUGFeRD/Factur-X EN 16931 e-invoice, so one file satisfies the eye and the machine.
The template reads only the invoice's snapshot (seller, buyer, lines, totals), so a
re-rendered PDF looks exactly like the first one even after the client moved.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from babel import Locale
from babel.numbers import format_decimal
from django.template.loader import render_to_string
from django.utils import translation
from drafthorse.pdf import attach_xml
from pypdf import PdfReader, PdfWriter
from schwifty.exceptions import SchwiftyException

from rapport.billing.bank import format_iban
from rapport.billing.documents.einvoice import (
    cancels_text,
    einvoice_xml,
    long_date,
    payment_terms_text,
)
from rapport.billing.documents.girocode import girocode_svg
from rapport.billing.models import Invoice, TaxTreatment
from rapport.billing.positions import line_ids
from rapport.billing.services import totals as invoice_totals
from rapport.billing.texts import (
    advance_payment_note,
    consumer_default_note,
    tax_note,
    title,
    unit_label,
)
from rapport.core.money import babel_locale
from rapport.core.pdf import html_to_pdf

TEMPLATE = "billing/pdf/invoice.html"


def _locale(language: str) -> str:
    return babel_locale(language)


def format_quantity(value: Decimal, language: str) -> str:
    """10.000 → '10', 1.500 → '1.5' / '1,5': no trailing zeros on quantities."""
    value = Decimal(value)
    normalized = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
    return format_decimal(normalized, locale=_locale(language), decimal_quantization=False)


def format_rate(rate: Decimal, language: str) -> str:
    return f"{format_quantity(Decimal(rate), language)} %"


def country_name(code: str, language: str, home: str) -> str:
    """The country's name in the invoice language, but only for addresses abroad (DIN 5008)."""
    code = (code or "").upper()
    if not code or code == (home or "DE").upper():
        return ""
    return Locale.parse(_locale(language)).territories.get(code, code)


# Where the postal code does not precede the city (UPU S42 formats, simplified).
CITY_THEN_CODE = frozenset({"US", "CA", "AU"})
CODE_ON_OWN_LINE = frozenset({"GB", "IE"})


def place_lines(snapshot: dict[str, str]) -> list[str]:
    """The postal code and city line(s) in the order the destination country's post reads."""
    code, city = snapshot.get("postal_code", ""), snapshot.get("city", "")
    country = (snapshot.get("country") or "").upper()
    if country in CITY_THEN_CODE:
        return [f"{city} {code}".strip()]
    if country in CODE_ON_OWN_LINE:
        return [line for line in (city, code) if line]
    return [f"{code} {city}".strip()]


def invoice_context(invoice: Invoice) -> dict[str, Any]:
    """Everything the template prints, prepared under the invoice's language."""
    language = invoice.language
    seller, buyer = dict(invoice.seller), dict(invoice.buyer)
    home = seller.get("country") or "DE"
    # Countries are printed only where they differ: the buyer's when abroad, the
    # seller's when the letter travels to another country.
    buyer["country_name"] = country_name(buyer.get("country", ""), language, home)
    seller["country_name"] = country_name(home, language, buyer.get("country") or home)
    buyer["place_lines"] = place_lines(buyer)
    try:
        seller["iban_formatted"] = format_iban(seller.get("iban", ""))
    except SchwiftyException:  # print what was snapshotted rather than fail
        seller["iban_formatted"] = seller.get("iban", "")
    vat_applies = invoice.tax_treatment == TaxTreatment.DOMESTIC
    result = invoice_totals(invoice)
    ids = line_ids([line for line, _net in result.lines])
    lines = [
        {
            "position": line_id,
            "description": line.description,
            "quantity": format_quantity(line.quantity, language),
            "unit": unit_label(line.unit, line.quantity),
            "unit_price": line.unit_price,
            "vat_rate": format_rate(line.vat_rate, language) if vat_applies else "",
            "net": net,
        }
        for line_id, (line, net) in zip(ids, result.lines, strict=True)
    ]
    rates = [
        {"rate": format_rate(r.rate, language), "net": r.net, "tax": r.tax}
        for r in result.rates
    ]
    deductions = [
        {
            "number": row["number"],
            "issue_date": dt.date.fromisoformat(row["issue_date"]),
            "vat_rate": format_rate(Decimal(row["vat_rate"]), language),
            "net": -Decimal(row["net"]),
            "tax": -Decimal(row["tax"]),
            "gross": -Decimal(row["gross"]),
        }
        for row in invoice.deductions
    ]
    return {
        "invoice": invoice,
        "title": title(invoice),
        "language": language,
        "currency": invoice.currency,
        "seller": seller,
        "buyer": buyer,
        "lines": lines,
        "vat_applies": vat_applies,
        "rates": rates,
        "several_rates": len(rates) > 1,
        "reverse_charge": invoice.tax_treatment == TaxTreatment.REVERSE_CHARGE,
        "small_business": invoice.tax_treatment == TaxTreatment.SMALL_BUSINESS,
        "tax_note": tax_note(invoice),
        "consumer_note": consumer_default_note(invoice),
        "deductions": deductions,
        "is_cancellation": invoice.kind == Invoice.Kind.CANCELLATION,
        "cancels_text": _keep_dates_together(cancels_text(invoice), invoice),
        "payment_text": _keep_dates_together(payment_terms_text(invoice), invoice),
        "show_payment": invoice.amount_due > 0,
        "girocode": girocode_svg(invoice),
        "service_period": (
            invoice.service_start and invoice.service_end
            and invoice.service_end != invoice.service_start
        ),
        "service_date": invoice.service_end or invoice.service_start,
        "advance_payment": advance_payment_note(invoice),
    }


def _keep_dates_together(text: str, invoice: Invoice) -> str:
    """Non-breaking spaces inside the dates of a sentence, so '30. März 2026' never wraps."""
    dates = [invoice.due_date, invoice.cancels.issue_date if invoice.cancels else None]
    for value in filter(None, dates):
        formatted = long_date(value)
        text = text.replace(formatted, formatted.replace(" ", "\u00a0"))
    return text


def render_html(invoice: Invoice) -> str:
    """The invoice as HTML in its own language (also handy for previews and tests)."""
    with translation.override(invoice.language):
        return render_to_string(TEMPLATE, invoice_context(invoice))


def render_pdf(invoice: Invoice) -> bytes:
    """A PDF/A-3b invoice with the Factur-X EN 16931 XML attached as factur-x.xml."""
    if invoice.state == Invoice.State.DRAFT or not invoice.number:
        raise ValueError("Only issued invoices can be printed.")
    html = render_html(invoice)
    pdf = html_to_pdf(html, pdf_variant="pdf/a-3b")
    xml = einvoice_xml(invoice, "factur-x")
    seller = invoice.seller.get("legal_name") or invoice.seller.get("name") or ""
    with translation.override(invoice.language):
        document_title = f"{title(invoice)} {invoice.number}"
    metadata = {
        "author": seller,
        "title": document_title,
        "subject": f"{document_title} — {invoice.buyer.get('name', '')}",
        "keywords": "Factur-X, ZUGFeRD, EN 16931, invoice",
        "creator": "Rapport",
        "producer": "Rapport (WeasyPrint, drafthorse)",
    }
    pdf = attach_xml(pdf, xml, level="EN 16931", metadata=metadata, lang=invoice.language)
    return _info_from_xmp(pdf)


def _info_from_xmp(pdf: bytes) -> bytes:
    """Make the document information dictionary repeat the XMP metadata, as PDF/A demands.

    drafthorse writes an Info dictionary with entries its XMP packet lacks (Keywords) or
    states differently (Producer is pypdf's), which PDF/A validators reject.
    """
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header.encode()  # PDF/A-3 is PDF 1.7; keep the version
    xmp = writer.xmp_metadata
    info: dict[str, str] = {}
    if xmp is not None:
        candidates = {
            "/Title": (xmp.dc_title or {}).get("x-default"),
            "/Author": ", ".join(xmp.dc_creator or []),
            "/Subject": (xmp.dc_description or {}).get("x-default"),
            "/Creator": xmp.xmp_creator_tool,
            "/Producer": xmp.pdf_producer,
            "/CreationDate": _pdf_date(xmp.xmp_create_date),
            "/ModDate": _pdf_date(xmp.xmp_modify_date),
        }
        info = {key: value for key, value in candidates.items() if value}
    writer.metadata = info
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf_date(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    value = value.astimezone(dt.UTC)
    return value.strftime("D:%Y%m%d%H%M%S+00'00'")
