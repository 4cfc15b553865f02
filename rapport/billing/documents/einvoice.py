"""EN 16931 e-invoices (CII syntax) built with drafthorse from an issued invoice's snapshot.

The same builder serves two flavours: Factur-X/ZUGFeRD profile EN 16931 (embedded in the
PDF) and XRechnung 3.0 (the German CIUS, sent on its own). Never MINIMUM or BASIC-WL: those
are not e-invoices under German law.

Choices worth knowing (see the report in the merge request for sources):

* **Type code (BT-3)**: 380 for every invoice kind, deposit and final included (XRechnung
  only admits 326/380/381/384/389/875-877, so 386 "prepayment invoice" is not portable).
  A **cancellation** (Stornorechnung) is 384 "corrected invoice" with the negated
  quantities and amounts of the PDF and a reference to the cancelled invoice (BG-3, BT-25
  and BT-26). ZUGFeRD allows a cancellation either as 381 with positive amounts or as
  380/384 with negative amounts; 384 keeps XML and PDF identical, is accepted by
  XRechnung and Factur-X EN 16931, and avoids 381, which German software labels
  "Gutschrift" — a word reserved for self-billing (§ 14 Abs. 2 UStG). Unit prices stay
  positive (BR-27); the sign sits on the quantity.
* **VAT categories**: S per rate (Z for a 0 % line on a domestic invoice), E for § 19 UStG
  with the tax note as exemption reason, AE for reverse charge (VATEX-EU-AE, both VAT IDs),
  and O "not subject to VAT" (VATEX-EU-O) for the non-EU case, because Rapport bills
  services whose place of supply is abroad (§ 3a UStG); G is for exported *goods* and
  would also demand a seller VAT ID (BR-G-02). BR-O-02 forbids the VAT IDs on O invoices.
* **Seller identification**: VAT ID as SpecifiedTaxRegistration schemeID VA, tax number
  as FC. When no VAT ID is emitted, the tax number (or VAT ID) also becomes the seller
  identifier BT-29, because BR-CO-26 does not accept FC alone.
* **Deposits**: a final invoice shows the full amount and full VAT, the deposits paid
  as TotalPrepaidAmount (BT-113) and DuePayableAmount = amount due (BT-115).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.utils import translation
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drafthorse.models.accounting import ApplicableTradeTax
from drafthorse.models.document import Document
from drafthorse.models.note import IncludedNote
from drafthorse.models.party import TaxRegistration
from drafthorse.models.payment import PaymentMeans, PaymentTerms
from drafthorse.models.tradelines import LineItem

from rapport.billing.models import Invoice, TaxTreatment
from rapport.billing.positions import line_ids
from rapport.billing.services import totals as invoice_totals
from rapport.billing.texts import advance_payment_note, tax_note
from rapport.core.money import format_money, precise

ZERO = Decimal("0.00")
FLAVOURS = ("factur-x", "xrechnung")
GUIDELINE_FACTURX = "urn:cen.eu:en16931:2017"
GUIDELINE_XRECHNUNG = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
# BT-23, which XRechnung expects; the Peppol billing process is the one KoSIT documents.
BUSINESS_PROCESS_XRECHNUNG = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"

TYPE_CODE_INVOICE = "380"
TYPE_CODE_CANCELLATION = "384"

# (category code, VATEX exemption code) per tax treatment without VAT.
CATEGORY_BY_TREATMENT: dict[str, tuple[str, str]] = {
    TaxTreatment.SMALL_BUSINESS: ("E", ""),
    TaxTreatment.REVERSE_CHARGE: ("AE", "VATEX-EU-AE"),
    TaxTreatment.EXPORT: ("O", "VATEX-EU-O"),
}

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(value: object) -> str:
    """Drop characters XML 1.0 cannot carry; user text may contain them."""
    return _CONTROL_CHARACTERS.sub("", str(value or "")).strip()


def vat_category(invoice: Invoice, rate: Decimal) -> tuple[str, str]:
    """(EN 16931 VAT category code, VATEX code) for one rate of this invoice."""
    if invoice.tax_treatment in CATEGORY_BY_TREATMENT:
        return CATEGORY_BY_TREATMENT[invoice.tax_treatment]
    return ("S", "") if Decimal(rate) > 0 else ("Z", "")


def long_date(value: dt.date) -> str:
    """A date in the active language's long format (call under translation.override)."""
    return format_date(value, get_format("DATE_FORMAT"))


def cancels_text(invoice: Invoice) -> str:
    """'This invoice cancels invoice X of DATE.' in the invoice's language, or ''."""
    original = invoice.cancels
    if invoice.kind != Invoice.Kind.CANCELLATION or original is None:
        return ""
    with translation.override(invoice.language):
        return _("This invoice cancels invoice %(number)s of %(date)s.") % {
            "number": original.number,
            "date": long_date(original.issue_date),
        }


def payment_terms_text(invoice: Invoice) -> str:
    """The payment request (or why nothing is due) in the invoice's language."""
    with translation.override(invoice.language):
        due = invoice.amount_due
        amount = format_money(abs(due), invoice.currency, invoice.language)
        if invoice.kind == Invoice.Kind.CANCELLATION:
            return _("Nothing is to be paid for this cancellation. Any amount already paid "
                     "for the cancelled invoice will be refunded.")
        if due <= 0:
            return _("Nothing remains to be paid: the deposits cover the full amount.")
        due_date = long_date(invoice.due_date)
        if invoice.payment_term_days == 0:
            return _("Please pay %(amount)s immediately (by %(date)s) without deduction, "
                     "quoting the invoice number %(number)s.") % {
                "amount": amount, "date": due_date, "number": invoice.number}
        days = invoice.payment_term_days
        return ngettext(
            "Please pay %(amount)s without deduction within %(days)s day, by %(date)s, "
            "quoting the invoice number %(number)s.",
            "Please pay %(amount)s without deduction within %(days)s days, by %(date)s, "
            "quoting the invoice number %(number)s.",
            days,
        ) % {"amount": amount, "days": days, "date": due_date, "number": invoice.number}


def einvoice_xml(invoice: Invoice, flavour: str = "factur-x") -> bytes:
    """The invoice as EN 16931 CII XML, validated against the Factur-X EN 16931 XSD.

    `flavour` is "factur-x" (to embed in the PDF) or "xrechnung" (XRechnung 3.0 CIUS).
    Only issued invoices have a number and a snapshot, so drafts are refused.
    """
    if flavour not in FLAVOURS:
        raise ValueError(f"Unknown e-invoice flavour {flavour!r}; use one of {FLAVOURS}.")
    if invoice.state == Invoice.State.DRAFT or not invoice.number:
        raise ValueError("Only issued invoices can be exported as e-invoices.")
    xrechnung = flavour == "xrechnung"
    with translation.override(invoice.language):
        doc = Document()
        _header(doc, invoice, xrechnung)
        _lines(doc, invoice)
        _parties(doc, invoice, xrechnung)
        _delivery(doc, invoice)
        _settlement(doc, invoice)
        return doc.serialize(schema="FACTUR-X_EN16931")


# -- building blocks ----------------------------------------------------------------------


def _note(doc: Document, text: str, subject_code: str = "") -> None:
    text = _text(text)
    if not text:
        return
    note = IncludedNote()
    note.content = text
    if subject_code:
        note.subject_code = subject_code
    doc.header.notes.add(note)


def _header(doc: Document, invoice: Invoice, xrechnung: bool) -> None:
    doc.context.guideline_parameter.id = GUIDELINE_XRECHNUNG if xrechnung else GUIDELINE_FACTURX
    if xrechnung:
        doc.context.business_parameter.id = BUSINESS_PROCESS_XRECHNUNG
    doc.header.id = invoice.number
    doc.header.type_code = (
        TYPE_CODE_CANCELLATION if invoice.kind == Invoice.Kind.CANCELLATION
        else TYPE_CODE_INVOICE
    )
    doc.header.issue_date_time = invoice.issue_date
    if invoice.kind == Invoice.Kind.CANCELLATION:
        _note(doc, cancels_text(invoice))
    else:
        _note(doc, invoice.intro_text)
    for row in invoice.deductions:
        money = {key: format_money(row[key], invoice.currency, invoice.language)
                 for key in ("net", "tax", "gross")}
        _note(doc, _("Deposit invoice %(number)s of %(date)s deducted: net %(net)s, VAT "
                     "%(tax)s, gross %(gross)s.") % {
            "number": row["number"], "date": long_date(dt.date.fromisoformat(row["issue_date"])),
            **money})
    _note(doc, advance_payment_note(invoice))
    _note(doc, tax_note(invoice))
    _note(doc, invoice.closing_text)
    _note(doc, invoice.seller.get("footer_text", ""), "REG")


def _lines(doc: Document, invoice: Invoice) -> None:
    lines = list(invoice.lines.all())
    for line_id, line in zip(line_ids(lines), lines, strict=True):
        quantity, price = Decimal(line.quantity), precise(line.unit_price, invoice.currency)
        if price < 0:  # BR-27: the price is never negative; the sign moves to the quantity.
            quantity, price = -quantity, -price
        rate = Decimal(line.vat_rate) if invoice.tax_treatment == TaxTreatment.DOMESTIC else ZERO
        category, _code = vat_category(invoice, rate)
        item = LineItem()
        item.document.line_id = line_id
        item.product.name = _text(line.description)
        item.agreement.net.amount = price
        item.delivery.billed_quantity = (quantity, line.unit)
        item.settlement.trade_tax.type_code = "VAT"
        item.settlement.trade_tax.category_code = category
        if category != "O":  # BR-O-05: no rate on lines not subject to VAT.
            item.settlement.trade_tax.rate_applicable_percent = rate
        item.settlement.monetary_summation.total_amount = line.net_amount
        doc.trade.items.add(item)


def _parties(doc: Document, invoice: Invoice, xrechnung: bool) -> None:
    seller, buyer = invoice.seller, invoice.buyer
    agreement = doc.trade.agreement
    not_subject = invoice.tax_treatment == TaxTreatment.EXPORT  # category O, BR-O-02

    if buyer.get("contact") or xrechnung:
        agreement.buyer_reference = _text(buyer.get("contact")) or "n/a"

    party = agreement.seller
    legal_name = _text(seller.get("legal_name") or seller.get("name"))
    party.name = legal_name
    trade_name = _text(seller.get("name"))
    if trade_name and trade_name != legal_name:
        party.legal_organization.trade_name = trade_name
    vat_id, tax_number = _text(seller.get("vat_id")), _text(seller.get("tax_number"))
    if not vat_id or not_subject:
        # BR-CO-26 wants BT-29, BT-30 or BT-31; a tax number (FC) alone does not count.
        party.id = tax_number or vat_id
    contact_name = _text(seller.get("contact")) or (legal_name if xrechnung else "")
    phone, email = _text(seller.get("phone")), _text(seller.get("email"))
    if contact_name or phone or email:
        party.contact.person_name = contact_name or legal_name
        if phone:
            party.contact.telephone.number = phone
        if email:
            party.contact.email.address = email
    _address(party, seller)
    if email:
        party.electronic_address.uri_ID = ("EM", email)
    if vat_id and not not_subject:
        party.tax_registrations.add(TaxRegistration(id=("VA", vat_id)))
    if tax_number:
        party.tax_registrations.add(TaxRegistration(id=("FC", tax_number)))

    party = agreement.buyer
    buyer_name = _text(buyer.get("name"))
    party.name = buyer_name
    buyer_email = _text(buyer.get("email"))
    if buyer.get("contact") or buyer_email:
        party.contact.person_name = _text(buyer.get("contact")) or buyer_name
        if buyer_email:
            party.contact.email.address = buyer_email
    _address(party, buyer)
    if buyer_email:
        party.electronic_address.uri_ID = ("EM", buyer_email)
    buyer_vat_id = _text(buyer.get("vat_id"))
    if buyer_vat_id and not not_subject:
        party.tax_registrations.add(TaxRegistration(id=("VA", buyer_vat_id)))


def _address(party: object, snapshot: dict[str, str]) -> None:
    address = party.address
    if snapshot.get("postal_code"):
        address.postcode = _text(snapshot["postal_code"])
    if snapshot.get("street"):
        address.line_one = _text(snapshot["street"])
    if snapshot.get("city"):
        address.city_name = _text(snapshot["city"])
    address.country_id = _text(snapshot.get("country") or "DE").upper()


def _delivery(doc: Document, invoice: Invoice) -> None:
    """BT-72 (the day the service was complete) and, for a period, BG-14 as well."""
    start, end = invoice.service_start, invoice.service_end
    if invoice.kind == Invoice.Kind.DEPOSIT:
        # The service has not happened yet, so no BT-72; the delivery names where it will
        # go (BG-13, the buyer) so that the element is not empty (PEPPOL-EN16931-R008).
        ship_to = doc.trade.delivery.ship_to
        ship_to.name = _text(invoice.buyer.get("name"))
        _address(ship_to, invoice.buyer)
    else:
        doc.trade.delivery.event.occurrence = end or start or invoice.issue_date
    if start and end:
        doc.trade.settlement.period.start = start
        doc.trade.settlement.period.end = end


def _settlement(doc: Document, invoice: Invoice) -> None:
    settlement = doc.trade.settlement
    currency = invoice.currency
    seller = invoice.seller
    settlement.currency_code = currency
    settlement.payment_reference = invoice.number

    iban = _text(seller.get("iban")).replace(" ", "")
    means = PaymentMeans()
    if iban:
        # 58 = SEPA credit transfer (EUR only); 30 = other credit transfer.
        means.type_code = "58" if currency == "EUR" else "30"
        means.payee_account.iban = iban
        if seller.get("account_holder"):
            means.payee_account.account_name = _text(seller["account_holder"])
        if seller.get("bic"):
            means.payee_institution.bic = _text(seller["bic"]).replace(" ", "")
    else:
        means.type_code = "ZZZ"  # mutually defined: no account on file
    settlement.payment_means.add(means)

    result = invoice_totals(invoice)
    if (result.net, result.tax, result.gross) != (
        invoice.net_total, invoice.tax_total, invoice.gross_total
    ):
        raise ValueError(f"Invoice {invoice.number}: lines do not add up to the stored totals.")
    reason = tax_note(invoice)
    for rate_total in result.rates:
        category, code = vat_category(invoice, rate_total.rate)
        tax = ApplicableTradeTax()
        tax.calculated_amount = rate_total.tax
        tax.type_code = "VAT"
        if category in ("E", "AE", "O"):
            tax.exemption_reason = _text(reason)
        tax.basis_amount = rate_total.net
        tax.category_code = category
        if code:
            tax.exemption_reason_code = code
        # BR-O-05 bans the rate on O *lines* only; XRechnung (BR-DE-14) wants it here.
        tax.rate_applicable_percent = rate_total.rate
        settlement.trade_tax.add(tax)

    terms = PaymentTerms()
    terms.description = _text(payment_terms_text(invoice))
    if invoice.amount_due > 0 and invoice.due_date:
        terms.due = invoice.due_date
    settlement.terms.add(terms)

    summation = settlement.monetary_summation
    summation.line_total = invoice.net_total
    summation.charge_total = ZERO
    summation.allowance_total = ZERO
    summation.tax_basis_total = invoice.net_total
    summation.tax_total = (invoice.tax_total, currency)
    summation.grand_total = invoice.gross_total
    if invoice.deducted_total:
        summation.prepaid_total = invoice.deducted_total
    summation.due_amount = invoice.amount_due

    reference = _preceding_invoice(invoice)
    if reference:
        settlement.invoice_referenced_document.issuer_assigned_id = reference[0]
        settlement.invoice_referenced_document.issue_date_time = reference[1]


def _preceding_invoice(invoice: Invoice) -> tuple[str, dt.date] | None:
    """BG-3: the cancelled invoice, or the single deposit a final invoice deducts."""
    if invoice.kind == Invoice.Kind.CANCELLATION and invoice.cancels:
        return invoice.cancels.number, invoice.cancels.issue_date
    if invoice.kind == Invoice.Kind.FINAL and len(invoice.deductions) == 1:
        row = invoice.deductions[0]
        return row["number"], dt.date.fromisoformat(row["issue_date"])
    return None
