"""Invoice pages as a user meets them: drafts, issuing, payments, links, settings."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from rapport.billing import services
from rapport.billing.models import BillingSettings, Deliverable, Invoice, PortalLink
from tests.billing.factories import billable_client, make_billable, project_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def kunde(workspace):
    make_billable(workspace)
    return billable_client(workspace)


def _lines(*rows):
    data = {"lines-TOTAL_FORMS": str(len(rows)), "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "1000"}
    for i, (description, qty, price, rate) in enumerate(rows):
        data.update({f"lines-{i}-description": description, f"lines-{i}-quantity": qty,
                     f"lines-{i}-unit": "HUR", f"lines-{i}-unit_price": price,
                     f"lines-{i}-vat_rate": rate})
    return data


HEADER = {"currency": "EUR", "language": "de", "tax_treatment": "domestic",
          "payment_term_days": "14", "intro_text": "", "closing_text": "",
          "service_start": "2026-11-01", "service_end": "2026-11-30"}


def test_writing_and_issuing_a_draft(owner_http, kunde):
    response = owner_http.post("/invoices/new/", {"client": kunde.pk})
    invoice = Invoice.objects.get()
    assert response["Location"] == f"/invoices/{invoice.pk}/"
    owner_http.post(f"/invoices/{invoice.pk}/", {**HEADER, **_lines(
        ("Copywriting", "10", "85", "19.00"), ("Proofreading", "2", "40", "7.00"))})
    page = owner_http.get(f"/invoices/{invoice.pk}/").content.decode()
    assert "Copywriting" in page and "€1,097.10" in page
    response = owner_http.post(f"/invoices/{invoice.pk}/issue/", follow=True)
    invoice.refresh_from_db()
    assert invoice.state == "issued" and invoice.number.startswith("RE-")
    assert invoice.gross_total == Decimal("1097.10")
    assert f"Invoice {invoice.number} issued." in response.content.decode()


def test_lines_with_bad_numbers_get_errors_and_change_nothing(owner_http, kunde):
    invoice = services.new_draft(kunde.workspace, kunde)
    response = owner_http.post(f"/invoices/{invoice.pk}/", {**HEADER, **_lines(
        ("Copywriting", "ten", "85", "19.00"))})
    assert response.status_code == 200
    assert response.context["formset"].errors[0]["quantity"]
    assert not invoice.lines.exists()


def test_issuing_an_incomplete_invoice_says_what_is_missing(owner_http, workspace):
    client = billable_client(workspace, street="")
    invoice = services.new_draft(workspace, client)
    page = owner_http.post(f"/invoices/{invoice.pk}/issue/", follow=True).content.decode()
    assert "The invoice has no lines." in page and "business address" in page
    invoice.refresh_from_db()
    assert invoice.is_draft


def test_an_issued_invoice_page_offers_no_editing(owner_http, kunde):
    invoice = services.new_draft(kunde.workspace, kunde)
    services.add_line(invoice, "Text", 1, 100)
    invoice = services.issue(invoice)
    response = owner_http.post(f"/invoices/{invoice.pk}/", {**HEADER, **_lines(
        ("Changed", "1", "1", "19.00"))})
    assert response.status_code == 200  # shown, not edited
    invoice.refresh_from_db()
    assert invoice.lines.get().description == "Text"
    assert owner_http.get(f"/invoices/{invoice.pk}/delete/", follow=True).status_code == 200
    assert Invoice.objects.filter(pk=invoice.pk).exists()


def test_recording_payments_updates_status_and_balance(owner_http, kunde):
    invoice = services.new_draft(kunde.workspace, kunde)
    services.add_line(invoice, "Text", 1, 100)
    invoice = services.issue(invoice)
    owner_http.post(f"/invoices/{invoice.pk}/payments/new/",
                    {"amount": "50.00", "paid_on": "2026-11-20"})
    page = owner_http.get(f"/invoices/{invoice.pk}/")
    assert page.context["invoice"].payment_status() == "partially_paid"
    owner_http.post(f"/invoices/{invoice.pk}/payments/new/",
                    {"amount": "69.00", "paid_on": "2026-11-21"})
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.payment_status() == "paid" and invoice.balance() == 0
    bad = owner_http.post(f"/invoices/{invoice.pk}/payments/new/",
                          {"amount": "-5", "paid_on": "2026-11-21"}, follow=True)
    assert "Amount" in bad.content.decode()
    assert invoice.payments.count() == 2


def test_cancelling_asks_first_then_issues_a_cancellation(owner_http, kunde):
    invoice = services.new_draft(kunde.workspace, kunde)
    services.add_line(invoice, "Text", 1, 100)
    invoice = services.issue(invoice)
    assert "cannot be undone" in owner_http.get(f"/invoices/{invoice.pk}/cancel/").content.decode()
    response = owner_http.post(f"/invoices/{invoice.pk}/cancel/")
    storno = Invoice.objects.get(kind="cancellation")
    assert response["Location"] == f"/invoices/{storno.pk}/"
    invoice.refresh_from_db()
    assert invoice.state == "cancelled"


def test_deposit_and_final_from_the_project(owner_http, kunde):
    project = project_for(kunde, "3000.00")
    owner_http.post(f"/invoices/from-project/{project.pk}/deposit/")
    deposit = Invoice.objects.get(kind="deposit")
    assert deposit.lines.get().unit_price == Decimal("1500.00")
    owner_http.post(f"/invoices/from-project/{project.pk}/final/")
    assert Invoice.objects.get(kind="final").lines.get().unit_price == Decimal("3000.00")


def test_client_links_can_be_created_and_revoked(owner_http, kunde):
    invoice = services.new_draft(kunde.workspace, kunde)
    services.add_line(invoice, "Text", 1, 100)
    invoice = services.issue(invoice)
    owner_http.post(f"/invoices/{invoice.pk}/links/new/")
    link = PortalLink.objects.get()
    assert link.expires_at > timezone.now() + dt.timedelta(days=59)
    assert link.token in owner_http.get(f"/invoices/{invoice.pk}/").content.decode()
    owner_http.post(f"/invoices/{invoice.pk}/links/{link.pk}/revoke/")
    link.refresh_from_db()
    assert link.revoked_at is not None and not link.is_usable()


def test_billing_settings_validate_the_iban(owner_http, kunde):
    data = {"number_format": "RE-{YYYY}-{seq:04}", "payment_term_days": "14",
            "tax_regime": "standard", "account_holder": "", "iban": "DE00 1234",
            "bic": "", "bank_name": "", "deposit_percent": "50", "retainer_day": "25",
            "footer_text": ""}
    response = owner_http.post("/invoices/settings/", data)
    assert "This IBAN is not valid" in response.content.decode()
    owner_http.post("/invoices/settings/", {**data, "iban": "de89 3704 0044 0532 0130 00"})
    assert BillingSettings.objects.get().iban == "DE89370400440532013000"


def test_the_settings_page_names_a_bad_number_placeholder_instead_of_failing(owner_http, kunde):
    data = {"number_format": "RE-{seq.foo}", "payment_term_days": "14",
            "tax_regime": "standard", "account_holder": "", "iban": "",
            "bic": "", "bank_name": "", "deposit_percent": "50", "retainer_day": "25",
            "footer_text": ""}
    response = owner_http.post("/invoices/settings/", data)
    assert response.status_code == 200
    assert "is not a valid placeholder" in response.content.decode()
    assert BillingSettings.objects.get().number_format != "RE-{seq.foo}"


def test_held_deliverables_show_on_the_dashboard_until_paid(owner_http, kunde):
    project = project_for(kunde, "1000.00")
    invoice = services.issue(services.create_deposit_invoice(project))
    item = Deliverable.objects.create(workspace=kunde.workspace, project=project,
                                      name="Final brochure PDF", status="finished")
    page = owner_http.get("/").content.decode()
    assert "Final brochure PDF" in page and invoice.number in page
    refused = owner_http.post(f"/invoices/projects/{project.pk}/deliverables/{item.pk}/status/",
                              {"status": "released"}, follow=True)
    assert "Held until" in refused.content.decode()
    services.record_payment(invoice, invoice.amount_due)
    assert "Final brochure PDF" not in owner_http.get("/").content.decode()
    owner_http.post(f"/invoices/projects/{project.pk}/deliverables/{item.pk}/status/",
                    {"status": "released"})
    item.refresh_from_db()
    assert item.status == "released"


def test_the_invoice_list_filters_by_status(owner_http, kunde):
    paid = services.new_draft(kunde.workspace, kunde)
    services.add_line(paid, "Paid work", 1, 100)
    paid = services.issue(paid)
    services.record_payment(paid, paid.amount_due)
    open_ = services.new_draft(kunde.workspace, kunde)
    services.add_line(open_, "Open work", 1, 100)
    open_ = services.issue(open_)
    page = owner_http.get("/invoices/?status=open").content.decode()
    assert open_.number in page and paid.number not in page


def test_deleting_a_draft_gives_its_pending_fees_back(owner_http, kunde):
    from rapport.billing.models import PendingFee

    fee = PendingFee.objects.create(workspace=kunde.workspace, client=kunde, amount="90.00",
                                    description="No-show on 3 March")
    draft = services.new_draft(kunde.workspace, kunde)
    owner_http.post(f"/invoices/{draft.pk}/delete/")
    fee.refresh_from_db()
    assert fee.invoice_id is None and fee.invoiced_at is None


def _png() -> bytes:
    import io

    from PIL import Image  # comes with WeasyPrint

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (30, 80, 140)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_logo_is_checked_and_printed_on_issued_invoices(owner_http, kunde, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from rapport.billing.documents.pdf import render_html

    settings.MEDIA_ROOT = tmp_path
    data = {"number_format": "RE-{YYYY}-{seq:04}", "payment_term_days": "14",
            "tax_regime": "standard", "account_holder": "", "iban": "DE89370400440532013000",
            "bic": "", "bank_name": "", "deposit_percent": "50", "retainer_day": "25",
            "footer_text": ""}
    fake = SimpleUploadedFile("logo.png", b"GIF89a not a png", content_type="image/png")
    response = owner_http.post("/invoices/settings/", {**data, "logo": fake})
    assert "must be a PNG or JPEG" in response.content.decode()
    logo = SimpleUploadedFile("logo.png", _png(), content_type="image/png")
    assert owner_http.post("/invoices/settings/", {**data, "logo": logo}).status_code == 302
    invoice = services.new_draft(kunde.workspace, kunde)
    services.add_line(invoice, "Text", 1, 100)
    invoice = services.issue(invoice)
    assert invoice.seller["logo"].startswith("data:image/png;base64,")
    assert 'class="logo"' in render_html(invoice)
    from rapport.billing.documents import render_pdf

    assert render_pdf(invoice).startswith(b"%PDF")


def test_a_german_invoice_in_the_english_ui_marks_its_own_words_as_german(owner_http, kunde):
    invoice = services.new_draft(kunde.workspace, kunde)
    invoice.language, invoice.intro_text = "de", "Vielen Dank für Ihren Auftrag."
    invoice.save(update_fields=["language", "intro_text"])
    services.add_line(invoice, "Lektorat Herbstprogramm", 1, "80.00")
    page = owner_http.get(f"/invoices/{invoice.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<p lang="de">Vielen Dank für Ihren Auftrag.</p>' in page
    assert '<td lang="de">Lektorat Herbstprogramm</td>' in page
