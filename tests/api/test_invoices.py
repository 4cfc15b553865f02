"""Invoices through the API: drafts with lines, issuing with the workspace's numbers,
documents, and the same refusals as on the pages."""

import io

import pytest
from facturx import get_xml_from_pdf
from lxml import etree

from rapport.billing.models import Invoice
from tests.billing.factories import billable_client, make_billable

pytestmark = pytest.mark.django_db


@pytest.fixture
def billable(workspace):
    make_billable(workspace)
    return billable_client(workspace, "Kranich Verlag GmbH")


def _draft(writer, client, **extra):
    return writer.post("invoices", {"client_id": client.pk, "lines": [
        {"description": "Lektorat", "quantity": "3", "unit": "HUR", "unit_price": "80.00"},
        {"description": "Satz", "unit_price": "99.99", "vat_rate": "7.00"}], **extra})


def test_a_draft_is_created_with_its_lines_and_totals(writer, billable):
    response = _draft(writer, billable)
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "draft" and body["number"] is None
    assert [(line["description"], line["quantity"], line["unit"]) for line in body["lines"]] == [
        ("Lektorat", "3", "HUR"), ("Satz", "1", "C62")]
    assert body["net_total"] == {"amount": "339.99", "currency": "EUR"}
    # VAT: 19 % of 240.00 is 45.60, 7 % of 99.99 is 7.00
    assert body["gross_total"] == {"amount": "392.59", "currency": "EUR"}


def test_issuing_takes_the_next_number_of_the_series(writer, billable):
    first = _draft(writer, billable).json()["id"]
    second = _draft(writer, billable).json()["id"]
    numbers = [writer.post(f"invoices/{pk}/issue").json()["number"] for pk in (second, first)]
    assert numbers[0].endswith("-0001") and numbers[1].endswith("-0002")
    issued = writer.get(f"invoices/{first}").json()
    assert issued["state"] == "issued" and issued["payment_status"] == "open"
    assert issued["issue_date"] and issued["due_date"] > issued["issue_date"]
    again = writer.post(f"invoices/{first}/issue")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_issued"


def test_issuing_a_draft_the_law_would_reject_says_what_is_missing(writer, workspace,
                                                                   client_obj):
    draft = writer.post("invoices", {"client_id": client_obj.pk}).json()
    response = writer.post(f"invoices/{draft['id']}/issue")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "refused" and "no lines" in error["message"]
    assert Invoice.objects.get(pk=draft["id"]).state == "draft"


def test_bad_lines_are_refused_with_each_field_named_and_nothing_is_created(writer,
                                                                           billable):
    response = writer.post("invoices", {"client_id": billable.pk, "lines": [
        {"description": "", "unit_price": "1"},
        {"description": "ok", "unit_price": "12.34567", "vat_rate": "16.00"}]})
    assert response.status_code == 422
    fields = {f["field"] for f in response.json()["error"]["fields"]}
    assert fields == {"lines.0.description", "lines.1.unit_price", "lines.1.vat_rate"}
    assert not Invoice.objects.exists()


def test_a_read_token_cannot_create_or_issue(reader, writer, billable):
    assert _draft(reader, billable).status_code == 403
    draft = _draft(writer, billable).json()["id"]
    assert reader.post(f"invoices/{draft}/issue").status_code == 403
    assert Invoice.objects.get(pk=draft).state == "draft"


def test_another_workspaces_invoice_and_client_are_not_found(writer, elsewhere):
    make_billable(elsewhere)
    theirs = billable_client(elsewhere, "Secret Ltd")
    assert _draft(writer, theirs).status_code == 404
    from rapport.billing import services

    invoice = services.new_draft(elsewhere, theirs)
    services.add_line(invoice, "x", 1, 1)
    for path in (f"invoices/{invoice.pk}", f"invoices/{invoice.pk}/pdf"):
        assert writer.get(path).status_code == 404
    assert writer.post(f"invoices/{invoice.pk}/issue").status_code == 404
    assert Invoice.objects.get(pk=invoice.pk).state == "draft"
    assert writer.get("invoices").json()["count"] == 0


def test_the_pdf_carries_the_factur_x_xml_and_the_xml_downloads_alone(writer, billable):
    pk = _draft(writer, billable).json()["id"]
    assert writer.get(f"invoices/{pk}/pdf").status_code == 409  # a draft has no PDF yet
    number = writer.post(f"invoices/{pk}/issue").json()["number"]
    pdf = writer.get(f"invoices/{pk}/pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert f'filename="{number}.pdf"' in pdf["Content-Disposition"]
    _name, xml = get_xml_from_pdf(b"".join(pdf.streaming_content), check_xsd=False)
    assert number.encode() in xml
    for flavour in ("factur-x", "xrechnung"):
        response = writer.get(f"invoices/{pk}/xml", flavour=flavour)
        assert response["Content-Type"] == "application/xml"
        tree = etree.parse(io.BytesIO(b"".join(response.streaming_content)))
        assert number in etree.tostring(tree).decode()


def test_invoices_filter_by_state_payment_status_client_and_date(writer, billable, workspace):
    issued = _draft(writer, billable).json()["id"]
    writer.post(f"invoices/{issued}/issue")
    _draft(writer, billable)
    assert writer.get("invoices").json()["count"] == 2
    assert [i["id"] for i in writer.get("invoices", state="issued").json()["items"]] == [issued]
    assert writer.get("invoices", payment_status="open").json()["count"] == 1
    assert writer.get("invoices", payment_status="paid").json()["count"] == 0
    assert writer.get("invoices", issued_from="2000-01-01", issued_until="2000-12-31"
                      ).json()["count"] == 0
    other = billable_client(workspace, "Other GmbH")
    assert writer.get("invoices", client_id=other.pk).json()["count"] == 0


def test_issuing_through_the_api_is_the_token_users_in_the_audit_log(writer, billable, owner):
    from rapport.audit.models import AuditEntry

    pk = _draft(writer, billable).json()["id"]
    writer.post(f"invoices/{pk}/issue", {})
    entries = AuditEntry.objects.filter(object_type="billing.invoice", object_id=pk)
    assert entries.exists()
    assert {(e.actor, e.user_id) for e in entries} == {("user", owner.pk)}
