"""Logging extra requests with one keystroke from a message, until Rapport notices the
pattern and proposes the change order with its script — in English and in German."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rapport.agreements.models import ChangeOrder
from rapport.extras.models import ExtraRequest
from tests.billing.factories import billable_client, make_billable
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_workspace
from tests.extras.factories import contract_for, extra
from tests.signals.helpers import message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _setting(django_user_model, language: str):
    user = django_user_model.objects.create_user(f"lena-{language}@berg-text.example",
                                                 PASSWORD, language=language)
    workspace = make_billable(make_workspace(user, name="Lena Hoffmann Text"))
    client = billable_client(workspace, "Feinkost Valentin GmbH", language=language)
    contract_for(client)  # 90 EUR per hour for extra work
    for days_ago in (25, 12):
        extra(client, label="Social media post", days_ago=days_ago, minutes=30)
    now = timezone.now() - dt.timedelta(hours=2)
    mail = message(workspace, client, "Could you quickly post the new menu on Instagram "
                   "as well?", now, subject="Instagram post for the new menu")
    return user, client, mail


def test_log_an_extra_from_a_message_with_one_key_and_see_the_proposal(
        page, django_user_model):
    user, client, mail = _setting(django_user_model, "en")
    log_in(page, user.email)
    page.goto(f"{page.base_url}/inbox/messages/{mail.pk}/")
    expect(page.get_by_test_id("log-extra")).to_contain_text("Log an extra request")
    page.keyboard.press("x")  # one keystroke: the form, prefilled from the message
    expect(page.get_by_label("What was asked")).to_have_value(
        "Instagram post for the new menu")
    page.get_by_label("Kind of request").fill("social media post")
    page.get_by_label("Estimated minutes").fill("30")
    screenshot(page, "extras-log-form-en")
    page.get_by_role("button", name="Log it").click()

    proposal = page.get_by_test_id("recurrence-proposal")
    expect(proposal).to_contain_text("came 3 times in 6 weeks, unpaid")
    expect(proposal).to_contain_text("each one is worth about €45.00")
    screenshot(page, "extras-recurrence-proposal-en")
    assert ExtraRequest.objects.get(message=mail).label == "social media post"

    proposal.get_by_role("link", name="Script to go with it").click()
    expect(page.locator("textarea")).to_contain_text(
        "you have asked me for social media post 3 times in the last 6 weeks")
    page.go_back()
    page.get_by_test_id("propose-change-order").click()
    expect(page.get_by_text("Draft change order written")).to_be_visible()
    change = ChangeOrder.objects.get(contract__client=client)
    assert change.status == ChangeOrder.Status.DRAFT and str(change.price) == "45.00"
    page.goto(f"{page.base_url}{client.get_absolute_url()}")
    expect(page.get_by_test_id("recurrence-proposal")).to_have_count(0)


def test_the_same_journey_in_german(page, django_user_model):
    user, client, mail = _setting(django_user_model, "de")
    log_in(page, user.email)
    page.goto(f"{page.base_url}/inbox/messages/{mail.pk}/")
    page.keyboard.press("x")
    page.get_by_label("Art des Wunsches").fill("Social Media Post")
    page.get_by_label("Geschätzte Minuten").fill("30")
    page.get_by_role("button", name="Erfassen").click()
    proposal = page.get_by_test_id("recurrence-proposal")
    expect(proposal).to_contain_text("„Social Media Post“ kam 3-mal in 6 Wochen, unbezahlt.")
    expect(proposal).to_contain_text("45,00 €")
    screenshot(page, "extras-recurrence-proposal-de")


def test_the_real_hourly_rate_on_the_client_page_and_in_the_health_view(
        page, django_user_model):
    from rapport.comms.models import MeetingLog
    from rapport.timetracking.models import TimeEntry
    from tests.billing.factories import project_for
    from tests.health.test_fire import paid

    user = django_user_model.objects.create_user("mara@berg-text.example", PASSWORD,
                                                 language="en")
    workspace = make_billable(make_workspace(user, name="Mara Berg Text"))
    client = billable_client(workspace, "Plauder GmbH", language="en")
    paid(client, "1000.00", days_ago=3)  # 1,190 € paid, 1,000 € net, in the month of work
    project_for(client, "95.00", name="Consulting", rate_type="hourly")
    start = timezone.now() - dt.timedelta(days=3)
    TimeEntry.objects.create(workspace=workspace, client=client, category="work",
                             minutes=300, started_at=start,
                             ended_at=start + dt.timedelta(minutes=300))
    MeetingLog.objects.create(workspace=workspace, client=client, actual_minutes=120,
                              off_topic_minutes=70, held_on=timezone.localdate())

    log_in(page, user.email)
    page.goto(f"{page.base_url}{client.get_absolute_url()}")
    section = page.get_by_test_id("real-rate")
    expect(section.get_by_test_id("real-rate-value")).to_contain_text("€142.86")  # 1,000 € / 7 h
    expect(section.get_by_test_id("real-rate-value")).to_contain_text(
        "€1,000.00 received (net) ÷ 7.0 h")
    expect(section.get_by_test_id("contracted-rate")).to_contain_text("€95.00")
    expect(section.get_by_test_id("talk-cost")).to_contain_text("worth €190.00")
    expect(section.get_by_test_id("rate-chart")).to_be_visible()
    section.scroll_into_view_if_needed()
    section.screenshot(path=str(screenshot(page, "extras-real-rate-en").with_name(
        "extras-real-rate-section-en.png")))
    page.goto(f"{page.base_url}/health/clients/{client.pk}/")
    expect(page.get_by_test_id("value-hourly-rate")).to_contain_text("€142.86")
    screenshot(page, "extras-health-real-rate-en")
