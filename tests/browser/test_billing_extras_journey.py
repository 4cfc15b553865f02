"""Per-client reminder levels, the invoice logo, and the consumer notice of § 286 (3) BGB."""

import datetime as dt
import io
import re
import shutil
import subprocess

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from rapport.billing import services as billing
from rapport.clients.models import Contact
from rapport.clients.services import set_contact_emails
from rapport.core import clock
from rapport.dunning.services import working_day
from tests.billing.factories import billable_client, make_billable
from tests.browser.conftest import SCREENSHOTS, log_in, screenshot
from tests.conftest import PASSWORD, make_workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOGO_COLOUR = (200, 40, 90)


def _long(day: dt.date) -> str:
    with translation.override("en-gb"):  # the browser asks for British English
        return date_format(day, "DATE_FORMAT")


def _overdue_invoice(workspace, client, email, issued):
    contact = Contact.objects.create(workspace=workspace, client=client, name="Buchhaltung")
    set_contact_emails(contact, [email])
    invoice = billing.new_draft(workspace, client)
    billing.add_line(invoice, "Produkttexte", 1, "1000.00")
    return billing.issue(invoice, issued)  # 14 days to pay


def _issue_in_browser(page, client_name, description, price):
    """Invoices → New invoice → one line → Issue; ends on the issued invoice's page."""
    page.get_by_role("link", name="Invoices", exact=True).click()
    page.get_by_role("button", name="New invoice").click()
    page.get_by_label("Client").select_option(label=client_name)
    page.get_by_role("button", name="Create draft").click()
    page.locator("#id_lines-0-description").fill(description)
    page.locator("#id_lines-0-quantity").fill("1")
    page.locator("#id_lines-0-unit_price").fill(price)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    expect(page.locator("table.lines")).to_contain_text(description)
    page.get_by_role("button", name="Issue invoice").click()
    expect(page.get_by_text("issued.")).to_be_visible()


def _download_pdf(page, path):
    with page.expect_download() as download_info:
        page.get_by_test_id("download-pdf").click()
    download_info.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    return data


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in reader.pages))


def _pdf_page_png(pdf_path, name):
    if not shutil.which("pdftoppm"):
        pytest.fail("pdftoppm is missing: apt-get install poppler-utils")
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf_path), str(SCREENSHOTS / name)], check=True)


def test_a_client_with_its_own_reminder_levels(page, django_user_model, mailoutbox):
    user = django_user_model.objects.create_user("lena@example.com", PASSWORD, language="en")
    workspace = make_billable(make_workspace(user, name="Lena Hoffmann Text"))
    # A working day (Kranich's reminder goes out today), whatever day the test runs on.
    today = working_day(workspace, timezone.localdate(timezone=workspace.tz))
    with clock.travel(today):
        _own_reminder_levels(page, workspace, today, mailoutbox)


def _own_reminder_levels(page, workspace, today, mailoutbox):
    issued = today - dt.timedelta(days=20)  # due 6 days ago
    due = issued + dt.timedelta(days=14)
    brandt = billable_client(workspace, "Möbelmanufaktur Brandt KG")
    kranich = billable_client(workspace, "Kranich Verlag GmbH")
    brandt_invoice = _overdue_invoice(workspace, brandt, "buchhaltung@brandt.example", issued)
    kranich_invoice = _overdue_invoice(workspace, kranich, "rechnung@kranich.example", issued)
    log_in(page, "lena@example.com")

    # Brandt agreed to late fees in the contract: the client's payment terms say so.
    page.goto(f"{page.base_url}{brandt.get_absolute_url()}")
    page.locator("#payment-terms").get_by_role("link", name="Change").click()
    page.locator("#id_late_fees_since").fill(issued.isoformat())
    page.get_by_label("Late fees based on").select_option("agreed")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Payment terms saved.")).to_be_visible()

    # Brandt gets its own levels: a later, paid reminder and a later first notice.
    page.locator("#payment-terms").get_by_role("link", name="Change").click()
    expect(page.get_by_text("This client follows the workspace's policy.")).to_be_visible()
    page.get_by_role("button", name="Give this client its own levels").click()
    expect(page.get_by_text("The client now has its own levels; adjust them here.")).to_be_visible()
    expect(page.get_by_role("heading", name="Reminder levels for Möbelmanufaktur Brandt KG")
           ).to_be_visible()
    page.locator("#id_levels-1-delay_days").fill("10")
    page.locator("#id_levels-1-title_de").fill("Freundliche Zahlungserinnerung")
    page.locator("#id_levels-1-title_en").fill("Polite reminder")
    page.locator("#id_levels-1-fee_kind").select_option("fixed")
    page.locator("#id_levels-1-fee_value").fill("5.00")
    page.get_by_role("button", name="Save policy").click()  # the text does not say so yet
    expect(page.locator("#id_levels-1-body_de").locator("..")).to_contain_text(
        "This level charges a fee")
    for language in ("de", "en"):
        body = page.locator(f"#id_levels-1-body_{language}")
        body.fill(body.input_value() + ("\n\nGebühr: {charges}" if language == "de"
                                        else "\n\nFee: {charges}"))
    page.locator("#id_levels-2-delay_days").fill("21")
    page.locator("#id_levels-2-fee_kind").select_option("fixed")
    page.locator("#id_levels-2-fee_value").fill("15.00")
    page.get_by_role("button", name="Save policy").click()
    expect(page.get_by_text("Reminder policy saved.")).to_be_visible()
    headers = page.locator("form article header")
    expect(headers.nth(1)).to_have_text("Polite reminder · 10 days after the due date")
    expect(headers.nth(2)).to_have_text("First notice · 21 days after the due date")
    expect(page.locator("#id_levels-1-fee_value")).to_have_value("5")  # not "5.00"
    screenshot(page, "billing-extras-client-levels")

    # The workspace's policy is untouched.
    page.get_by_role("link", name="Invoices", exact=True).click()
    page.get_by_role("link", name="Reminder policy").click()
    expect(page.get_by_role("heading", name="Reminder policy")).to_be_visible()
    expect(page.locator("form article header").nth(1)).to_have_text(
        "Payment reminder · 3 days after the due date")
    expect(page.get_by_text("Polite reminder")).to_have_count(0)

    # Kranich follows the workspace: its payment reminder is due today and goes out.
    page.goto(f"{page.base_url}{kranich_invoice.get_absolute_url()}")
    expect(page.get_by_test_id("next-reminder")).to_have_text(
        f"Next: Payment reminder on {_long(working_day(workspace, today))}.")
    page.get_by_test_id("run-now").click()
    expect(page.get_by_text("1 reminder was due; 1 sent.")).to_be_visible()
    expect(page.locator("#reminders .timeline")).to_contain_text("Zahlungserinnerung")
    assert [mail.to for mail in mailoutbox] == [["rechnung@kranich.example"]]

    # Brandt's invoice, just as late, waits for its own level and announces the fee.
    page.goto(f"{page.base_url}{brandt_invoice.get_absolute_url()}")
    expect(page.get_by_test_id("next-reminder")).to_have_text(
        f"Next: Polite reminder on {_long(working_day(workspace, due + dt.timedelta(days=10)))}"
        ", charges €5.00.")
    expect(page.locator("#reminders .timeline")).to_have_text("No reminder so far.")
    screenshot(page, "billing-extras-client-levels-invoice")

    # Four days later the polite reminder goes out with Brandt's fee.
    later = working_day(workspace, due + dt.timedelta(days=10))  # never on a Sunday
    with clock.travel(later):
        page.reload()
        page.get_by_test_id("run-now").click()
        expect(page.get_by_text("1 reminder was due; 1 sent.")).to_be_visible()
        timeline = page.locator("#reminders .timeline li").first
        expect(timeline).to_contain_text(_long(later))
        expect(timeline).to_contain_text("Freundliche Zahlungserinnerung")
        expect(timeline).to_contain_text("Sent")
        expect(timeline).to_contain_text("charges €5.00")
        expect(page.get_by_test_id("next-reminder")).to_have_text(
            f"Next: First notice on {_long(working_day(workspace, due + dt.timedelta(days=21)))}"
            ", charges €15.00.")
        page.locator("#reminders details summary").first.click()
        screenshot(page, "billing-extras-client-levels-sent")
    mail = mailoutbox[-1]
    assert mail.to == ["buchhaltung@brandt.example"]
    assert "Freundliche Zahlungserinnerung" in mail.subject


def _png(path):
    Image.new("RGB", (120, 40), LOGO_COLOUR).save(path, format="PNG")
    return path


def test_an_uploaded_logo_is_printed_on_the_invoice(page, django_user_model, settings,
                                                    tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    user = django_user_model.objects.create_user("lena@example.com", PASSWORD, language="en")
    workspace = make_billable(make_workspace(user, name="Lena Hoffmann Text"))
    client = billable_client(workspace, "Kranich Verlag GmbH")
    before = billing.new_draft(workspace, client)
    billing.add_line(before, "Lektorat", 1, "400.00")
    before = billing.issue(before)
    log_in(page, "lena@example.com")

    # An invoice issued before there was a logo has no image in its PDF.
    page.goto(f"{page.base_url}{before.get_absolute_url()}")
    plain = _download_pdf(page, tmp_path / "before.pdf")
    assert b"/Subtype /Image" not in plain

    # The logo, uploaded in the billing settings.
    page.get_by_role("link", name="Invoices", exact=True).click()
    page.get_by_role("link", name="Billing settings").click()
    page.get_by_label("Logo").set_input_files(str(_png(tmp_path / "lena-logo.png")))
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Billing settings saved.")).to_be_visible()
    logo_field = page.locator(".field", has=page.get_by_label("Logo"))
    expect(logo_field).to_contain_text("Currently:")
    preview = logo_field.get_by_test_id("logo-preview")  # shown inline: files have no URL
    expect(preview).to_be_visible()
    expect(preview).to_have_attribute("src", re.compile(r"^data:image/png;base64,"))
    screenshot(page, "billing-extras-logo-settings")

    # A new invoice carries the logo.
    _issue_in_browser(page, "Kranich Verlag GmbH", "Korrektorat Herbstprogramm", "650.00")
    screenshot(page, "billing-extras-logo-invoice")
    pdf_path = tmp_path / "with-logo.pdf"
    data = _download_pdf(page, pdf_path)
    assert b"/Subtype /Image" in data
    images = PdfReader(io.BytesIO(data)).pages[0].images
    assert len(images) == 1
    logo = images[0].image.convert("RGB")
    assert logo.size == (120, 40)
    assert logo.getpixel((60, 20)) == LOGO_COLOUR
    _pdf_page_png(pdf_path, "billing-extras-logo-pdf")

    # The earlier invoice keeps the look it was issued with.
    page.goto(f"{page.base_url}{before.get_absolute_url()}")
    assert b"/Subtype /Image" not in _download_pdf(page, tmp_path / "before-again.pdf")


NOTICE_DE = ("Erfolgt keine Zahlung, geraten Sie spätestens 30 Tage nach Fälligkeit und "
             "Zugang dieser Rechnung in Verzug (§ 286 Abs. 3 BGB).")


def test_consumers_are_told_when_they_fall_into_default(page, django_user_model, tmp_path):
    user = django_user_model.objects.create_user("lena@example.com", PASSWORD, language="en")
    workspace = make_billable(make_workspace(user, name="Lena Hoffmann Text"))
    billable_client(workspace, "Kranich Verlag GmbH")
    log_in(page, "lena@example.com")

    # A private person as a client.
    page.get_by_role("link", name="Clients", exact=True).click()
    page.get_by_role("button", name="Add a client").click()
    page.get_by_label("Kind").select_option(label="Person")
    page.get_by_label("Name").fill("Annette Sommer")
    page.get_by_label("Language").select_option("de")
    page.get_by_label("Street").fill("Lindenweg 7")
    page.get_by_label("Postal code").fill("14467")
    page.get_by_label("City").fill("Potsdam")
    page.get_by_role("button", name="Save client").click()
    expect(page.get_by_role("heading", name="Annette Sommer")).to_be_visible()
    expect(page.locator("hgroup p")).to_contain_text("Person")

    # Her invoice tells her when she falls into default.
    _issue_in_browser(page, "Annette Sommer", "Familienchronik, Lektorat", "480.00")
    screenshot(page, "billing-extras-consumer-invoice")
    consumer_pdf = tmp_path / "consumer.pdf"
    text = _pdf_text(_download_pdf(page, consumer_pdf))
    assert NOTICE_DE in text
    _pdf_page_png(consumer_pdf, "billing-extras-consumer-pdf")

    # A company's invoice does not.
    _issue_in_browser(page, "Kranich Verlag GmbH", "Verlagsvorschau", "1200.00")
    text = _pdf_text(_download_pdf(page, tmp_path / "business.pdf"))
    assert "§ 286" not in text
    assert "Verzug" not in text
    assert "Verlagsvorschau" in text
