"""From project to paid: deposit invoice, client portal, payment, final invoice."""

import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from rapport.billing.models import Invoice
from tests.billing.factories import billable_client, make_billable
from tests.browser.conftest import SCREENSHOTS, log_in, screenshot
from tests.conftest import PASSWORD, make_workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_deposit_portal_payment_and_final_invoice(page, browser, django_user_model, tmp_path):
    user = django_user_model.objects.create_user("lena@example.com", PASSWORD, language="en")
    workspace = make_billable(make_workspace(user, name="Lena Hoffmann Text"))
    client = billable_client(workspace, "Kranich Verlag GmbH", language="de")
    log_in(page, "lena@example.com")

    # A fixed-price project on the client page.
    page.goto(f"{page.base_url}{client.get_absolute_url()}")
    page.get_by_role("link", name="Add a project").click()
    page.get_by_label("Name").fill("Verlagsvorschau Herbst")
    page.get_by_label("Status").select_option("active")
    page.get_by_label("Rate type").select_option("fixed")
    page.get_by_label("Amount").fill("3000")
    page.get_by_role("button", name="Save project").click()

    # 50 % deposit, issued.
    page.get_by_role("button", name="Deposit invoice").click()
    expect(page.locator(".message.success", has_text="Draft created")).to_be_visible()
    expect(page.locator("table.lines")).to_contain_text("€1,500.00")
    page.get_by_role("button", name="Issue invoice").click()
    expect(page.get_by_text("issued.")).to_be_visible()
    deposit = Invoice.objects.get(kind="deposit")
    expect(page.get_by_role("heading", name=f"Deposit invoice {deposit.number}")).to_be_visible()

    # A client link, opened by the client without an account.
    page.get_by_role("button", name="Create client link").click()
    link = page.get_by_test_id("portal-link").input_value()
    client_context = browser.new_context()
    portal = client_context.new_page()
    portal.goto(link)
    heading = portal.get_by_role("heading", name=f"Anzahlungsrechnung {deposit.number}")
    expect(heading).to_be_visible()
    with portal.expect_download() as download_info:
        portal.get_by_test_id("portal-pdf").click()
    pdf_path = tmp_path / "deposit.pdf"
    download_info.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    screenshot(portal, "invoice-portal")
    client_context.close()
    page.reload()
    expect(page.locator("#portal")).to_contain_text("viewed on")

    # The deposit arrives.
    page.get_by_label("Amount", exact=True).fill("1785.00")
    page.get_by_role("button", name="Record payment").click()
    expect(page.get_by_test_id("payment-status")).to_have_text("Paid")
    screenshot(page, "invoice-deposit-paid")

    # The final invoice deducts the deposit.
    page.goto(f"{page.base_url}{client.get_absolute_url()}")
    page.get_by_role("button", name="Final invoice").click()
    expect(page.locator("table.lines")).to_contain_text(f"Less deposit {deposit.number}")
    page.get_by_role("button", name="Issue invoice").click()
    final = Invoice.objects.get(kind="final")
    assert final.amount_due == final.gross_total - deposit.gross_total
    expect(page.get_by_test_id("balance")).to_contain_text("1,785.00")
    screenshot(page, "invoice-final")

    # The PDF's first page, as the client sees it.
    with page.expect_download() as download_info:
        page.get_by_test_id("download-pdf").click()
    final_pdf = tmp_path / "final.pdf"
    download_info.value.save_as(final_pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile",
                        str(final_pdf), str(SCREENSHOTS / "invoice-final-pdf")], check=True)
    else:
        pytest.fail("pdftoppm is missing: apt-get install poppler-utils")
