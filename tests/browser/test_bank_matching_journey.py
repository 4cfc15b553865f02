"""Upload a CAMT statement; three payments are booked on their own, one suggestion is
confirmed with a click, and the one transfer no invoice fits is assigned by hand."""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from rapport.billing.models import Invoice
from tests.banking.factories import issued, march_statement
from tests.billing.factories import billable_client, make_billable
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_a_statement_is_matched_confirmed_and_assigned_by_hand(page, django_user_model,
                                                               tmp_path):
    user = django_user_model.objects.create_user("lena@hoffmann-text.example", PASSWORD,
                                                 language="en")
    workspace = make_billable(make_workspace(user, name="Hoffmann Text"))
    brandt = billable_client(workspace, "Möbelmanufaktur Brandt KG")
    kranich = billable_client(workspace, "Kranich Verlag GmbH")
    nordlicht = billable_client(workspace, "Nordlicht KG")
    one, two, three = issued(brandt, "1000.00"), issued(kranich, "500.00"), issued(
        nordlicht, "200.00")
    scanned, deposit = issued(brandt, "600.00"), issued(kranich, "300.00")
    statement = tmp_path / "kontoauszug-maerz.xml"
    statement.write_text(march_statement(one, two, three, scanned), encoding="utf-8")

    log_in(page, "lena@hoffmann-text.example")
    page.get_by_role("link", name="Bank", exact=True).first.click()
    page.get_by_label("Statement file").set_input_files(str(statement))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("is being imported")).to_be_visible()
    _run_worker()  # the import, then the matching it hands on
    expect(page.get_by_test_id("bank-import-state").first).to_have_text("Done")
    screenshot(page, "bank-matching-0-imported")
    page.goto(f"{page.base_url}/bank/review/")

    booked, suggested, unmatched = (page.get_by_test_id(name)
                                    for name in ("booked", "suggested", "unmatched"))
    expect(booked.locator("tbody tr")).to_have_count(3)
    expect(booked).to_contain_text(f"Invoice number {one.number} in the purpose.")
    expect(booked).to_contain_text(f"The purpose is the GiroCode reference {two.number}.")
    expect(suggested.locator("tbody tr")).to_have_count(1)
    expect(suggested).to_contain_text(f"reads as invoice number {scanned.number}")
    expect(suggested).to_contain_text("Exactly the open amount (€714.00).")
    expect(unmatched.locator("tbody tr")).to_have_count(1)
    screenshot(page, "bank-matching-1-to-review")
    for invoice in (one, two, three):
        assert Invoice.objects.get(pk=invoice.pk).payment_status() == "paid"

    suggested.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Booked as a payment.")).to_be_visible()
    expect(page.get_by_test_id("suggested")).to_contain_text("Nothing waits for confirmation.")
    assert Invoice.objects.get(pk=scanned.pk).payment_status() == "paid"

    page.get_by_test_id("unmatched").get_by_role("button", name="Assign to invoices").click()
    page.get_by_role("searchbox").fill("Kranich")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id(f"invoice-{deposit.pk}")).to_contain_text("€357.00")
    page.get_by_label(f"Share for {deposit.number}").fill("300.00")
    screenshot(page, "bank-matching-2-assign-by-hand")
    page.get_by_role("button", name="Book as payment").click()
    expect(page.get_by_text("Booked as a payment.")).to_be_visible()
    expect(page.get_by_test_id("unmatched")).to_contain_text(
        "Every transaction is matched or put aside.")
    expect(page.get_by_test_id("booked").locator("tbody tr")).to_have_count(5)
    screenshot(page, "bank-matching-3-all-booked")
    page.get_by_role("button", name="DE", exact=True).click()
    expect(page.get_by_role("heading", name="Zu prüfen")).to_be_visible()
    expect(page.get_by_test_id("booked")).to_contain_text(
        f"Rechnungsnummer {one.number} im Verwendungszweck.")
    expect(page.get_by_test_id("booked")).to_contain_text("Genau der offene Betrag (238,00 €).")
    screenshot(page, "bank-matching-4-german")
    page.get_by_role("button", name="EN", exact=True).click()
    assert Invoice.objects.get(pk=deposit.pk).balance() == Decimal("57.00")

    # The invoice shows the payment from the bank; undo takes it back off.
    page.goto(f"{page.base_url}{deposit.get_absolute_url()}")
    expect(page.locator("main")).to_contain_text("Bank: K. Kranich")
    page.goto(f"{page.base_url}/bank/review/")
    row = page.get_by_test_id("booked").locator("tbody tr").filter(has_text="K. Kranich")
    row.get_by_role("button", name="Undo").click()
    expect(page.get_by_test_id("unmatched")).to_contain_text("Anzahlung Buchprojekt")
    assert Invoice.objects.get(pk=deposit.pk).payments.count() == 0
    assert re.search(r"Booking undone", page.content())
