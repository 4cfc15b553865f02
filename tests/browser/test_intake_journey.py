"""Vetting a prospect: questionnaire by link, fit report, gut feeling, a polite no."""

import pytest
from playwright.sync_api import expect

from rapport.clients.models import Client
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_prospect_questionnaire_fit_report_and_decline(page, browser, django_user_model):
    user = django_user_model.objects.create_user("lena@example.com", PASSWORD,
                                                 name="Lena Hoffmann", language="en")
    workspace = make_workspace(user, name="Lena Hoffmann Text")
    workspace.preferred_channels = ["email", "video"]
    workspace.max_calls_per_week = 1
    workspace.non_negotiables = ["No work on Sundays"]
    workspace.save()
    log_in(page, "lena@example.com")

    # A new prospect.
    page.get_by_role("link", name="Prospects").first.click()
    page.get_by_role("button", name="New prospect").click()
    page.get_by_label("Name of the prospect").fill("Brightline Events Ltd")
    page.get_by_label("Contact person").fill("Sam Carter")
    page.get_by_label("Email address").fill("sam@brightline.example")
    page.get_by_label("Questionnaire language").select_option("en")
    page.get_by_role("button", name="Add prospect").click()
    expect(page.get_by_role("heading", name="Brightline Events Ltd")).to_be_visible()

    # Send the questionnaire: a link to copy.
    page.get_by_role("button", name="Create questionnaire link").click()
    link = page.get_by_test_id("portal-link").input_value()
    assert "/q/" in link

    # The prospect answers in a browser without an account; a typo first.
    prospect_context = browser.new_context(viewport={"width": 1100, "height": 900})
    portal = prospect_context.new_page()
    portal.goto(link)
    expect(portal.get_by_role("heading", name="Lena Hoffmann Text")).to_be_visible()
    portal.get_by_label("What do you need done?").fill(
        "Web copy for our event pages, updated during the season.")
    portal.get_by_label("Close collaboration, in touch every day").check()
    portal.get_by_label("How many calls or video meetings a week do you expect?").fill("3")
    portal.get_by_label("Email", exact=True).check()
    portal.get_by_label("Phone", exact=True).check()
    portal.get_by_label("Regularly").check()
    portal.get_by_label("From").fill("4000")
    portal.get_by_label("Up to").fill("2500")
    portal.get_by_label("Day starts at").fill("09:00")
    portal.get_by_label("Time zone").select_option("America/New_York")
    portal.get_by_label("I decide alone").check()
    portal.get_by_role("button", name="Send my answers").click()
    expect(portal.get_by_text("“Up to” must not be lower than “from”.")).to_be_visible()
    portal.get_by_label("Up to").fill("5000")
    portal.get_by_role("button", name="Send my answers").click()
    expect(portal.get_by_test_id("portal-saved")).to_be_visible()
    screenshot(portal, "intake-portal-answered")
    prospect_context.close()

    # The fit report: a mismatch with its reason, and a dealbreaker from a non-negotiable.
    page.reload()
    report = page.get_by_test_id("fit-report")
    calls = report.locator("tr[data-key=calls_per_week]")
    expect(calls).to_contain_text("Mismatch")
    expect(calls).to_contain_text("Wants 3 calls a week; you allow 1.")
    weekends = report.locator("tr[data-key=weekends]")
    expect(weekends).to_contain_text("Dealbreaker")
    expect(weekends).to_contain_text("“No work on Sundays”")
    expect(report.locator("tr[data-key=day_start]")).to_contain_text("America/New_York")
    expect(page.get_by_test_id("interview-state")).to_have_text("Answered")

    # Gut feeling and the scarcity check.
    page.get_by_label("2", exact=True).check()
    page.get_by_label("My gut feeling in one sentence").fill(
        "Pushy about Sunday calls already in the first talk.")
    page.get_by_label("Partly").check()
    page.get_by_role("button", name="Save gut feeling").click()
    recommendation = page.get_by_test_id("recommendation")
    expect(recommendation).to_contain_text("Decline")
    expect(recommendation).to_contain_text("A dealbreaker")
    screenshot(page, "intake-fit-report")

    # Decline with the script.
    page.get_by_role("button", name="Decline politely").click()
    page.get_by_label("Reason").fill(
        "I keep my weekends free, and your season needs someone who is there on Sundays.")
    page.get_by_role("button", name="Decline and show the letter").click()
    expect(page.get_by_test_id("client-status")).to_have_text("Declined")
    letter = page.get_by_test_id("letter-en")
    expect(letter.locator("textarea")).to_have_value(
        __import__("re").compile(r"^Dear Sam Carter,.*weekends free.*Lena Hoffmann$",
                                 __import__("re").S))
    expect(page.get_by_test_id("letter-de").locator("textarea")).to_contain_text(
        "Guten Tag Sam Carter")
    screenshot(page, "intake-decline-letter")
    client = Client.objects.get(name="Brightline Events Ltd")
    assert client.status == Client.Status.DECLINED
    assert "weekends free" in client.status_changes.first().reason
