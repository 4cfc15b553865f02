"""The questionnaire asks the budget's currency; an accepted prospect keeps their zone."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from rapport.core.timezones import TimeZoneField
from rapport.intake import services
from rapport.intake.fit import Verdict, check_budget
from rapport.intake.models import Interview
from tests.intake.conftest import GOOD_ANSWERS

pytestmark = pytest.mark.django_db


def test_the_budget_currency_defaults_to_the_workspace_currency(owner_http, interview):
    interview.workspace.default_currency = "CHF"
    interview.workspace.save()
    form = owner_http.get(f"/prospects/{interview.pk}/answer/").context["form"]
    assert form.fields["currency"].initial == "CHF"
    assert ("USD", "USD") in form.fields["currency"].choices
    assert isinstance(form.fields["time_zone"], TimeZoneField)


def test_the_prospect_names_the_currency_and_the_report_shows_it(client, interview):
    services.send(interview)
    interview.refresh_from_db()
    form = client.get(f"/q/{interview.token}/").context["form"]
    assert form.fields["currency"].initial == "EUR"
    data = {**GOOD_ANSWERS, "channels": ["email"], "currency": "USD",
            "budget_min": "4000", "budget_max": "5000", "time_zone": "America/New_York"}
    client.post(f"/q/{interview.token}/", data)
    interview.refresh_from_db()
    assert interview.answers["currency"] == "USD"


def test_a_budget_in_another_currency_is_compared_at_the_reference_rate(interview):
    profile = replace(services.fit_profile(interview.workspace),
                      minimum_budget=Decimal("1000"), currency="EUR")
    today = dt.date(2026, 11, 2)
    cheap = check_budget({"budget_max": "900", "currency": "GBP"}, profile, today)
    assert cheap.verdict == Verdict.MATCH  # 900 £ are more than 1,000 €
    yen = check_budget({"budget_max": "90000", "currency": "JPY"}, profile, today)
    assert yen.verdict == Verdict.MISMATCH  # 90,000 ¥ are far less than 1,000 €
    assert yen.reason == "Budget JP¥90,000; your smallest project is €1,000.00."


def test_accepting_the_prospect_copies_their_time_zone_to_the_client(owner_http, interview):
    services.save_answers(interview, {**GOOD_ANSWERS, "time_zone": "America/New_York"},
                          by_prospect=True)
    assert interview.client.time_zone == interview.workspace.time_zone
    owner_http.post(f"/prospects/{interview.pk}/accept/")
    interview.client.refresh_from_db()
    assert interview.client.time_zone == "America/New_York"
    assert Interview.objects.get(pk=interview.pk).is_locked
