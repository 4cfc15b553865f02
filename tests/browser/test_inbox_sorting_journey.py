"""Sorting the inbox in the browser: an unknown sender becomes a prospect, a newsletter
domain is ignored and brought back, a private calendar entry is hidden, your own mail
reads "you", and a search finds a message among all of them."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from rapport.comms.calendar import import_ics
from rapport.comms.models import Direction, Message
from rapport.intake.models import Interview
from tests.browser.conftest import log_in, screenshot
from tests.comms.helpers import OWN, kranich
from tests.conftest import PASSWORD, make_workspace
from tests.inbox.test_sorting import PRIVATE_ICS, mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sort_unknown_senders_private_entries_and_search(page, django_user_model):
    user = django_user_model.objects.create_user(OWN, PASSWORD, language="en")
    workspace = make_workspace(user, name="Mara Berg Text")
    kranich(workspace)
    mail(workspace, "jo@radwerk.example", name="Jo Rad", subject="Anfrage Jahresbericht",
         body="Hätten Sie im März Zeit für unseren Jahresbericht?")
    mail(workspace, "news@shop-angebote.example", subject="Nur heute: 20 % Rabatt")
    mail(workspace, "deals@shop-angebote.example", subject="Wochenangebote", days=1)
    mail(workspace, OWN, name="Mara Berg", subject="Re: Anfrage Jahresbericht",
         to="jo@radwerk.example", direction=Direction.OUTBOUND, days=2)
    import_ics(workspace, PRIVATE_ICS, now=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    log_in(page, OWN)

    page.get_by_role("link", name="Inbox").first.click()
    senders = page.locator("#unknown-senders")
    expect(page.get_by_test_id("sender-jo@radwerk.example")).to_be_visible()
    expect(page.get_by_test_id("sender-news@shop-angebote.example")).to_be_visible()
    expect(page.get_by_text("private", exact=True)).to_be_visible()
    screenshot(page, "inbox-sorting-1-who-is-this")

    # The shop's whole domain is ignored: both of its senders go at once.
    page.get_by_test_id("sender-news@shop-angebote.example").get_by_role(
        "button", name="Ignore all of shop-angebote.example").click()
    expect(page.get_by_text("@shop-angebote.example is ignored from now on")).to_be_visible()
    expect(senders).not_to_contain_text("shop-angebote.example")

    # A private entry is hidden for good; a work entry stays.
    page.get_by_role("link", name="Inbox settings").click()
    page.get_by_label("Always ignore calendar entries marked private").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Inbox settings saved.")).to_be_visible()
    expect(page.get_by_test_id("ignored-senders")).to_contain_text(
        "everyone at @shop-angebote.example")
    screenshot(page, "inbox-sorting-2-settings")
    page.get_by_role("link", name="Back to the inbox").click()
    expect(page.get_by_text("Zahnarzt")).to_have_count(0)
    expect(page.get_by_text("Workshop")).to_be_visible()

    # Jo becomes a prospect, prefilled from the sender.
    page.get_by_test_id("prospect-jo@radwerk.example").click()
    expect(page.get_by_label("Name of the prospect")).to_have_value("Radwerk")
    expect(page.get_by_label("Contact person")).to_have_value("Jo Rad")
    expect(page.get_by_label("Email address")).to_have_value("jo@radwerk.example")
    screenshot(page, "inbox-sorting-3-prospect-form")
    page.get_by_role("button", name="Add prospect").click()
    expect(page.get_by_text("Prospect “Radwerk” added; their messages are linked.")) \
        .to_be_visible()
    interview = Interview.objects.get()
    assert Message.objects.get(from_address="jo@radwerk.example").client == interview.client

    # All messages: my own reads "you"; the search looks into the text.
    page.get_by_role("link", name="Inbox").first.click()
    expect(page.get_by_test_id("sender-jo@radwerk.example")).to_have_count(0)
    page.get_by_role("link", name="All messages").click()
    expect(page.get_by_test_id("message-list")).to_contain_text("you")
    page.get_by_label("Search messages").fill("Jahresbericht")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("message-count")).to_have_text("2 messages")
    screenshot(page, "inbox-sorting-4-search")
    page.get_by_label("Search messages").fill("März Zeit")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("message-count")).to_have_text("1 message")

    # Undo: the shop is back under "Who is this?".
    page.get_by_role("link", name="Back to the inbox").click()
    page.get_by_role("link", name="Inbox settings").click()
    page.get_by_role("button", name="Stop ignoring").click()
    expect(page.get_by_text("@shop-angebote.example is no longer ignored.")).to_be_visible()
    page.get_by_role("link", name="Back to the inbox").click()
    expect(page.get_by_test_id("sender-news@shop-angebote.example")).to_be_visible()

    # In German your own mail reads "Sie".
    page.get_by_role("button", name="DE", exact=True).click()
    page.goto(f"{page.base_url}/inbox/all/")
    expect(page.get_by_test_id("message-list").get_by_role("cell", name="Sie", exact=True)) \
        .to_be_visible()
    screenshot(page, "inbox-sorting-5-german")
