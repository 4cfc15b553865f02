"""Dates and numbers as each reader writes them: German, British and American English."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from rapport.agreements import services as agreements
from rapport.billing import services as billing
from tests.billing.factories import billable_client, make_billable
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page_in(browser, live_server, locale: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    return context, page


def test_german_proposal_editor_keeps_the_valid_until_date(browser, live_server,
                                                           django_user_model):
    user = django_user_model.objects.create_user("lena@example.com", PASSWORD, language="de",
                                                 name="Lena Hoffmann")
    workspace = make_billable(make_workspace(user, name="Lena Hoffmann Text"))
    client = billable_client(workspace, "Kranich Verlag GmbH", language="de")
    proposal = agreements.new_proposal(workspace, client, title="Herbstkatalog",
                                       language="de")
    context, page = _page_in(browser, live_server, "de-DE")
    try:
        log_in_german(page, "lena@example.com")
        page.goto(f"{page.base_url}/proposals/{proposal.pk}/edit/")
        valid_until = page.get_by_label("Gültig bis")
        # The date the proposal already has is shown, not an empty field.
        expect(valid_until).to_have_value(proposal.valid_until.isoformat())
        valid_until.fill("2027-01-15")
        page.get_by_role("button", name="Angebot speichern").click()
        expect(page.get_by_text("Angebot gespeichert.")).to_be_visible()
        page.goto(f"{page.base_url}/proposals/")
        expect(page.get_by_role("row", name="Herbstkatalog")).to_contain_text("15.01.2027")

        page.goto(f"{page.base_url}/proposals/{proposal.pk}/edit/")
        expect(page.get_by_label("Gültig bis")).to_have_value("2027-01-15")
        screenshot(page, "i18n-german-proposal-valid-until")
        proposal.refresh_from_db()
        assert proposal.valid_until == dt.date(2027, 1, 15)
    finally:
        context.close()


def log_in_german(page, email: str) -> None:
    page.goto(f"{page.base_url}/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.mark.parametrize(("locale", "paid_on", "amount"), [
    ("en-GB", "17/11/2026", "€1,190.00"),
    ("en-US", "11/17/2026", "€1,190.00"),
    ("de-DE", "17.11.2026", "1.190,00\xa0€"),
])
def test_invoice_dates_follow_the_readers_browser(browser, live_server, django_user_model,
                                                  locale, paid_on, amount):
    language = locale[:2]
    user = django_user_model.objects.create_user("lena@example.com", PASSWORD,
                                                 language=language, name="Lena Hoffmann")
    workspace = make_billable(make_workspace(user, name="Lena Hoffmann Text"))
    client = billable_client(workspace, "Heron Books Ltd", language="en")
    invoice = billing.new_draft(workspace, client)
    billing.add_line(invoice, "Copy for the spring list", 1, 1000)
    invoice = billing.issue(invoice, dt.date(2026, 11, 3))
    billing.record_payment(invoice, "1190.00", paid_on=dt.date(2026, 11, 17))
    context, page = _page_in(browser, live_server, locale)
    try:
        if language == "en":
            log_in(page, "lena@example.com")
        else:
            log_in_german(page, "lena@example.com")
        page.goto(f"{page.base_url}{invoice.get_absolute_url()}")
        payments = page.locator("li", has_text=amount).first
        expect(payments).to_contain_text(paid_on)
        # The history shows the payment in the reader's format, not "1190.00 EUR (2026-11-17)".
        history = page.locator("section", has_text="Invoice timeline" if language == "en"
                                else "Zeitleiste der Rechnung")
        expect(history.locator(".timeline")).to_contain_text(f"{amount} ({paid_on})")
        expect(history.locator(".timeline")).not_to_contain_text("2026-11-17")
        screenshot(page, f"i18n-invoice-{locale}")
    finally:
        context.close()


def test_german_health_chart_writes_numbers_the_german_way(browser, live_server):
    import re

    from rapport.front.demo import DEMO_EMAIL, DEMO_PASSWORD, build_demo

    build_demo()
    context, page = _page_in(browser, live_server, "de-DE")
    try:
        page.goto(f"{page.base_url}/accounts/login/")
        page.locator("input[name=username]").fill(DEMO_EMAIL)
        page.locator("input[name=password]").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Anmelden").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        page.goto(f"{page.base_url}/health/")
        chart = page.get_by_test_id("portfolio-chart")
        expect(chart).to_contain_text("Portfolio: Wert gegen Reibung")
        labels = chart.locator("text").all_text_contents()
        assert any(re.fullmatch(r"\d{1,3}(\.\d{3})+", label) for label in labels), labels
        assert any(re.fullmatch(r"\d+,\d", label) for label in labels), labels
        assert not any(re.fullmatch(r"\d+\.\d|\d{1,3}( \d{3})+", label) for label in labels)
        screenshot(page, "i18n-german-health-chart")
    finally:
        context.close()
