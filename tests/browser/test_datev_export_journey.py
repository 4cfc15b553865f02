"""A freelancer sets up the tax adviser's DATEV numbers and downloads the Buchungsstapel
from the invoice export page; then saves a CSV column mapping for a bank without preset."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from rapport.billing import services
from tests.billing.factories import billable_client, make_billable
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_set_up_datev_and_download_the_buchungsstapel(page, django_user_model):
    user = django_user_model.objects.create_user("mara@berg-text.example", PASSWORD,
                                                 language="en")
    workspace = make_billable(make_workspace(user, name="Mara Berg Text"))
    draft = services.new_draft(workspace, billable_client(workspace))
    services.add_line(draft, "Website texts", 1, "1000.00")
    invoice = services.issue(draft, today=dt.date(2026, 3, 10))
    services.record_payment(invoice, Decimal("1190.00"), paid_on=dt.date(2026, 3, 20))
    log_in(page, "mara@berg-text.example")

    page.goto(f"{page.base_url}/invoices/export/")
    page.get_by_test_id("datev-link").click()
    expect(page.get_by_test_id("datev-accounts")).to_contain_text("SKR 03")
    page.get_by_role("link", name="Change settings").click()
    page.get_by_label("Chart of accounts").select_option("04")
    page.get_by_label("Consultant number").fill("29098")
    page.get_by_label("Client number").fill("55003")
    screenshot(page, "datev-settings")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("DATEV settings saved.")).to_be_visible()
    expect(page.get_by_test_id("datev-accounts")).to_contain_text(
        "SKR 04, consultant 29098, client 55003")
    expect(page.get_by_test_id("datev-accounts")).to_contain_text("Revenue 4400")

    page.get_by_label("From").fill("2026-01-01")
    page.get_by_label("Until").fill("2026-12-31")
    screenshot(page, "datev-export")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download DATEV file").click()
    assert download.value.suggested_filename == "EXTF_Buchungsstapel_20260101_20261231.csv"
    content = Path(download.value.path()).read_bytes().decode("cp1252").split("\r\n")
    assert content[0].startswith('"EXTF";700;21;"Buchungsstapel";13;')
    assert ";29098;55003;20260101;4;20260101;20261231;" in content[0]
    assert content[2].startswith(f'1190,00;"S";"EUR";;;;10000;4400;;1003;"{invoice.number}"')
    assert content[3].startswith(f'1190,00;"S";"EUR";;;;1800;10000;;2003;"{invoice.number}"')

    # A bank without preset: save which column holds what.
    page.get_by_role("link", name="Bank", exact=True).first.click()
    page.get_by_role("link", name="CSV column mappings").click()
    page.get_by_role("button", name="New column mapping").click()
    page.get_by_label("Name").fill("Hausbank")
    page.get_by_label("Column: booking date").fill("Datum")
    page.get_by_label("Column: amount").fill("Wert")
    page.get_by_label("Column: counterparty", exact=True).fill("Partner")
    screenshot(page, "bank-csv-mapping")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Column mapping “Hausbank” saved.")).to_be_visible()
    expect(page.get_by_role("link", name="Hausbank")).to_be_visible()
