"""Clients paying in EUR, USD and GBP: health and fire-readiness convert at stated ECB
rates and never add different currencies."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import override

from rapport.billing import services
from rapport.clients.models import Client
from rapport.comms.models import MeetingLog
from rapport.core.rates import Rate, save_rates
from rapport.health.assessment import assess_client
from rapport.health.fire import fire_readiness
from rapport.health.models import Reserve
from tests.billing.factories import billable_client, make_billable

pytestmark = pytest.mark.django_db

# Test rates of today: 1 EUR = 1.25 USD = 0.80 GBP, so 1,250 $ and 800 £ are 1,000 € each.
# Income counts payments net of VAT: 1,190 € paid on a 1,000 € invoice count as 1,000 €.
RATES = {"USD": Decimal("1.25"), "GBP": Decimal("0.8")}


def today_rates(day=None):
    day = day or timezone.localdate()
    save_rates([Rate(code, day, value) for code, value in RATES.items()])


def paid(client: Client, currency: str, net: str) -> Decimal:
    """An issued invoice in `currency` (net amount, 19 % VAT added), paid in full."""
    invoice = services.new_draft(client.workspace, client, currency=currency)
    services.add_line(invoice, "Work", 1, net)
    invoice = services.issue(invoice)
    services.record_payment(invoice, invoice.amount_due,
                            paid_on=timezone.localdate() - dt.timedelta(days=10))
    return invoice.amount_due


@pytest.fixture
def three_currencies(workspace):
    """Three clients who each paid the equivalent of 1,190 € gross (1,000 € net): in EUR,
    USD and GBP."""
    make_billable(workspace)
    today_rates()
    clients = {}
    for code, net in (("EUR", "1000.00"), ("USD", "1250.00"), ("GBP", "800.00")):
        clients[code] = billable_client(workspace, f"Client paying {code}",
                                        status=Client.Status.ACTIVE)
        paid(clients[code], code, net)
    return clients


def test_fire_readiness_converts_usd_and_gbp_before_comparing_clients(workspace,
                                                                       three_currencies):
    Reserve.objects.create(workspace=workspace, business_fund=Decimal("3000"),
                           monthly_expenses=Decimal("1000"))
    fire = fire_readiness(workspace)
    assert {loss.client.name: loss.revenue for loss in fire.losses} == {
        "Client paying EUR": Decimal("1000.00"), "Client paying USD": Decimal("1000.00"),
        "Client paying GBP": Decimal("1000.00")}
    assert [round(loss.share, 4) for loss in fire.losses] == [0.3333] * 3
    assert fire.herfindahl == 0.3333
    assert fire.yearly_income == Decimal("3000.00")
    usd = next(loss for loss in fire.losses if loss.client.name == "Client paying USD")
    assert usd.original == {"USD": Decimal("1250.00")}  # 1,487.50 $ paid, 237.50 $ VAT
    assert usd.months == Decimal("9.0")  # 3,000 ÷ (1,000 × ⅓)
    assert [(r.currency, r.per_euro, r.date) for r in fire.income.rates] == [
        ("GBP", Decimal("0.8"), timezone.localdate()),
        ("USD", Decimal("1.25"), timezone.localdate())]


def test_effective_hourly_rate_of_a_usd_client_is_in_euros(workspace, three_currencies):
    client = three_currencies["USD"]
    MeetingLog.objects.create(workspace=workspace, client=client,
                              held_on=timezone.localdate(), actual_minutes=600)
    value = assess_client(client).value
    assert value.currency == "EUR"
    assert value.revenue == Decimal("1000.00")  # 1,487.50 $ paid, 237.50 $ of it VAT
    assert value.hourly_rate == Decimal("100.00")  # not 125.00 "EUR" from 1,250.00 $
    assert value.original == {"USD": Decimal("1250.00")}
    assert [r.currency for r in value.rates] == ["USD"]
    assert value.share == pytest.approx(1 / 3)


def test_a_workspace_in_pounds_converts_euros_and_dollars_through_the_euro_rates(workspace):
    make_billable(workspace)
    workspace.default_currency = "GBP"
    workspace.save()
    today_rates()
    paid(billable_client(workspace, "Euro client"), "EUR", "1000.00")
    paid(billable_client(workspace, "Dollar client"), "USD", "1250.00")
    fire = fire_readiness(workspace)
    assert [loss.revenue for loss in fire.losses] == [Decimal("800.00")] * 2  # net of VAT
    assert fire.currency == "GBP"


def test_the_fire_page_states_the_rates_and_dates_and_shows_the_original_amounts(
        owner_http, workspace, three_currencies):
    Reserve.objects.create(workspace=workspace, business_fund=Decimal("3000"),
                           monthly_expenses=Decimal("1000"))
    with override("en"):
        page = owner_http.get("/health/fire/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 EUR = 1.25 USD" in page and "1 EUR = 0.8 GBP" in page
    assert "European Central Bank" in page
    assert timezone.localdate().strftime("%Y") in page.split('data-testid="rates-note"')[1]
    assert "from US$1,250.00" in page or "from $1,250.00" in page
    assert "from £800.00" in page
    assert "€3,000.00" in page  # the converted net total, not 1,000 + 1,250 + 800


def test_the_german_fire_page_states_the_rates_in_german(owner, owner_http, workspace,
                                                         three_currencies):
    owner.language = "de"
    owner.save()
    page = owner_http.get("/health/fire/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "1 EUR = 1,25 USD" in page
    assert "Europäischen Zentralbank" in page
    assert "3.000,00\xa0€" in page


def test_the_health_overview_states_the_rates_behind_its_revenue_column(owner_http,
                                                                       three_currencies):
    page = owner_http.get("/health/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 EUR = 1.25 USD" in page and "1 EUR = 0.8 GBP" in page
    rows = re.findall(r'data-testid="health-row-\d+".*?</tr>', page, re.S)
    assert len(rows) == 3 and all("1,000" in row for row in rows)  # net, not 1,190


def test_old_rates_get_a_hint_to_update_them(owner_http, workspace):
    make_billable(workspace)
    today_rates(timezone.localdate() - dt.timedelta(days=40))
    paid(billable_client(workspace, "Dollar client"), "USD", "1250.00")
    fire = fire_readiness(workspace)
    assert fire.income.stale
    page = owner_http.get("/health/fire/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="rates-stale"' in page and "rapport update-rates" in page


def test_euro_only_workspaces_state_no_rates(owner_http, workspace):
    make_billable(workspace)
    paid(billable_client(workspace, "Euro client"), "EUR", "1000.00")
    assert fire_readiness(workspace).income.rates == []
    page = owner_http.get("/health/fire/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="rates-note"' not in page


def test_invoice_list_keeps_one_open_total_per_currency(owner_http, workspace):
    make_billable(workspace)
    client = billable_client(workspace)
    for currency, net in (("EUR", "100.00"), ("USD", "100.00"), ("EUR", "50.00")):
        invoice = services.new_draft(workspace, client, currency=currency)
        services.add_line(invoice, "Work", 1, net)
        services.issue(invoice)
    page = owner_http.get("/invoices/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    kpis = re.findall(r'class="kpi[^"]*">.*?<strong>(.*?)</strong>', page, re.S)
    assert sorted(kpis) == sorted(["€178.50", "US$119.00"])


def test_dollars_without_a_known_rate_are_left_out_and_named_never_counted_as_euros(
        workspace):
    """Before the euro (1999) the ECB has no rate: the dollars stay dollars."""
    make_billable(workspace)
    day = dt.date(1998, 6, 1)
    for name, currency in (("Euro client", "EUR"), ("Dollar client", "USD")):
        invoice = services.new_draft(workspace, billable_client(workspace, name),
                                     currency=currency)
        services.add_line(invoice, "Work", 1, "1000.00")
        invoice = services.issue(invoice, day - dt.timedelta(days=20))
        services.record_payment(invoice, invoice.amount_due, paid_on=day - dt.timedelta(days=5))
    fire = fire_readiness(workspace, today=day)
    assert [(loss.client.name, loss.share) for loss in fire.losses] == [("Euro client", 1.0)]
    assert [(client.name, amounts) for client, amounts in fire.unconverted] == [
        ("Dollar client", {"USD": Decimal("1000.00")})]  # 1,190 $ paid, 190 $ VAT
    assert fire.yearly_income == Decimal("1000.00")
