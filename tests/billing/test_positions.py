"""Invoice lines are numbered 1, 2, 3 … in the editor, the PDF and the e-invoice."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from lxml import etree

from rapport.billing import services
from rapport.billing.documents import einvoice_xml, render_pdf
from rapport.billing.models import Invoice, InvoiceLine
from tests.billing.factories import billable_client, make_billable
from tests.billing.test_documents import NS, pdf_text

pytestmark = pytest.mark.django_db

HEADER = {"currency": "EUR", "language": "de", "tax_treatment": "domestic",
          "payment_term_days": "14", "intro_text": "", "closing_text": "",
          "service_start": "2026-11-01", "service_end": "2026-11-30"}


@pytest.fixture
def draft(workspace):
    make_billable(workspace)
    return services.new_draft(workspace, billable_client(workspace))


def _editor_post(invoice: Invoice, new: tuple[str, str] | None, delete: set[int] = frozenset()
                 ) -> dict[str, str]:
    """What the draft editor sends: every stored line as it is, plus one new line."""
    existing = list(invoice.lines.all())
    rows = [(line.pk, line.description, format(line.unit_price, "f")) for line in existing]
    if new:
        rows.append((None, *new))
    data = {**HEADER, "lines-TOTAL_FORMS": str(len(rows)),
            "lines-INITIAL_FORMS": str(len(existing)), "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "1000", "add_line": "1"}
    for i, (pk, description, price) in enumerate(rows):
        data.update({f"lines-{i}-id": str(pk or ""), f"lines-{i}-invoice": str(invoice.pk),
                     f"lines-{i}-description": description, f"lines-{i}-quantity": "1",
                     f"lines-{i}-unit": "HUR", f"lines-{i}-unit_price": price,
                     f"lines-{i}-vat_rate": "19.00"})
        if pk in delete:
            data[f"lines-{i}-DELETE"] = "on"
    return data


def _positions(invoice: Invoice) -> list[tuple[int, str]]:
    return list(invoice.lines.order_by("position").values_list("position", "description"))


def _line_ids(xml: bytes) -> list[str]:
    tree = etree.fromstring(xml)
    return [e.text for e in tree.xpath(
        "//ram:IncludedSupplyChainTradeLineItem/ram:AssociatedDocumentLineDocument/ram:LineID",
        namespaces=NS)]


def test_save_and_add_another_numbers_the_lines_1_2_3(owner_http, draft):
    for description in ("Konzept", "Entwurf", "Reinzeichnung"):
        response = owner_http.post(f"/invoices/{draft.pk}/",
                                   _editor_post(draft, (description, "100.00")))
        assert response.status_code == 302
    assert _positions(draft) == [(1, "Konzept"), (2, "Entwurf"), (3, "Reinzeichnung")]


def test_removing_a_draft_line_closes_the_gap_and_new_lines_go_to_the_end(owner_http, draft):
    for description in ("Konzept", "Entwurf", "Reinzeichnung"):
        services.add_line(draft, description, 1, "100.00")
    middle = draft.lines.get(description="Entwurf")
    owner_http.post(f"/invoices/{draft.pk}/",
                    _editor_post(draft, ("Abstimmung", "50.00"), delete={middle.pk}))
    assert _positions(draft) == [(1, "Konzept"), (2, "Reinzeichnung"), (3, "Abstimmung")]


def test_pdf_and_e_invoice_carry_the_positions_and_the_cancellation_copies_them(
        draft, tmp_path):
    for description in ("Konzept", "Entwurf", "Reinzeichnung"):
        services.add_line(draft, description, 1, "100.00")
    invoice = services.issue(draft, dt.date(2026, 11, 30))
    assert _line_ids(einvoice_xml(invoice)) == ["1", "2", "3"]
    text = pdf_text(render_pdf(invoice), tmp_path)
    assert "1 Konzept" in text and "2 Entwurf" in text and "3 Reinzeichnung" in text
    cancellation = services.cancel(invoice, dt.date(2026, 12, 1))
    assert _positions(cancellation) == _positions(invoice)
    assert _line_ids(einvoice_xml(cancellation)) == ["1", "2", "3"]


def test_an_invoice_issued_with_repeated_positions_still_gets_unique_line_ids(draft):
    for description in ("Konzept", "Entwurf", "Reinzeichnung"):
        services.add_line(draft, description, 1, "100.00")
    draft.lines.update(position=1)  # as the editor stored them before the fix
    invoice = services.issue(draft, dt.date(2026, 11, 30))
    assert list(invoice.lines.values_list("position", flat=True)) == [1, 1, 1]  # unchanged
    assert _line_ids(einvoice_xml(invoice)) == ["1", "2", "3"]


def test_the_migration_renumbers_drafts_and_leaves_issued_invoices_alone(workspace, draft):
    for description in ("Konzept", "Entwurf", "Reinzeichnung"):
        services.add_line(draft, description, 1, "100.00")
    other = services.new_draft(workspace, draft.client)
    for description in ("Alt 1", "Alt 2"):
        services.add_line(other, description, 1, "100.00")
    issued = services.issue(other, dt.date(2026, 11, 30))
    InvoiceLine.objects.update(position=1)  # both invoices as the bug left them
    migration = importlib.import_module(
        "rapport.billing.migrations.0002_renumber_duplicate_draft_line_positions")
    migration.renumber_drafts(apps, None)
    assert _positions(draft) == [(1, "Konzept"), (2, "Entwurf"), (3, "Reinzeichnung")]
    assert [p for p, _d in _positions(issued)] == [1, 1]
