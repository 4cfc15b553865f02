"""An invoice's change history and the webhook delivery log, as a user reads them —
in English, then in German."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from rapport.billing import services
from tests.billing.factories import billable_client, make_billable
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_workspace
from tests.webhooks.receiver import Receiver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _worker() -> None:
    call_command("worker", once=True, interval=0)


def test_issuing_and_paying_shows_in_the_history_and_a_webhook_is_logged(
        page, django_user_model, settings):
    settings.RAPPORT_ALLOW_PRIVATE_ADDRESSES = True  # the receiver listens on loopback
    user = django_user_model.objects.create_user("lena@example.com", PASSWORD, language="en",
                                                 name="Lena Hoffmann")
    workspace = make_billable(make_workspace(user, name="Lena Hoffmann Text"))
    client = billable_client(workspace, "Kranich Verlag GmbH")
    draft = services.new_draft(workspace, client)
    services.add_line(draft, "Lektorat Herbstprogramm", 10, 85)
    log_in(page, "lena@example.com")

    with Receiver([500, 200]) as receiver:
        # An endpoint for paid invoices, and a test event that first fails.
        page.goto(f"{page.base_url}/webhooks/")
        page.get_by_label("URL").fill(receiver.url)
        page.get_by_label("Invoice paid in full").check()
        page.get_by_role("button", name="Add endpoint").click()
        expect(page.get_by_text("Endpoint added.")).to_be_visible()
        page.get_by_test_id("send-test").click()
        _worker()
        page.reload()
        log = page.get_by_test_id("delivery-log")
        expect(log).to_contain_text("HTTP 500")
        expect(log).to_contain_text("Failed, will retry")

        # Issue and pay the invoice on its page.
        page.goto(f"{page.base_url}{draft.get_absolute_url()}")
        page.get_by_role("button", name="Issue invoice").click()
        expect(page.get_by_text("issued.")).to_be_visible()
        page.get_by_label("Amount", exact=True).fill("1011.50")
        page.get_by_role("button", name="Record payment").click()
        expect(page.get_by_text("Payment recorded.")).to_be_visible()
        history = page.get_by_test_id("audit-history")
        expect(history).to_contain_text("Invoice issued")
        expect(history).to_contain_text("Draft → Issued")
        expect(history).to_contain_text("Invoice paid in full")
        expect(history).to_contain_text("Lena Hoffmann")
        history.scroll_into_view_if_needed()
        screenshot(page, "audit-invoice-history-en")

        # The worker delivers the paid invoice; the log shows it.
        _worker()
        page.goto(f"{page.base_url}/webhooks/")
        expect(log.locator("tr[data-state=delivered]")).to_contain_text("Invoice paid in full")
        expect(log).to_contain_text("HTTP 200")
        screenshot(page, "webhooks-delivery-log-en")
        paid = [r for r in receiver.received if r.headers["Rapport-Event"] == "invoice.paid"]
        assert len(paid) == 1 and b'"paid_total":"1011.50"' in paid[0].body

        # Redeliver the failed test event: the second answer is 200.
        log.locator("tr[data-state=retrying]").get_by_test_id("redeliver").click()
        expect(page.get_by_text("Delivery queued again.")).to_be_visible()
        _worker()
        page.reload()
        expect(log.locator("tr[data-state=delivered]")).to_have_count(2)

    # The same pages in German.
    page.get_by_role("button", name="DE", exact=True).click()
    expect(page.get_by_role("heading", name="Zustellprotokoll")).to_be_visible()
    expect(log).to_contain_text("Zugestellt")
    screenshot(page, "webhooks-delivery-log-de")
    page.goto(f"{page.base_url}{draft.get_absolute_url()}")
    history = page.get_by_test_id("audit-history")
    expect(history).to_contain_text("Rechnung ausgestellt")
    expect(history).to_contain_text("Entwurf → Ausgestellt")
    expect(history).to_contain_text("Rechnung vollständig bezahlt")
    screenshot(page, "audit-invoice-history-de")

    # The workspace-wide audit log, filtered to invoices.
    page.goto(f"{page.base_url}/audit/?object_type=billing.invoice")
    expect(page.get_by_role("heading", name="Änderungsprotokoll")).to_be_visible()
    expect(page.locator("table.audit-table")).to_contain_text("Rechnung ausgestellt")
    screenshot(page, "audit-log-de")
