"""A deposit invoice comes before the work: it never claims a date of service (§ 14 UStG)."""

import datetime as dt
from decimal import Decimal

import pytest
from lxml import etree

from rapport.billing import services
from rapport.billing.documents import einvoice_xml, render_pdf
from rapport.billing.models import Invoice
from tests.billing.factories import billable_client, make_billable, project_for
from tests.billing.test_documents import NS, pdf_text

pytestmark = pytest.mark.django_db
ISSUED = dt.date(2026, 1, 5)


@pytest.fixture
def client(workspace):
    make_billable(workspace)
    return billable_client(workspace)


def _deposit(client, **project_fields) -> Invoice:
    project = project_for(client, **project_fields)
    return services.issue(services.create_deposit_invoice(project, Decimal(30)), ISSUED)


def test_a_deposit_prints_the_agreed_period_as_expected_not_the_invoice_date(
        client, tmp_path, owner_http):
    deposit = _deposit(client, start_date=dt.date(2026, 2, 2), end_date=dt.date(2026, 3, 27))
    text = pdf_text(render_pdf(deposit), tmp_path)
    assert "Leistungszeitraum (voraussichtlich)" in text
    assert "2. Februar 2026 – 27. März 2026" in text
    assert "Anzahlung für eine noch nicht erbrachte Leistung" in text
    assert "Leistungsdatum" not in text
    page = owner_http.get(f"/invoices/{deposit.pk}/").content.decode()
    assert 'data-testid="advance-payment"' in page and "expected" in page

    tree = etree.fromstring(einvoice_xml(deposit))
    assert not tree.xpath("//ram:ActualDeliverySupplyChainEvent", namespaces=NS)
    period = tree.xpath("//ram:BillingSpecifiedPeriod//udt:DateTimeString", namespaces=NS)
    assert [p.text for p in period] == ["20260202", "20260327"]
    notes = " ".join(tree.xpath("//ram:IncludedNote/ram:Content/text()", namespaces=NS))
    assert "noch nicht erbrachte Leistung" in notes


def test_a_deposit_without_an_agreed_period_says_the_service_is_still_to_come(
        client, tmp_path):
    deposit = _deposit(client)
    assert deposit.service_start is None  # issuing does not fill in the invoice date
    text = pdf_text(render_pdf(deposit), tmp_path)
    assert "Leistungsdatum" in text and "noch nicht erbracht (Anzahlung)" in text
    assert "5. Januar 2026" in text  # the invoice date, once
    assert text.count("5. Januar 2026") == 1


def test_other_invoices_still_get_the_issue_date_as_date_of_service(client):
    draft = services.new_draft(client.workspace, client)
    services.add_line(draft, "Lektorat", 1, "100.00")
    invoice = services.issue(draft, ISSUED)
    assert invoice.service_start == ISSUED
