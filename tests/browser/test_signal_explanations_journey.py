"""A client's signals read in the reader's language: the same evidence page in English,
then in German after switching the language, with each language's dates and amounts;
and a late answer links to the client's reply."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from rapport.billing import services as billing
from rapport.signals import services
from tests.billing.factories import billable_client, make_billable
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_workspace
from tests.signals.helpers import at, message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_signals_of_a_client_read_in_english_and_in_german(page, django_user_model):
    user = django_user_model.objects.create_user("lena@berg-text.example", PASSWORD,
                                                 language="en")
    workspace = make_workspace(user, name="Lena Hoffmann Text")
    make_billable(workspace)
    client = billable_client(workspace, "Meridian Lane Events")
    invoice = billing.new_draft(workspace, client)
    billing.add_line(invoice, "Venue copy", 1, "1000.00")
    invoice = billing.issue(invoice, dt.date(2026, 9, 1))
    message(workspace, client, "Hi Lena,\n\nwe need the venue copy ASAP!\n\nJen",
            at(2026, 11, 26, 22, 47))
    message(workspace, client, "Hi Jen,\n\ncan you confirm the speaker list?\n\nLena",
            at(2026, 10, 1, 9), outbound=True, thread="speakers")
    message(workspace, client, "Here it is, sorry for the wait.", at(2026, 10, 10, 9),
            thread="speakers")
    services.detect_for_client(client, now=at(2026, 11, 27))

    log_in(page, "lena@berg-text.example")
    page.goto(f"{page.base_url}/signals/clients/{client.pk}/")
    explanations = page.get_by_test_id("explanation")
    expect(explanations.filter(
        has_text="Sent at night: Thu, 26 Nov 2026, 22:47 (your time).")).to_be_visible()
    expect(explanations.filter(
        has_text=f"Invoice {invoice.number} (€1,190.00) is unpaid")).to_be_visible()
    expect(explanations.filter(
        has_text="You asked a question; the answer took 9 days.")).to_be_visible()
    for text in explanations.all_text_contents():
        assert "Ihre Zeit" not in text and "Rechnung" not in text and "Tage" not in text
    screenshot(page, "signals-explanations-english")

    page.get_by_role("button", name="DE", exact=True).click()
    expect(explanations.filter(
        has_text="Nachts gesendet: Do., 26.11.2026, 22:47 (Ihre Zeit).")).to_be_visible()
    expect(explanations.filter(
        has_text=f"Rechnung {invoice.number} (1.190,00 €) ist")).to_be_visible()
    expect(explanations.filter(
        has_text="Sie haben eine Frage gestellt; die Antwort dauerte 9 Tage.")).to_be_visible()
    expect(page.locator("article.signal").filter(has_text="Thu 2026")).to_have_count(0)
    screenshot(page, "signals-explanations-german")

    # The client's health page shows the same evidence, in the same two languages.
    page.goto(f"{page.base_url}/health/clients/{client.pk}/")
    for details in page.locator("details[data-testid^=evidence-]").all():
        details.locator("summary").click()
    expect(page.locator("li[data-testid^=signal-]").filter(
        has_text=f"Rechnung {invoice.number} (1.190,00 €) ist 73 Tage")).to_be_visible()
    screenshot(page, "health-explanations-german")
    page.get_by_role("button", name="EN", exact=True).click()
    for details in page.locator("details[data-testid^=evidence-]").all():
        details.locator("summary").click()
    expect(page.locator("li[data-testid^=signal-]").filter(
        has_text=f"Invoice {invoice.number} (€1,190.00) is unpaid 73 days")).to_be_visible()
    screenshot(page, "health-explanations-english")

    page.goto(f"{page.base_url}/signals/clients/{client.pk}/?kind=unresponsive")
    page.get_by_test_id("answer-link").click()
    expect(page.locator("pre")).to_contain_text("sorry for the wait")
