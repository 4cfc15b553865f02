"""Fire-readiness: DOMAIN.md §8's worked example and the savings plan."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from rapport.billing import services
from rapport.health.fire import fire_readiness, herfindahl, months_if_lost
from rapport.health.models import Reserve
from tests.billing.factories import billable_client, make_billable

pytestmark = pytest.mark.django_db


def paid(client, amount: str, days_ago: int = 10):
    make_billable(client.workspace)
    invoice = services.new_draft(client.workspace, client)
    services.add_line(invoice, "Work", 1, amount)
    invoice = services.issue(invoice)
    gross = invoice.amount_due
    services.record_payment(invoice, gross,
                            paid_on=timezone.localdate() - dt.timedelta(days=days_ago))
    return gross


def test_five_clients_at_twenty_percent_and_one_month_reserve_last_five_months(workspace):
    for name in "ABCDE":
        paid(billable_client(workspace, f"Client {name}"), "1000.00")
    Reserve.objects.create(workspace=workspace, business_fund=Decimal("3000"),
                           personal_fund=Decimal("1000"), monthly_expenses=Decimal("4000"))
    fire = fire_readiness(workspace)
    assert fire.runway_months == Decimal("1.0")
    assert [loss.share for loss in fire.losses] == [0.2] * 5
    assert all(loss.months == Decimal("5.0") for loss in fire.losses)
    assert fire.top_share == 0.2
    assert fire.herfindahl == 0.2


def test_one_client_with_most_of_the_income_is_a_trap(workspace):
    paid(billable_client(workspace, "Big"), "8000.00")
    paid(billable_client(workspace, "Small"), "2000.00")
    Reserve.objects.create(workspace=workspace, business_fund=Decimal("4000"),
                           monthly_expenses=Decimal("2000"))
    fire = fire_readiness(workspace)
    assert fire.top_share == 0.8
    assert fire.herfindahl == 0.68
    assert fire.losses[0].client.name == "Big" and fire.losses[0].months == Decimal("2.5")


def test_payments_older_than_a_year_do_not_count(workspace):
    paid(billable_client(workspace, "Old"), "1000.00", days_ago=400)
    assert fire_readiness(workspace).losses == []


def test_savings_plan_counts_the_months_to_the_target(workspace):
    paid(billable_client(workspace, "A"), "10000.00")  # 11,900 paid, 10,000 net a year
    Reserve.objects.create(workspace=workspace, business_fund=Decimal("1000"),
                           personal_fund=Decimal("1000"), monthly_expenses=Decimal("1000"),
                           savings_percent=Decimal("10"), target_months=3)
    plan = fire_readiness(workspace).plan
    assert plan.target == Decimal("3000") and plan.missing == Decimal("1000")
    assert plan.monthly_saving == Decimal("83.33")  # 10 % of 10,000 ÷ 12
    assert plan.months_to_target == Decimal("12.0")  # 1,000 ÷ 83.33


def test_pure_helpers():
    assert months_if_lost(Decimal("4000"), Decimal("4000"), 0.2) == Decimal("5.0")
    assert months_if_lost(Decimal("4000"), Decimal("0"), 0.2) is None
    assert herfindahl([1.0]) == 1.0


def test_fire_page_saves_the_reserve(owner_http, workspace):
    response = owner_http.post("/health/fire/", {
        "business_fund": "2000", "personal_fund": "1000", "monthly_expenses": "1500",
        "savings_percent": "5", "target_months": "6"})
    assert response.status_code == 302
    page = owner_http.get("/health/fire/").content.decode()
    assert "2.0" in page
    assert Reserve.objects.get(workspace=workspace).monthly_expenses == Decimal("1500")


def _number(text: str) -> Decimal:
    """`€1,234.50`, `US$600.00` or `6.7 months` as a Decimal (English page)."""
    return Decimal(re.sub(r"[^0-9.]", "", text.split("months")[0]))


def test_the_figures_on_the_fire_page_agree_with_each_other(owner_http, workspace):
    """Runway 4.0 months and 'this client: 10 months' are both right, and say so: the
    time to replace a client is the runway ÷ their share, the reserve ÷ their gap."""
    from rapport.core.rates import Rate, save_rates

    save_rates([Rate("USD", timezone.localdate(), Decimal("1.25"))])
    make_billable(workspace)
    for name, currency, net in (("Big", "EUR", "6000.00"), ("Dollar", "USD", "3750.00"),
                                ("Small", "EUR", "1000.00")):
        client = billable_client(workspace, name)
        invoice = services.new_draft(workspace, client, currency=currency)
        services.add_line(invoice, "Work", 1, net)
        invoice = services.issue(invoice)
        services.record_payment(invoice, invoice.amount_due,
                                paid_on=timezone.localdate() - dt.timedelta(days=3))
    Reserve.objects.create(workspace=workspace, business_fund=Decimal("4000"),
                           monthly_expenses=Decimal("1000"))
    page = owner_http.get("/health/fire/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    def cell(testid: str, within: str = page) -> str:
        match = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</(?:dd|td|strong)>', within, re.S)
        return re.sub(r"<[^>]+>", " ", match.group(1)).strip()

    reserve, expenses = _number(cell("reserve")), _number(cell("expenses"))
    runway = _number(cell("runway-months"))
    income = _number(cell("income").split("about")[0])
    assert (reserve, expenses, runway) == (Decimal("4000.00"), Decimal("1000.00"),
                                           Decimal("4.0"))
    assert "Runway if all income stopped" in page and "Time to replace them" in page
    rows = re.findall(r'<tr data-testid="loss-\d+">.*?</tr>', page, re.S)
    assert len(rows) == 3
    shares, revenues = [], []
    for row in rows:
        revenue = _number(cell("loss-revenue", row).split("from")[0])
        share = _number(cell("loss-share", row)) / 100
        gap, months = _number(cell("loss-gap", row)), _number(cell("loss-months", row))
        assert abs(revenue / income - share) <= Decimal("0.005")
        assert abs(gap - expenses * revenue / income) <= Decimal("0.01")
        assert abs(months - reserve / gap) <= Decimal("0.05")
        assert abs(months - runway * income / revenue) <= Decimal("0.1")
        assert months >= runway
        shares.append(share)
        revenues.append(revenue)
    assert sum(revenues) == income  # the converted amounts add up to the total shown
    assert shares == [Decimal("0.6"), Decimal("0.3"), Decimal("0.1")]
    # 4,462.50 $ paid, 712.50 $ of it VAT
    assert "from US$3,750.00" in rows[1] or "from $3,750.00" in rows[1]


def test_losing_the_only_client_takes_exactly_the_runway(workspace):
    paid(billable_client(workspace, "Only"), "1000.00")
    Reserve.objects.create(workspace=workspace, business_fund=Decimal("3000"),
                           monthly_expenses=Decimal("1000"))
    fire = fire_readiness(workspace)
    assert fire.losses[0].months == fire.runway_months == Decimal("3.0")
    assert fire.losses[0].gap == Decimal("1000.00")
