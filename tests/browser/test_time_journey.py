"""Tracking time in the browser: the header timer across pages and reloads, the time page,
invoicing the unbilled time, and importing a Toggl Track report."""

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from rapport.clients.models import Project
from rapport.timetracking.models import TimeEntry
from tests.billing.factories import billable_client, make_billable, project_for
from tests.browser.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOGGL = Path(__file__).parents[1] / "timetracking" / "data" / "toggl_detailed.csv"


def test_the_timer_runs_across_pages_and_reloads_then_becomes_an_invoice(page, owner,
                                                                        workspace):
    make_billable(workspace)
    client = billable_client(workspace, "Kranich Verlag GmbH", language="en")
    project_for(client, "95.00", name="Autumn catalogue", rate_type=Project.RateType.HOURLY)
    log_in(page, owner.email)

    # Start on the clients page.
    page.goto(f"{page.base_url}/clients/")
    page.get_by_test_id("timer-client").hover()  # the names load when the select is used
    page.get_by_test_id("timer-client").select_option(label="Kranich Verlag GmbH")
    page.get_by_test_id("timer-start").click()
    running = page.get_by_test_id("timer-running")
    expect(running).to_contain_text("Kranich Verlag GmbH")
    clock = running.locator("time")
    first = clock.inner_text()
    expect(clock).not_to_have_text(first, timeout=4000)  # it counts up by itself

    # Another page, reloaded: the same timer, still running.
    page.goto(f"{page.base_url}/invoices/")
    page.reload()
    expect(page.get_by_test_id("timer-running")).to_contain_text("Kranich Verlag GmbH")
    entry = TimeEntry.objects.get()
    TimeEntry.objects.filter(pk=entry.pk).update(
        started_at=entry.started_at - dt.timedelta(minutes=25))  # as if started earlier
    page.reload()
    expect(page.get_by_test_id("timer-running").locator("time")).to_have_text(
        re.compile(r"^0:25:\d\d$"))
    screenshot(page, "time-01-timer-running")

    page.get_by_test_id("timer-stop").click()
    expect(page.get_by_text("Stopped: 0:25 h for Kranich Verlag GmbH.")).to_be_visible()
    expect(page.get_by_test_id("timer-idle")).to_be_visible()
    assert page.url.endswith("/invoices/")  # stopped where we were

    # The entry on the time page; give it the project and a description.
    page.get_by_role("link", name="Time", exact=True).click()
    table = page.get_by_test_id("time-entries")
    expect(table).to_contain_text("Kranich Verlag GmbH")
    expect(table).to_contain_text("0:25")
    table.get_by_role("link", name="Edit").click()
    page.get_by_label("Project").select_option(label="Kranich Verlag GmbH · Autumn catalogue")
    page.get_by_label("Description").fill("Proofreading chapter 3")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Time entry saved.")).to_be_visible()

    # A second entry by hand, then invoice the unbilled time.
    page.get_by_test_id("new-entry").click()
    page.get_by_label("Client").select_option(label="Kranich Verlag GmbH")
    page.get_by_label("Project").select_option(label="Kranich Verlag GmbH · Autumn catalogue")
    page.get_by_label("Date").fill("2026-03-02")
    page.get_by_label("From").fill("09:00")
    page.get_by_label("Duration").fill("1:35")
    page.get_by_label("Description").fill("Index")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved 1:35 h for Kranich Verlag GmbH.")).to_be_visible()
    page.get_by_label("Client").select_option(label="Kranich Verlag GmbH")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id("total")).to_have_text("2:00")
    screenshot(page, "time-02-time-page")
    page.get_by_test_id("invoice-time").click()
    page.get_by_test_id("create-invoice").click()
    expect(page.get_by_text("2 time entries are on this draft invoice.")).to_be_visible()
    expect(page.locator("body")).to_contain_text("Autumn catalogue")
    screenshot(page, "time-03-draft-invoice")

    page.get_by_role("link", name="Time", exact=True).click()
    expect(page.get_by_test_id("time-entries")).to_contain_text("On a draft invoice")


def test_a_toggl_report_is_imported_after_mapping_the_unknown_names(page, owner, workspace):
    acme = billable_client(workspace, "Acme GmbH")
    Project.objects.create(workspace=workspace, client=acme, name="Website Relaunch", amount=0)
    log_in(page, owner.email)
    page.goto(f"{page.base_url}/time/")
    page.get_by_role("link", name="Import from Toggl, Clockify or CSV").click()
    page.get_by_label("Toggl Track (detailed report, CSV)").check()
    page.get_by_label("CSV file").set_input_files(str(TOGGL))
    page.get_by_role("button", name="Read the file").click()
    expect(page.get_by_text("5 entries with 6:30 h are ready to import.")).to_be_visible()
    clients = page.get_by_test_id("map-client")
    clients.nth(0).select_option("skip")  # (no client)
    clients.nth(1).select_option("new")   # Kranich Verlag
    page.get_by_test_id("map-project").select_option("new")
    screenshot(page, "time-04-import-mapping")
    page.get_by_test_id("run-import").click()
    expect(page.get_by_text("Import finished: 4 new entries, 0 already imported, 1 skipped "
                            "as you chose.")).to_be_visible()
    expect(page.get_by_test_id("time-entries")).to_contain_text("Cover drafts")
    screenshot(page, "time-05-imported")

    page.get_by_role("button", name="DE", exact=True).click()  # the same page in German
    expect(page.get_by_role("heading", name="Zeit", exact=True)).to_be_visible()
    expect(page.get_by_test_id("time-entries")).to_contain_text("Termine")
    expect(page.get_by_test_id("timer-start")).to_have_text("Timer starten")
    screenshot(page, "time-06-german")
