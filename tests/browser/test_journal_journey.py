"""After an ending: reflect in the journal, turn a lesson into an avoid-list item after a
preview, see it flag the next prospect — while the recover period asks before accepting
a big one. Then the yearly review, in German."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rapport.clients.models import Client
from rapport.health.models import Enjoyment
from rapport.intake import services as intake
from rapport.intake.models import IdealClientProfile
from tests.billing.factories import billable_client, make_billable
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_client, make_workspace
from tests.journal.conftest import paid

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reflect_after_an_ending_and_the_lesson_guards_the_intake(page, django_user_model):
    user = django_user_model.objects.create_user("lena@example.com", PASSWORD,
                                                 name="Lena Hoffmann", language="en")
    workspace = make_workspace(user, name="Lena Hoffmann Text")
    client = make_client(workspace, "Sturmfront GmbH")
    today = timezone.localdate()
    client.change_status(Client.Status.ACTIVE, on=today - dt.timedelta(days=200))
    client.change_status(Client.Status.OFFBOARDING, on=today - dt.timedelta(days=5))
    log_in(page, "lena@example.com")

    # The ending, on the client page; then the page offers the journal.
    page.goto(f"{page.base_url}{client.get_absolute_url()}")
    page.get_by_label("New status").select_option("former")
    page.get_by_label("Reason").fill("Ended after months of unpaid extra work.")
    page.get_by_role("button", name="Change status").click()
    offer = page.get_by_test_id("journal-offer")
    expect(offer).to_contain_text("This relationship has ended.")
    screenshot(page, "journal-offer-on-client")
    offer.get_by_role("link", name="Reflect in the journal").click()

    # The entry: guided prompts, the client and the occasion already chosen.
    expect(page.get_by_label("Client")).to_have_value(str(client.pk))
    expect(page.get_by_label("Occasion")).to_have_value("termination")
    page.get_by_label("Did I ignore a bad gut feeling?").fill(
        "Yes. In the first call they said their last three freelancers 'did not get it'.")
    page.get_by_label("Did I say yes out of scarcity?").fill(
        "Partly — two projects had just ended.")
    page.get_by_label("Which patterns did I train?").fill(
        "I answered on Sundays and did small extras for free.")
    page.get_by_label("Lessons (one per line)").fill(
        "Agencies that resell my work as their own\nDeposit before any work starts")
    screenshot(page, "journal-entry-form")
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_text("Journal entry saved.")).to_be_visible()
    expect(page.get_by_test_id("lesson")).to_have_count(2)

    # One lesson becomes an avoid-list item: first the preview, then the confirmation.
    first = page.get_by_test_id("lesson").first
    first.get_by_role("link", name="Avoid-list item").click()
    page.get_by_label("Add to the avoid list").fill("Agencies reselling my work")
    page.get_by_role("button", name="Show the change").click()
    preview = page.get_by_test_id("change-preview")
    expect(preview.get_by_test_id("preview-before")).to_contain_text("(empty)")
    expect(preview.get_by_test_id("preview-after")).to_contain_text(
        "Agencies reselling my work")
    assert IdealClientProfile.objects.get(workspace=workspace).avoid_list == []
    screenshot(page, "journal-change-preview")
    page.get_by_test_id("confirm-change").click()
    expect(page.get_by_text("Changed: Avoid list.")).to_be_visible()
    made = page.get_by_test_id("lesson-changes")
    expect(made).to_contain_text("Agencies reselling my work")
    screenshot(page, "journal-entry-with-change")

    # The link leads to the profile, where the item now is.
    made.get_by_role("link", name="open").click()
    expect(page.get_by_label("Avoid list")).to_have_value("Agencies reselling my work")

    # The dashboard counts the recover period.
    page.get_by_role("link", name="Dashboard").first.click()
    period = page.get_by_test_id("recover-period")
    expect(period).to_contain_text("30 days left after the end with Sturmfront GmbH")
    screenshot(page, "journal-dashboard-recover")

    # A new prospect of that kind: the fit report flags it, and the recover period asks.
    interview = intake.create_prospect(workspace, name="Weiterverkauf Media",
                                       language="en")
    intake.save_answers(interview, {
        "business": "We are agencies reselling my work to our own customers, white-label",
        "budget_min": "9000", "budget_max": "12000"}, by_prospect=False)
    page.goto(f"{page.base_url}{interview.get_absolute_url()}")
    row = page.locator('tr[data-key="business"]')
    expect(row).to_contain_text("Dealbreaker")
    expect(row).to_contain_text("Agencies reselling my work")
    warning = page.get_by_test_id("recover-warning")
    expect(warning).to_contain_text("You are in your recover period.")
    warning.scroll_into_view_if_needed()
    screenshot(page, "journal-intake-recover-warning")
    page.get_by_role("button", name="Accept as client").click()
    expect(page.get_by_text("tick the box to take this client on anyway")).to_be_visible()
    interview.client.refresh_from_db()
    assert interview.client.status == Client.Status.PROSPECT

    # The yearly review and the journal, in German: one client who was a joy, paid.
    make_billable(workspace)
    joy = billable_client(workspace, "Lichtblick eG", status=Client.Status.ACTIVE)
    Enjoyment.objects.create(workspace=workspace, client=joy, rating=5)
    paid(joy, "6000.00", dt.date(today.year, 1, 1))
    Client.objects.filter(pk=client.pk).update(street="Deichstr. 4", postal_code="20459",
                                               city="Hamburg")
    client.refresh_from_db()
    paid(client, "2500.00", dt.date(today.year, 1, 1))
    user.language = "de"
    user.save(update_fields=["language"])
    page.goto(f"{page.base_url}/journal/review/")
    expect(page.get_by_role("heading", name=f"Jahresrückblick {today.year}")).to_be_visible()
    expect(page.get_by_test_id("happy")).to_contain_text("Lichtblick eG")
    expect(page.get_by_test_id("year-chart")).to_be_visible()
    expect(page.get_by_test_id("year-chart")).to_contain_text("Nettoumsatz in EUR")
    expect(page.get_by_test_id("year-lessons")).to_contain_text(
        "Agencies that resell my work as their own")
    screenshot(page, "journal-review-de")
    page.goto(f"{page.base_url}/journal/")
    page.get_by_test_id("journal-entries").get_by_role("link").first.click()
    expect(page.get_by_text("Habe ich ein schlechtes Bauchgefühl ignoriert?")).to_be_visible()
    screenshot(page, "journal-entry-de")
