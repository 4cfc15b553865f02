"""Small things a user notices: a legend for the status colours, the call log returns to
the client page, feedback after dismissing a signal and after sending a script, grouped
time zones without retired names, and the budget's currency in the questionnaire."""

import pytest
from playwright.sync_api import expect

from rapport.clients.models import Contact
from rapport.clients.services import set_contact_emails
from rapport.comms.models import MeetingLog
from rapport.intake import services as intake
from rapport.signals import services as signals
from tests.billing.smtp import smtp_server  # noqa: F401
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_client, make_workspace
from tests.signals.helpers import at, message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_legend_call_log_feedback_time_zones_and_currency(page, django_user_model,
                                                          smtp_server):  # noqa: F811
    user = django_user_model.objects.create_user("mara@berg-text.example", PASSWORD,
                                                 language="en", name="Mara Berg")
    workspace = make_workspace(user, name="Mara Berg Text")
    client = make_client(workspace, "Feinkost Valentin", language="en")
    karin = Contact.objects.create(workspace=workspace, client=client, name="Karin")
    set_contact_emails(karin, ["karin@valentin.example"])
    msg = message(workspace, client, "Hallo,\n\nDas ist uns zu teuer.\n\nGruß\nKarin",
                  at(2026, 11, 4, 10))
    signals.detect_for_message(msg)
    interview = intake.create_prospect(workspace, name="Radwerk eG", language="en", by=user)
    log_in(page, "mara@berg-text.example")

    # The client page explains its coloured badges.
    page.goto(f"{page.base_url}{client.get_absolute_url()}")
    page.get_by_test_id("legend-client").locator("summary").click()
    expect(page.get_by_test_id("legend-client")).to_contain_text(
        "you are working together; counts in health")
    screenshot(page, "polish-1-legend")

    # The call log, opened on the client page, comes back to the client page.
    page.get_by_role("button", name="Log a call").click()
    page.get_by_label("Actual minutes").fill("40")
    page.get_by_label("Minutes on the agenda").fill("30")
    page.get_by_label("Minutes off topic").fill("10")
    page.get_by_role("button", name="Save the log").click()
    expect(page.get_by_text("Meeting logged.")).to_be_visible()
    assert page.url.endswith(client.get_absolute_url())
    assert MeetingLog.objects.get().actual_minutes == 40
    screenshot(page, "polish-2-call-logged-back-on-client")

    # Dismissing a signal says what happened.
    page.goto(f"{page.base_url}/signals/clients/{client.pk}/")
    page.get_by_role("button", name="Not a red flag").first.click()
    expect(page.get_by_text("Marked as not a red flag. It no longer counts.")).to_be_visible()
    screenshot(page, "polish-3-signal-dismissed")

    # Sending a script says so, and the mail arrived.
    page.goto(f"{page.base_url}/health/clients/{client.pk}/script/?key=check_in&language=en")
    page.get_by_role("button", name="Send by email").click()
    expect(page.get_by_text("Sent and recorded on the client's timeline.")).to_be_visible()
    assert [d.rcpt_tos for d in smtp_server.deliveries] == [["karin@valentin.example"]]
    screenshot(page, "polish-4-script-sent")

    # Time zones: grouped by region, current names only.
    page.get_by_text("Mara Berg Text").first.click()
    page.get_by_role("link", name="Workspace settings").click()
    zone = page.get_by_label("Time zone")
    expect(zone.locator('optgroup[label="Europe"] option[value="Europe/Kyiv"]')) \
        .to_have_text("Kyiv")
    expect(zone.locator('option[value="Europe/Kiev"]')).to_have_count(0)
    expect(zone.locator('option[value="US/Eastern"]')).to_have_count(0)
    zone.select_option("Europe/Kyiv")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()
    workspace.refresh_from_db()
    assert workspace.time_zone == "Europe/Kyiv"

    # The questionnaire asks the currency, the workspace's by default.
    page.goto(f"{page.base_url}/prospects/{interview.pk}/answer/")
    currency = page.get_by_label("Currency")
    expect(currency).to_have_value("EUR")
    currency.select_option("CHF")
    page.get_by_label("From").fill("3000")
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_text("Answers saved.")).to_be_visible()
    expect(page.get_by_text("CHF")).not_to_have_count(0)
    screenshot(page, "polish-5-budget-in-chf")
