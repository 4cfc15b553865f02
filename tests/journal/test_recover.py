"""The recover period after a client becomes a former client: on the dashboard, and in
the intake for a big prospect, where accepting needs a confirmation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from rapport.clients.models import Client
from rapport.core import clock
from rapport.intake import services as intake
from rapport.journal import recover
from tests.journal.conftest import end_with, paid

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def ended(former):
    end_with(former, TODAY - dt.timedelta(days=10))
    return former


@pytest.fixture
def prospect(billable):
    interview = intake.create_prospect(billable, name="Großkunde AG", language="en")
    intake.save_answers(interview, {"budget_min": "8000", "budget_max": "12000"},
                        by_prospect=False)
    return interview


def test_a_client_becoming_former_starts_thirty_days_of_recovery(ended):
    with clock.travel(TODAY):
        period = recover.current_period(ended.workspace)
    assert period.started_on == dt.date(2026, 11, 10)
    assert period.ends_on == dt.date(2026, 12, 10) and period.last_day == dt.date(2026, 12, 9)
    assert period.days_left == 20
    with clock.travel(dt.date(2026, 12, 10)):
        assert recover.current_period(ended.workspace) is None


def test_the_dashboard_shows_days_left_and_the_last_day(owner_http, owner, ended):
    with clock.travel(TODAY):
        html = owner_http.get("/").content.decode()
        assert 'data-testid="recover-period"' in html
        assert "20 days left after the end with Sturmfront GmbH" in html
        assert "no new big client until 12/09/2026" in html  # SHORT_DATE_FORMAT, en
        owner.language = "de"
        owner.save(update_fields=["language"])
        german = owner_http.get("/").content.decode()
    assert "Noch 20 Tage nach dem Ende mit Sturmfront GmbH" in german
    assert "bis 09.12.2026" in german


def test_the_period_can_be_ended_early_and_a_new_exit_starts_a_new_one(owner_http, ended):
    with clock.travel(TODAY):
        owner_http.post("/journal/recover/end/")
        assert recover.current_period(ended.workspace) is None
        assert 'data-testid="recover-period"' not in owner_http.get("/").content.decode()
    other = Client.objects.create(workspace=ended.workspace, name="Zweite GmbH")
    end_with(other, TODAY + dt.timedelta(days=1))
    with clock.travel(TODAY + dt.timedelta(days=2)):
        assert recover.current_period(ended.workspace).client == other


def test_the_length_is_a_setting_and_zero_switches_it_off(owner_http, ended):
    owner_http.post("/journal/settings/", {"recover_days": "14", "big_share_percent": "20"})
    with clock.travel(TODAY):
        assert recover.current_period(ended.workspace).days_left == 4
    owner_http.post("/journal/settings/", {"recover_days": "0", "big_share_percent": "20"})
    with clock.travel(TODAY):
        assert recover.current_period(ended.workspace) is None


def test_big_means_a_share_of_the_years_income_or_an_amount(ended, prospect):
    # 47,600 € paid in 12 months, 7,600 € of it VAT: 12,000 € are 30 % of 40,000 € net.
    paid(ended, "40000.00", TODAY - dt.timedelta(days=100))
    with clock.travel(TODAY):
        check = recover.check_big(prospect)
        assert check.expected == Decimal("12000") and check.share_percent == 30
        assert check.big is True
        settings = recover.settings_for(prospect.workspace)
        settings.big_share_percent = 35
        settings.save()
        assert recover.check_big(prospect).big is False
        settings.big_amount = Decimal("10000.00")
        settings.save()
        assert recover.check_big(prospect).big is True


def test_a_prospect_without_a_budget_may_be_big(ended, billable):
    interview = intake.create_prospect(billable, name="Unklar KG", language="en")
    with clock.travel(TODAY):
        warning = recover.intake_warning(interview)
    assert warning is not None and warning.check.big is None


def test_the_fit_report_warns_and_accepting_needs_the_box_ticked(owner_http, ended, prospect):
    url = prospect.get_absolute_url()
    with clock.travel(TODAY):
        html = owner_http.get(url).content.decode()
        assert 'data-testid="recover-warning"' in html
        assert "You are in your recover period." in html
        refused = owner_http.post(f"/prospects/{prospect.pk}/accept/")
        assert refused.status_code == 302 and refused["Location"].endswith("#decision")
        prospect.client.refresh_from_db()
        assert prospect.client.status == Client.Status.PROSPECT
        owner_http.post(f"/prospects/{prospect.pk}/accept/", {"recover_confirmed": "1"})
    prospect.client.refresh_from_db()
    assert prospect.client.status == Client.Status.ACTIVE


def test_a_small_prospect_is_accepted_without_asking(owner_http, ended, billable):
    paid(ended, "40000.00", TODAY - dt.timedelta(days=100))
    small = intake.create_prospect(billable, name="Klein GmbH", language="en")
    intake.save_answers(small, {"budget_min": "500", "budget_max": "800"}, by_prospect=False)
    with clock.travel(TODAY):
        assert 'data-testid="recover-warning"' not in owner_http.get(
            small.get_absolute_url()).content.decode()
        owner_http.post(f"/prospects/{small.pk}/accept/")
    small.client.refresh_from_db()
    assert small.client.status == Client.Status.ACTIVE


def test_after_the_period_nothing_is_asked(owner_http, ended, prospect):
    with clock.travel(TODAY + dt.timedelta(days=25)):
        assert 'data-testid="recover-warning"' not in owner_http.get(
            prospect.get_absolute_url()).content.decode()
        owner_http.post(f"/prospects/{prospect.pk}/accept/")
    prospect.client.refresh_from_db()
    assert prospect.client.status == Client.Status.ACTIVE


def test_the_fit_report_warning_reads_in_german(owner_http, owner, ended, prospect):
    paid(ended, "40000.00", TODAY - dt.timedelta(days=100))
    owner.language = "de"
    owner.save(update_fields=["language"])
    with clock.travel(TODAY):
        html = owner_http.get(prospect.get_absolute_url()).content.decode()
    warning = html.split('data-testid="recover-warning"')[1].split("</div>")[0]
    assert "Sie sind in Ihrer Erholungszeit." in warning
    assert "bis 09.12.2026" in warning
    assert "Das Budget von 12.000,00\xa0€ sind 30 % Ihres Einkommens" in warning  # net
    assert "Ich habe es mir überlegt und nehme den Kunden trotzdem an." in warning


def test_a_wrong_setting_is_refused_and_nothing_changes(owner_http, billable):
    response = owner_http.post("/journal/settings/", {"recover_days": "400",
                                                      "big_share_percent": "0",
                                                      "big_amount": "-5"})
    assert response.status_code == 422
    html = response.content.decode()
    assert html.count('aria-invalid="true"') == 3
    settings = recover.settings_for(billable)
    assert (settings.recover_days, settings.big_share_percent, settings.big_amount) == (
        30, 20, None)
