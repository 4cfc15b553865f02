"""Set a policy, see the next reminder, send it, take a promise, watch the next one move."""

import datetime as dt

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from rapport.billing import services as billing
from rapport.clients.models import Contact
from rapport.clients.services import set_contact_emails
from rapport.core import clock
from rapport.dunning.services import working_day
from tests.billing.factories import billable_client, make_billable
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_policy_reminder_promise(page, django_user_model, mailoutbox):
    user = django_user_model.objects.create_user("lena@example.com", PASSWORD, language="en")
    workspace = make_billable(make_workspace(user, name="Lena Hoffmann Text"))
    client = billable_client(workspace, "Möbelmanufaktur Brandt KG")
    contact = Contact.objects.create(workspace=workspace, client=client, name="Herr Brandt")
    set_contact_emails(contact, ["buchhaltung@brandt.example"])
    invoice = billing.new_draft(workspace, client)
    billing.add_line(invoice, "Produkttexte", 1, "1000.00")
    # A working day (reminders go out on those only), whatever day the test runs on.
    today = working_day(workspace, timezone.localdate(timezone=workspace.tz))
    with clock.travel(today):
        _policy_reminder_promise(page, workspace, invoice, today, mailoutbox)


def _policy_reminder_promise(page, workspace, invoice, today, mailoutbox):
    invoice = billing.issue(invoice, today - dt.timedelta(days=20))  # due 6 days ago

    log_in(page, "lena@example.com")

    # The policy: the payment reminder goes out 5 days after the due date.
    page.get_by_role("link", name="Invoices", exact=True).click()
    page.get_by_role("link", name="Reminder policy").click()
    page.locator("#id_levels-1-delay_days").fill("5")
    page.get_by_role("button", name="Save policy").click()
    expect(page.get_by_text("Reminder policy saved.")).to_be_visible()

    # The overdue invoice shows what happens next.
    page.goto(f"{page.base_url}{invoice.get_absolute_url()}")
    expect(page.get_by_test_id("next-reminder")).to_contain_text("Next: Payment reminder on")

    # The tick runs: the reminder goes out and lands on the timeline.
    page.get_by_test_id("run-now").click()
    expect(page.get_by_text("1 reminder was due; 1 sent.")).to_be_visible()
    expect(page.locator("#reminders .timeline")).to_contain_text("Zahlungserinnerung")
    expect(page.locator("#reminders .timeline")).to_contain_text("Sent")
    assert mailoutbox[0].to == ["buchhaltung@brandt.example"]

    # A promise: the next reminder waits until the day after the promised date.
    pay_by = today + dt.timedelta(days=10)
    page.get_by_label("Will pay by").fill(pay_by.isoformat())
    page.get_by_label("Note").last.fill("Accounting is on holiday")
    page.get_by_role("button", name="Record promise").click()
    with translation.override("en-gb"):  # the browser asks for British English
        pay_by_text = date_format(pay_by, "SHORT_DATE_FORMAT")
    expect(page.get_by_test_id("reminders-blocked")).to_contain_text(
        f"promised to pay by {pay_by_text}")
    # The day after the promise, or the next working day after it.
    moved = working_day(workspace, pay_by + dt.timedelta(days=1))
    with translation.override("en-gb"):
        moved_text = date_format(moved, "DATE_FORMAT")
    expect(page.get_by_test_id("next-reminder")).to_contain_text(f"First notice on {moved_text}")
    page.locator("#reminders details summary").first.click()
    screenshot(page, "reminders-invoice")
