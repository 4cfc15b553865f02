"""A new user goes from sign-up to the first invoice sent by email by following only the
first steps on the dashboard; the test SMTP server receives it."""

import pytest
from playwright.sync_api import expect

from rapport.billing.models import Invoice
from rapport.clients.models import Client
from tests.billing.smtp import smtp_server  # noqa: F401
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def step(page, key):
    return page.get_by_test_id(f"onboarding-{key}")


def test_a_new_user_sends_the_first_invoice_following_only_the_checklist(
        page, smtp_server):  # noqa: F811
    base = page.base_url
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label("Name").fill("Mara Berg")
    page.get_by_label("Email address").fill("mara@example.com")
    page.get_by_label("Password", exact=True).fill("a long enough passphrase")
    page.get_by_label("Password confirmation").fill("a long enough passphrase")
    page.get_by_role("button", name="Sign up").click()
    page.get_by_label("Business name").fill("Mara Berg Text")
    page.get_by_role("button", name="Create workspace").click()

    # Five open steps, none done.
    checklist = page.get_by_test_id("onboarding")
    expect(checklist).to_contain_text("0 of 5 done")
    screenshot(page, "onboarding-1-fresh-dashboard")

    # 1. Business data.
    step(page, "business").get_by_role("link").click()
    page.get_by_label("Street and number").fill("Lindenweg 7")
    page.get_by_label("Postal code").fill("10115")
    page.get_by_label("City").fill("Berlin")
    page.get_by_label("Tax number").fill("11/222/33333")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()  # back on the dashboard
    expect(step(page, "business")).to_have_attribute("data-done", "true")
    expect(checklist).to_contain_text("1 of 5 done")

    # 2. Bank account and tax regime.
    step(page, "bank").get_by_role("link").click()
    page.get_by_label("Tax regime").select_option("small_business")
    page.get_by_label("IBAN").fill("DE89 3704 0044 0532 0130 00")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Billing settings saved.")).to_be_visible()
    expect(step(page, "bank")).to_have_attribute("data-done", "true")
    screenshot(page, "onboarding-2-two-steps-done")

    # 3. The first client, already working together (asked, yes by default).
    step(page, "client").get_by_role("link").click()
    expect(page.get_by_label("Already working together?")).to_be_checked()
    page.get_by_label("Name").fill("Kranich Verlag")
    page.get_by_label("Street").fill("Am Hafen 3")
    page.get_by_label("Postal code").fill("20457")
    page.get_by_label("City").fill("Hamburg")
    screenshot(page, "onboarding-3-client-form")
    page.get_by_role("button", name="Save client").click()
    expect(page.get_by_role("heading", name="Kranich Verlag")).to_be_visible()
    assert Client.objects.get(name="Kranich Verlag").status == "active"
    page.get_by_role("link", name="Dashboard").first.click()
    expect(step(page, "client")).to_have_attribute("data-done", "true")

    # 4. The first invoice: the client is chosen already.
    step(page, "document").get_by_role("link").first.click()
    expect(page.get_by_label("Client")).to_have_value(
        str(Client.objects.get(name="Kranich Verlag").pk))
    page.get_by_role("button", name="Create draft").click()
    page.locator("#id_lines-0-description").fill("Lektorat Herbstprogramm")
    page.locator("#id_lines-0-quantity").fill("1")
    page.locator("#id_lines-0-unit_price").fill("1200.00")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    # Issuing cannot be undone, so it asks first; "no" leaves the draft alone.
    questions = []
    page.on("dialog", lambda dialog: questions.append(dialog.message))
    page.dismiss_dialogs = True
    page.get_by_role("button", name="Issue invoice").click()
    expect(page.get_by_role("button", name="Save draft")).to_be_visible()
    assert questions and "cancellation invoice" in questions[0]
    assert Invoice.objects.get().state == Invoice.State.DRAFT
    page.dismiss_dialogs = False
    page.get_by_role("button", name="Issue invoice").click()
    expect(page.get_by_text("issued.")).to_be_visible()
    assert len(questions) == 2
    invoice = Invoice.objects.get()
    assert invoice.state == Invoice.State.ISSUED and invoice.tax_treatment == "small_business"
    screenshot(page, "onboarding-4-first-invoice")

    # 5. Send it: the email is shown first and can be changed; the PDF goes along.
    page.get_by_label("To").fill("ida@kranich.example")
    thanks = "Thank you for working with me on the autumn list!"
    page.get_by_label("Personal message").fill(thanks)
    page.get_by_role("button", name="Preview the email").click()
    subject = page.get_by_label("Subject")
    expect(subject).to_have_value(f"Invoice {invoice.number} from Mara Berg Text")
    body = page.get_by_label("Text")
    expect(body).to_contain_text(thanks)
    expect(body).to_contain_text(f"{base}/p/")  # the client link, as it will leave
    screenshot(page, "onboarding-5-email-preview")
    changed = f"Your invoice {invoice.number} – copy editing, autumn list"
    subject.fill(changed)
    page.get_by_label("Send to new addresses too").check()  # Ida is not a contact yet
    page.get_by_role("button", name="Send invoice").click()
    expect(page.get_by_text("Invoice sent to ida@kranich.example.")).to_be_visible()
    [sent] = [d for d in smtp_server.deliveries if d.rcpt_tos == ["ida@kranich.example"]]
    assert sent.message["Subject"].strip() == changed
    content = sent.message.get_body(preferencelist=("plain",)).get_content()
    assert thanks in content
    [pdf] = list(sent.message.iter_attachments())
    assert pdf.get_filename() == f"{invoice.number}.pdf"
    assert pdf.get_content().startswith(b"%PDF")
    invoice.refresh_from_db()
    assert invoice.sent_at is not None
    screenshot(page, "onboarding-6-invoice-sent")

    # Only the mail step is left; the checklist is still there to finish or hide.
    page.get_by_role("link", name="Dashboard").first.click()
    expect(checklist).to_contain_text("4 of 5 done")
    expect(step(page, "mail").get_by_role("link")).to_have_attribute("href",
                                                                     "/inbox/accounts/new/")
    screenshot(page, "onboarding-7-mail-left")
    page.get_by_role("button", name="DE", exact=True).click()
    expect(page.get_by_test_id("onboarding")).to_contain_text("Erste Schritte")
    expect(page.get_by_test_id("onboarding")).to_contain_text("4 von 5 erledigt")
    screenshot(page, "onboarding-8-german")
    page.get_by_test_id("onboarding-hide").click()
    expect(page.get_by_test_id("onboarding")).to_have_count(0)
