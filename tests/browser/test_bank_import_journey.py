"""A freelancer uploads the bank's CAMT statement, watches it import, finds a client's
payment among the transactions, and sees a broken file refused with where and why."""

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from rapport.banking.models import BankTransaction
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FILES = Path(__file__).parents[1] / "banking" / "files"


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def test_upload_a_camt_statement_and_find_the_payment(page, django_user_model, tmp_path):
    user = django_user_model.objects.create_user("mara@berg-text.example", PASSWORD,
                                                 language="en")
    make_workspace(user, name="Mara Berg Text")
    log_in(page, "mara@berg-text.example")
    page.get_by_role("link", name="Bank", exact=True).first.click()
    expect(page.get_by_role("heading", name="Import a bank statement")).to_be_visible()

    page.get_by_label("Statement file").set_input_files(str(FILES / "camt053-v08.xml"))
    page.get_by_role("button", name="Import").click()
    run = page.get_by_test_id("bank-import").first
    expect(run.get_by_test_id("bank-import-state")).to_have_text("Queued")
    call_command("worker", "--once")
    # The page polls the import and reloads once it is done.
    expect(page.get_by_test_id("bank-import-counts").first).to_contain_text(
        "5 imported, 0 already known", timeout=10_000)
    expect(page.get_by_test_id("statement-row").first).to_contain_text("camt053-v08.xml")
    table = page.get_by_test_id("bank-transactions")
    expect(table.get_by_test_id("bank-transaction")).to_have_count(5)
    expect(table).to_contain_text("Muster GmbH")
    expect(table).to_contain_text("€1,190.00")
    expect(table).to_contain_text("-€49.90")
    screenshot(page, "bank-statement-imported")

    # The same file again adds nothing.
    page.get_by_label("Statement file").set_input_files(str(FILES / "camt053-v08.xml"))
    page.get_by_role("button", name="Import").click()
    call_command("worker", "--once")
    expect(page.get_by_test_id("bank-import-counts").first).to_contain_text(
        "0 imported, 5 already known", timeout=10_000)
    assert BankTransaction.objects.count() == 5

    # Find the client's payment by its invoice number.
    page.get_by_role("link", name="All transactions").first.click()
    page.get_by_label("Search").fill("RE-2026-0042")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id("bank-result-count")).to_have_text("1 transaction")
    expect(page.get_by_test_id("bank-transaction")).to_contain_text("Rechnung RE-2026-0042")
    screenshot(page, "bank-transactions-filtered")

    # A broken file is refused with the element and the reason; nothing of it is kept.
    broken = tmp_path / "broken.xml"
    broken.write_bytes((FILES / "camt053-v08-next.xml").read_bytes().replace(b">119.00<",
                                                                          b">1l9.00<"))
    page.get_by_role("link", name="Bank", exact=True).first.click()
    page.get_by_label("Statement file").set_input_files(str(broken))
    page.get_by_role("button", name="Import").click()
    call_command("worker", "--once")
    problem = page.get_by_test_id("bank-import-problem").first
    expect(problem).to_contain_text("The file was refused; nothing of it was imported.",
                                    timeout=10_000)
    expect(problem).to_contain_text("Ntry[2]/Amt: “1l9.00” is not an amount.")
    assert BankTransaction.objects.count() == 5
    screenshot(page, "bank-import-refused")

    # The same page in German.
    user.language = "de"
    user.save()
    page.goto(f"{page.base_url}/bank/transactions/")
    expect(page.get_by_role("heading", name="Bankumsätze")).to_be_visible()
    expect(page.get_by_test_id("bank-transactions")).to_contain_text("1.190,00 €")
    screenshot(page, "bank-transactions-german")
