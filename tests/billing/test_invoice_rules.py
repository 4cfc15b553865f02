"""Invoice rules: totals, numbering, immutability, kinds, payments and status."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from rapport.billing import services
from rapport.billing.models import BillingSettings, Invoice, InvoiceLine
from rapport.billing.totals import compute
from tests.billing.factories import billable_client, make_billable, project_for

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def ws(workspace):
    return make_billable(workspace)


@pytest.fixture
def kunde(ws):
    return billable_client(ws)


def _draft(ws, client, *lines, **kw):
    invoice = services.new_draft(ws, client, **kw)
    for description, qty, price, rate in lines:
        services.add_line(invoice, description, qty, price, vat_rate=rate)
    return invoice


def test_vat_is_computed_per_rate_on_rounded_line_nets(ws, kunde):
    invoice = _draft(ws, kunde, ("Text", "3", "33.335", "19"), ("Book", "1", "10.05", "7"),
                     ("Travel", "2", "0.125", "19"))
    t = services.totals(invoice)
    # 3 × 33.335 = 100.005 → 100.01; 2 × 0.125 = 0.25; 19 % of 100.26 = 19.0494 → 19.05
    assert [(r.rate, r.net, r.tax) for r in t.rates] == [
        (D("19.00"), D("100.26"), D("19.05")), (D("7.00"), D("10.05"), D("0.70")),
    ]
    assert (t.net, t.tax, t.gross) == (D("110.31"), D("19.75"), D("130.06"))


def test_issuing_numbers_freezes_and_snapshots(ws, kunde):
    invoice = _draft(ws, kunde, ("Text", "1", "1000", "19"))
    issued = services.issue(invoice, TODAY)
    assert issued.number == "RE-2026-0001"
    assert issued.issue_date == TODAY and issued.due_date == TODAY + dt.timedelta(days=14)
    assert issued.service_start == TODAY  # delivery date defaults to the invoice date
    assert issued.gross_total == D("1190.00")
    assert issued.buyer["name"] == "Kranich Verlag GmbH" and issued.seller["city"] == "Berlin"
    # The snapshot does not follow later changes to the client.
    kunde.name = "Renamed"
    kunde.save()
    issued.refresh_from_db()
    assert issued.buyer["name"] == "Kranich Verlag GmbH"
    second = services.issue(_draft(ws, kunde, ("More", "1", "5", "19")), TODAY)
    assert second.number == "RE-2026-0002"


def test_numbers_restart_each_year_and_follow_the_format(ws, kunde):
    BillingSettings.objects.filter(workspace=ws).update(number_format="{YY}{MM}-{seq:03}")
    first = services.issue(_draft(ws, kunde, ("A", "1", "1", "19")), dt.date(2026, 12, 31))
    second = services.issue(_draft(ws, kunde, ("B", "1", "1", "19")), dt.date(2027, 1, 1))
    assert (first.number, second.number) == ("2612-001", "2701-001")


def test_a_bad_number_format_is_refused_with_a_hint(ws):
    settings = BillingSettings.objects.get(workspace=ws)
    settings.number_format = "RE-{YEAR}-{seq}"
    with pytest.raises(ValidationError) as info:
        settings.full_clean()
    assert "number_format" in info.value.message_dict
    settings.number_format = "RE-{YYYY}"
    with pytest.raises(ValidationError, match="must contain"):
        settings.full_clean()


@pytest.mark.parametrize("number_format, message", [
    ("RE-{seq.real}", "“{seq.real}” is not a valid placeholder"),
    ("RE-{seq[0]}", "“{seq[0]}” is not a valid placeholder"),
    ("RE-{YYYY.__class__}-{seq}", "“{YYYY.__class__}” is not a valid placeholder"),
    ("RE-{YYYY!r}-{seq}", "“{YYYY!r}” is not a valid placeholder"),
    ("RE-{seq:>99999}", "“{seq:>99999}” is not a valid placeholder"),
    ("RE-{seq}\r\nBcc: x@evil.example", "Line breaks are not allowed"),
    ("RE-{seq}}", "Unmatched brace"),
])
def test_only_the_documented_placeholders_are_accepted_in_the_number_format(
        ws, number_format, message):
    settings = BillingSettings.objects.get(workspace=ws)
    settings.number_format = number_format
    with pytest.raises(ValidationError) as info:
        settings.full_clean()
    assert any(message in m for m in info.value.message_dict["number_format"])


def test_a_broken_number_format_stored_earlier_still_numbers_invoices(ws, kunde):
    BillingSettings.objects.filter(workspace=ws).update(number_format="RE-{seq.real}-{seq:04}")
    invoice = services.issue(_draft(ws, kunde, ("A", "1", "1", "19")), TODAY)
    assert invoice.number == "RE-{seq.real}-0001"


def test_an_issued_invoice_refuses_every_change(ws, kunde):
    invoice = services.issue(_draft(ws, kunde, ("Text", "1", "100", "19")), TODAY)
    invoice.intro_text = "changed"
    with pytest.raises(ValidationError, match="cannot be changed"):
        invoice.save()
    with pytest.raises(ValidationError):
        invoice.delete()
    with pytest.raises(ValidationError):
        Invoice.objects.filter(pk=invoice.pk).update(gross_total=1)
    with pytest.raises(ValidationError):
        Invoice.objects.filter(pk=invoice.pk).delete()
    line = invoice.lines.get()
    line.unit_price = D("1")
    with pytest.raises(ValidationError):
        line.save()
    with pytest.raises(ValidationError):
        line.delete()
    with pytest.raises(ValidationError):
        InvoiceLine.objects.create(invoice=invoice, description="sneaky", unit_price=1)
    invoice.refresh_from_db()
    assert invoice.gross_total == D("119.00") and invoice.lines.count() == 1


def test_issue_names_everything_missing(workspace):
    client = billable_client(workspace, street="")
    invoice = services.new_draft(workspace, client)
    with pytest.raises(ValidationError) as info:
        services.issue(invoice)
    text = " ".join(info.value.messages)
    for expected in ("no lines", "business address", "tax number", "client's address"):
        assert expected in text
    invoice.refresh_from_db()
    assert invoice.state == "draft" and invoice.number == ""


def test_small_business_charges_no_vat(workspace):
    ws = make_billable(workspace, tax_regime="small_business")
    invoice = _draft(ws, billable_client(ws), ("Text", "2", "250", "19"))
    assert invoice.tax_treatment == "small_business"
    issued = services.issue(invoice, TODAY)
    assert (issued.net_total, issued.tax_total, issued.gross_total) == (
        D("500.00"), D("0.00"), D("500.00"))


def test_reverse_charge_for_an_eu_business_needs_its_vat_id(ws):
    client = billable_client(ws, "Atelier Lumière", country="FR", vat_id="FR40303265045")
    invoice = _draft(ws, client, ("Design", "1", "800", "19"))
    assert invoice.tax_treatment == "reverse_charge"
    assert services.issue(invoice, TODAY).tax_total == D("0.00")
    client.vat_id = ""
    client.save()
    invoice = services.new_draft(ws, client)
    assert invoice.tax_treatment == "domestic"  # an EU consumer pays German VAT
    invoice.tax_treatment = "reverse_charge"
    invoice.save()
    services.add_line(invoice, "x", 1, 1)
    with pytest.raises(ValidationError, match="VAT ID"):
        services.issue(invoice)


def test_export_outside_the_eu_is_not_taxed(ws):
    client = billable_client(ws, "Meridian Lane", country="US", language="en")
    invoice = _draft(ws, client, ("Copy", "2", "540", "19"), currency="USD")
    assert invoice.tax_treatment == "export"
    assert services.issue(invoice, TODAY).gross_total == D("1080.00")


def test_deposit_then_final_deducts_exactly_what_was_paid(ws, kunde):
    project = project_for(kunde, "4000.00")
    deposit = services.create_deposit_invoice(project)
    assert deposit.kind == "deposit" and deposit.deposit_percent == D("50")
    assert "Anzahlung" in deposit.intro_text  # in the client's language
    deposit = services.issue(deposit, TODAY)
    assert deposit.gross_total == D("2380.00")
    services.record_payment(deposit, "2380.00", TODAY + dt.timedelta(days=5))
    final = services.issue(services.create_final_invoice(project), TODAY + dt.timedelta(days=60))
    assert final.gross_total == D("4760.00")
    assert final.deductions == [{
        "number": deposit.number, "issue_date": "2026-03-02", "vat_rate": "19.00",
        "net": "2000.00", "tax": "380.00", "gross": "2380.00",
    }]
    assert final.deducted_total == D("2380.00") and final.amount_due == D("2380.00")


def test_an_unpaid_deposit_is_not_deducted(ws, kunde):
    project = project_for(kunde, "1000.00")
    services.issue(services.create_deposit_invoice(project, D("30")), TODAY)
    final = services.issue(services.create_final_invoice(project), TODAY)
    assert final.deductions == [] and final.amount_due == D("1190.00")


def test_cancellation_negates_every_line_and_happens_once(ws, kunde):
    original = services.issue(_draft(ws, kunde, ("Text", "2", "100", "19"),
                                     ("Book", "1", "50", "7")), TODAY)
    storno = services.cancel(original, TODAY)
    original.refresh_from_db()
    assert original.state == "cancelled" and original.payment_status() == "cancelled"
    assert storno.kind == "cancellation" and storno.cancels == original
    assert storno.number == "RE-2026-0002"
    assert storno.gross_total == -original.gross_total
    assert [line.quantity for line in storno.lines.all()] == [D("-2"), D("-1")]
    with pytest.raises(ValidationError, match="only once"):
        services.cancel(original)
    with pytest.raises(ValidationError):
        services.cancel(storno)


def test_payment_status_balance_and_days_late(ws, kunde):
    invoice = services.issue(_draft(ws, kunde, ("Text", "1", "100", "19")), TODAY)
    due = invoice.due_date
    assert invoice.payment_status(today=due) == "open"
    assert invoice.payment_status(today=due + dt.timedelta(days=1)) == "overdue"
    assert invoice.days_late(today=due + dt.timedelta(days=10)) == 10
    services.record_payment(invoice, "50", due - dt.timedelta(days=1))
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.payment_status(today=due) == "partially_paid"
    assert invoice.balance() == D("69.00")
    services.record_payment(invoice, "80", due + dt.timedelta(days=3))
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.payment_status(today=due + dt.timedelta(days=30)) == "paid"
    assert invoice.balance() == D("-11.00")  # over-paid by 11
    assert invoice.paid_on() == due + dt.timedelta(days=3)
    assert invoice.days_late(today=due + dt.timedelta(days=30)) == 3


def test_payments_only_on_issued_invoices(ws, kunde):
    draft = _draft(ws, kunde, ("Text", "1", "100", "19"))
    with pytest.raises(ValidationError):
        services.record_payment(draft, "10")
    issued = services.issue(draft, TODAY)
    with pytest.raises(ValidationError, match="greater than zero"):
        services.record_payment(issued, "0")


def test_compute_handles_no_lines():
    assert compute([], "EUR").gross == D("0.00")


def test_the_admin_shows_issued_invoices_read_only(ws, kunde, admin_client):
    invoice = services.issue(_draft(ws, kunde, ("Text", "1", "100", "19")), TODAY)
    response = admin_client.post(f"/admin/billing/invoice/{invoice.pk}/change/",
                                 {"intro_text": "sneaky"})
    assert response.status_code == 403
    assert admin_client.post(f"/admin/billing/invoice/{invoice.pk}/delete/",
                             {"post": "yes"}).status_code == 403
    invoice.refresh_from_db()
    assert invoice.intro_text == ""


def test_a_billable_late_cancellation_waits_for_the_next_invoice(ws, kunde):
    from rapport.billing.models import PendingFee

    fee = PendingFee.objects.create(workspace=ws, client=kunde, amount="90.00",
                                    description="Late cancellation of the call on 3 March")
    first = services.new_draft(ws, kunde)
    assert [line.description for line in first.lines.all()] == [fee.description]
    fee.refresh_from_db()
    assert fee.invoice_id == first.pk
    assert not services.new_draft(ws, kunde).lines.exists()  # billed once


def test_consumers_are_told_when_default_begins(ws):
    from rapport.billing.documents.pdf import render_html

    person = billable_client(ws, "Annette Sommer", kind="person", language="de")
    invoice = services.issue(_draft(ws, person, ("Blogartikel", "1", "300", "19")), TODAY)
    assert invoice.buyer["is_business"] is False
    assert "§ 286" in render_html(invoice)
    company = services.issue(_draft(ws, billable_client(ws, "Firma GmbH"),
                                    ("Text", "1", "300", "19")), TODAY)
    assert "§ 286" not in render_html(company)


def test_a_company_changed_into_a_person_is_billed_as_a_consumer(ws):
    """The legal status follows a change of the client's kind, even after the payment
    terms were first read (opening the client page creates them)."""
    from rapport.billing.documents.pdf import render_html
    from rapport.dunning.services import terms_for

    client = billable_client(ws, "Annette Sommer")  # filed as a company by mistake
    assert terms_for(client).is_business is True
    client.kind = "person"
    client.save()
    assert terms_for(client).is_business is False
    invoice = services.issue(_draft(ws, client, ("Blogartikel", "1", "300", "19")), TODAY)
    assert invoice.buyer["is_business"] is False and "§ 286" in render_html(invoice)
    terms = terms_for(client)
    terms.is_business = True  # a sole trader: set by hand, kept while the kind stays
    terms.save()
    client.name = "Annette Sommer Texte"
    client.save()
    assert terms_for(client).is_business is True
