"""Fire-readiness with clients paying in euros, dollars and pounds: the freelancer
enters the reserve and sees every figure in euros, the ECB rates and their date stated,
and runway and time to replace each client labelled so they cannot be confused."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rapport.billing import services
from rapport.core.rates import Rate, save_rates
from tests.billing.factories import billable_client, make_billable
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _clients_in_three_currencies(workspace):
    make_billable(workspace)
    today = timezone.localdate()
    save_rates([Rate("USD", today, Decimal("1.25")), Rate("GBP", today, Decimal("0.8"))])
    clients = {}
    for name, currency, net in (("Nordlicht GmbH", "EUR", "6000.00"),
                                ("Hudson Media Inc.", "USD", "3750.00"),
                                ("Thames Books Ltd", "GBP", "800.00")):
        client = billable_client(workspace, name)
        client.change_status("active")
        invoice = services.new_draft(workspace, client, currency=currency)
        services.add_line(invoice, "Work", 1, net)
        invoice = services.issue(invoice)
        services.record_payment(invoice, invoice.amount_due,
                                paid_on=today - dt.timedelta(days=12))
        clients[currency] = client
    return clients


def test_fire_readiness_with_mixed_currencies_in_german_and_english(page,
                                                                    django_user_model):
    user = django_user_model.objects.create_user("lena@example.com", PASSWORD, language="de")
    workspace = make_workspace(user, name="Lena Text")
    clients = _clients_in_three_currencies(workspace)

    log_in(page, "lena@example.com")
    page.goto(f"{page.base_url}/health/")
    page.get_by_role("link", name="Bereit zum Loslassen").click()
    page.get_by_label("geschäftliche Rücklage").fill("4000")
    page.get_by_label("monatliche Ausgaben").fill("1000")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Rücklage gespeichert.")).to_be_visible()

    # Runway: if nobody paid any more. Shares and time to replace: in euros, converted.
    expect(page.get_by_test_id("runway-months")).to_have_text("4,0 Monate")
    expect(page.get_by_test_id("fire-summary")).to_contain_text(
        "Reichweite, wenn alle Einnahmen ausfielen")
    expect(page.get_by_test_id("rate-USD")).to_contain_text("1 EUR = 1,25 USD")
    expect(page.get_by_test_id("rate-GBP")).to_contain_text("1 EUR = 0,8 GBP")
    expect(page.get_by_test_id("rate-USD")).to_contain_text(
        timezone.localdate().strftime("%d.%m.%Y"))
    dollars = page.get_by_test_id(f"loss-{clients['USD'].pk}")
    # Net of VAT: 4,462.50 $ paid, 712.50 $ of it VAT, so 3,750 $ = 3,000 € count.
    expect(dollars.get_by_test_id("loss-revenue")).to_contain_text("3.000,00 €")
    expect(dollars.get_by_test_id("loss-revenue")).to_contain_text("aus 3.750,00 $")
    expect(dollars.get_by_test_id("loss-share")).to_have_text("30 %")
    expect(dollars.get_by_test_id("loss-gap")).to_have_text("300,00 €")
    expect(dollars.get_by_test_id("loss-months")).to_have_text("13,3 Monate")
    expect(page.get_by_test_id("income")).to_contain_text("10.000,00 €")  # 11,900 € paid
    expect(page.get_by_test_id("fire-summary")).to_contain_text(
        "Einnahmen ohne Umsatzsteuer, letzte 12 Monate")
    screenshot(page, "fire-readiness-currencies-de")

    user.language = "en"
    user.save()
    page.reload()
    expect(page.get_by_test_id("fire-summary")).to_contain_text("Runway if all income stopped")
    expect(page.get_by_test_id("rate-USD")).to_contain_text("1 EUR = 1.25 USD")
    pounds = page.get_by_test_id(f"loss-{clients['GBP'].pk}")
    expect(pounds.get_by_test_id("loss-revenue")).to_contain_text("£800.00")  # net
    expect(pounds.get_by_test_id("loss-months")).to_have_text("40.0 months")
    screenshot(page, "fire-readiness-currencies-en")


def test_the_health_of_a_client_paying_in_dollars_shows_euros_and_the_rate(
        page, django_user_model):
    from rapport.comms.models import MeetingLog

    user = django_user_model.objects.create_user("lena@example.com", PASSWORD, language="en")
    workspace = make_workspace(user, name="Lena Text")
    clients = _clients_in_three_currencies(workspace)
    MeetingLog.objects.create(workspace=workspace, client=clients["USD"],
                              held_on=timezone.localdate(), actual_minutes=1200)

    log_in(page, "lena@example.com")
    page.goto(f"{page.base_url}/health/")
    expect(page.get_by_test_id("rates-note")).to_contain_text("1 EUR = 1.25 USD")
    page.get_by_test_id(f"health-row-{clients['USD'].pk}").get_by_role(
        "link", name="Hudson Media Inc.").click()
    value = page.get_by_test_id("value")
    # 4,462.50 $ paid, 712.50 $ of it VAT: 3,750 $ net = 3,000 € ÷ 20 h.
    expect(value.get_by_test_id("value-revenue")).to_contain_text("€3,000.00")
    expect(value.get_by_test_id("value-revenue")).to_contain_text("from US$3,750.00")
    expect(value.get_by_test_id("value-hourly-rate")).to_contain_text("€150.00")
    expect(value).to_contain_text("Net revenue, last 12 months")
    expect(page.get_by_test_id("rate-USD")).to_contain_text("1 EUR = 1.25 USD (ECB,")
    value.screenshot(path=str(screenshot(page, "health-client-usd").with_name(
        "health-client-usd-value.png")))
