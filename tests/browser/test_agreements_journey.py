"""From proposal to binding contract: change request, version 2, acceptance, deposit."""

import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from rapport.agreements.models import Acceptance, Contract
from rapport.billing.models import Invoice
from rapport.clients.models import Client
from rapport.dunning.services import terms_for
from tests.billing.factories import billable_client, make_billable
from tests.billing.smtp import smtp_server  # noqa: F401
from tests.browser.conftest import SCREENSHOTS, log_in, screenshot
from tests.conftest import PASSWORD, make_workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_proposal_change_request_acceptance_contract_and_deposit(
    page, browser, django_user_model, tmp_path, smtp_server  # noqa: F811
):
    if not (shutil.which("pdftotext") and shutil.which("pdftoppm")):
        pytest.fail("pdftotext/pdftoppm are missing: apt-get install poppler-utils")
    user = django_user_model.objects.create_user("lena@example.com", PASSWORD, language="en",
                                                 name="Lena Hoffmann")
    workspace = make_billable(make_workspace(user, name="Lena Hoffmann Text"))
    client = billable_client(workspace, "Kranich Verlag GmbH", language="en")
    log_in(page, "lena@example.com")

    # Write the proposal from the shipped English template.
    page.goto(f"{page.base_url}/proposals/")
    page.get_by_role("button", name="New proposal").click()
    page.get_by_label("Client").select_option(str(client.pk))
    page.get_by_label("Title").fill("Autumn catalogue texts")
    page.get_by_label("Template").select_option("shipped:en")
    page.get_by_role("button", name="Create proposal").click()
    page.get_by_label("Amount", exact=True).fill("3000")
    page.get_by_label("Deposit (%)").fill("50")
    page.get_by_label("Include late-fee terms").check()
    page.get_by_label("Deliverables (one per line, with specifics)").fill(
        "Catalogue texts for 40 titles, 600–900 characters each\nOne editorial of 4,000 characters")
    page.get_by_role("button", name="Save proposal").click()
    expect(page.get_by_text("Proposal saved.")).to_be_visible()
    page.get_by_role("button", name="Send to client").click()
    page.get_by_label("To", exact=True).fill("klara@kranich.example")
    page.get_by_label("Send to new addresses too").check()
    page.get_by_role("button", name="Send by email").click()
    expect(page.get_by_text("Proposal sent by email")).to_be_visible()
    assert len(smtp_server.messages) == 1
    link = page.get_by_test_id("portal-link").input_value()

    # The client, logged out, reads it and asks for a change.
    client_context = browser.new_context(viewport={"width": 1100, "height": 900},
                                         user_agent="KranichBrowser/1.0")
    portal = client_context.new_page()
    portal.set_default_timeout(10_000)
    portal.goto(link)
    expect(portal.get_by_role("heading", name="Proposal: Autumn catalogue texts")).to_be_visible()
    expect(portal.get_by_text("Version 1")).to_be_visible()
    portal.get_by_text("Request changes").click()
    portal.get_by_label("What should change?").fill("Please add captions for 10 images.")
    portal.get_by_role("button", name="Send change request").click()
    expect(portal.get_by_text("your request was sent")).to_be_visible()

    # The user sees the request and edits: version 2.
    page.reload()
    expect(page.get_by_test_id("comments")).to_contain_text("captions for 10 images")
    expect(page.get_by_test_id("proposal-status")).to_have_text("Changes requested")
    page.get_by_role("button", name="Edit").click()
    deliverables = page.get_by_label("Deliverables (one per line, with specifics)")
    deliverables.fill(deliverables.input_value() + "\nCaptions for 10 images, up to 200 characters")
    page.get_by_role("button", name="Save proposal").click()
    expect(page.get_by_text("Saved as version 2")).to_be_visible()

    # The client reloads, sees version 2 and accepts it.
    portal.goto(link)
    expect(portal.get_by_text("Version 2")).to_be_visible()
    expect(portal.get_by_test_id("document")).to_contain_text("Captions for 10 images")
    portal.get_by_label("Your full name").fill("Klara Kranich")
    portal.get_by_label("I accept this proposal").check()
    screenshot(portal, "agreements-portal")
    portal.get_by_role("button", name="Accept").click()
    expect(portal.get_by_test_id("accepted")).to_contain_text("Accepted by Klara Kranich")
    screenshot(portal, "agreements-portal-accepted")
    client_context.close()

    acceptance = Acceptance.objects.get()
    assert acceptance.version.number == 2 and acceptance.user_agent == "KranichBrowser/1.0"
    assert acceptance.sha256 == acceptance.version.sha256

    # The contract, countersigned, as PDF with the acceptance record.
    page.reload()
    page.get_by_role("button", name="Contract", exact=True).click()
    page.get_by_label("I countersign this contract.").check()
    page.get_by_role("button", name="Countersign").click()
    expect(page.get_by_test_id("countersigned")).to_contain_text("Lena Hoffmann")
    contract = Contract.objects.get()
    pdf = page.request.get(f"{page.base_url}/proposals/contracts/{contract.pk}/pdf/").body()
    pdf_path = tmp_path / "contract.pdf"
    pdf_path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, check=True,
                          text=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    last = pages[-1]
    assert "contract — binding" in pages[0].lower()
    assert "Acceptance record" in last and "Klara Kranich" in last
    assert "KranichBrowser/1.0" in last and "version 2" in last
    assert acceptance.sha256[:40] in last.replace("\n", "").replace(" ", "")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf_path), str(SCREENSHOTS / "agreements-contract-pdf")], check=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(len(pages)), "-l",
                    str(len(pages)), "-singlefile", str(pdf_path),
                    str(SCREENSHOTS / "agreements-contract-pdf-last")], check=True)

    # Acceptance set things in motion.
    deposit = Invoice.objects.get(kind=Invoice.Kind.DEPOSIT)
    assert deposit.is_draft and deposit.project == contract.project
    assert deposit.lines.get().unit_price == 1500
    assert terms_for(client).late_fees_source == "agreed"
    assert Client.objects.get(pk=client.pk).status == Client.Status.ACTIVE
    page.goto(f"{page.base_url}{deposit.get_absolute_url()}")
    expect(page.locator("table.lines")).to_contain_text("1,500.00")
    screenshot(page, "agreements-deposit-draft")
