"""Payments through the API: recorded by the billing service, on issued invoices only."""

import pytest

from rapport.billing import services
from rapport.billing.models import Invoice, InvoiceEvent, Payment
from tests.billing.factories import billable_client, make_billable

pytestmark = pytest.mark.django_db


def _issued(workspace, name="Kranich Verlag GmbH", amount=100) -> Invoice:
    make_billable(workspace)
    client = billable_client(workspace, name)
    invoice = services.new_draft(workspace, client)
    services.add_line(invoice, "Work", 1, amount)
    return services.issue(invoice)


def test_a_payment_is_recorded_and_the_invoice_becomes_paid(writer, workspace):
    invoice = _issued(workspace)  # 100.00 + 19 % VAT
    response = writer.post("payments", {"invoice_id": invoice.pk, "amount": "119.00",
                                        "paid_on": "2026-11-20", "note": "Bank"})
    assert response.status_code == 201
    assert response.json()["amount"] == {"amount": "119.00", "currency": "EUR"}
    assert response.json()["invoice_number"] == invoice.number
    assert writer.get(f"invoices/{invoice.pk}").json()["payment_status"] == "paid"
    assert InvoiceEvent.objects.filter(invoice=invoice, kind="payment").count() == 1


def test_a_payment_on_a_draft_is_refused_with_the_reason(writer, workspace, client_obj):
    draft = services.new_draft(workspace, client_obj)
    response = writer.post("payments", {"invoice_id": draft.pk, "amount": "10"})
    assert response.status_code == 422
    assert "issued invoices" in response.json()["error"]["message"]
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", ["0", "-5", "1.234", "abc", "1e30"])
def test_an_impossible_amount_is_a_validation_error_on_the_amount(writer, workspace, amount):
    invoice = _issued(workspace)
    response = writer.post("payments", {"invoice_id": invoice.pk, "amount": amount})
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["error"]["fields"]] == ["amount"]
    assert not Payment.objects.exists()


def test_a_read_token_cannot_record_and_another_workspaces_invoice_is_not_found(
        reader, writer, workspace, elsewhere):
    mine, theirs = _issued(workspace), _issued(elsewhere, "Secret Ltd")
    assert reader.post("payments", {"invoice_id": mine.pk, "amount": "1"}).status_code == 403
    assert writer.post("payments", {"invoice_id": theirs.pk, "amount": "1"}).status_code == 404
    assert not Payment.objects.exists()


def test_payments_are_listed_and_filtered_by_invoice_and_date(reader, workspace, elsewhere):
    invoice = _issued(workspace)
    import datetime as dt

    services.record_payment(invoice, "50", dt.date(2026, 11, 1))
    services.record_payment(invoice, "20", dt.date(2026, 11, 15))
    services.record_payment(_issued(elsewhere, "Secret Ltd"), "1")
    assert reader.get("payments").json()["count"] == 2
    late = reader.get("payments", paid_from="2026-11-10", invoice_id=invoice.pk).json()
    assert [p["amount"]["amount"] for p in late["items"]] == ["20.00"]
