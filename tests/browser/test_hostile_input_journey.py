"""Bad input from one workspace stays its own problem: an internal calendar address is
refused, a calendar that repeats every second is skipped with a note, a file that is too
big is refused while it arrives."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from rapport.comms.models import CalendarSubscription, Meeting
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BOMB = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//bomb//EN\r\n"
        "BEGIN:VEVENT\r\nUID:bomb@example\r\nSUMMARY:Every second\r\n"
        "DTSTART:20260101T000000Z\r\nDURATION:PT1S\r\nRRULE:FREQ=SECONDLY\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n")


def _worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_internal_addresses_bombs_and_huge_files_are_refused_with_a_clear_note(
        page, django_user_model, tmp_path, settings):
    user = django_user_model.objects.create_user("mara@berg-text.example", PASSWORD,
                                                 language="en")
    workspace = make_workspace(user, name="Mara Berg Text")
    workspace.language = "en"
    workspace.save()
    log_in(page, "mara@berg-text.example")

    # The cloud metadata address is refused when the subscription is saved.
    page.goto(f"{page.base_url}/inbox/calendars/new/")
    page.get_by_label("Name").fill("Team")
    page.get_by_label("ICS address").fill("http://169.254.169.254/latest/meta-data/")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("This address points into a private network")).to_be_visible()
    assert not CalendarSubscription.objects.exists()
    screenshot(page, "hostile-private-calendar-refused")

    # A name that later points inside is refused at fetch time; the inbox says so in
    # general terms.
    CalendarSubscription.objects.create(workspace=workspace, name="Moved calendar",
                                        url="http://localhost:9/cal.ics")
    page.goto(f"{page.base_url}/inbox/")
    page.get_by_role("button", name="Refresh now").click()
    _worker()
    page.goto(f"{page.base_url}/inbox/")
    expect(page.get_by_text("Could not reach the calendar: the address is not allowed.")
           ).to_be_visible()

    # A calendar whose event repeats every second imports at once, the event skipped.
    bomb = tmp_path / "bomb.ics"
    bomb.write_text(BOMB)
    page.get_by_label("Mail or calendar file").set_input_files(str(bomb))
    page.get_by_role("button", name="Import").click()
    _worker()
    run = page.get_by_test_id("import-run").first
    expect(run.get_by_test_id("import-state")).to_have_text("Done", timeout=5000)
    run.get_by_text("1 problem").click()
    expect(run).to_contain_text("“Every second”: Skipped: it repeats more often than every "
                                "hour.")
    assert not Meeting.objects.exists()
    screenshot(page, "hostile-bomb-skipped")

    # A file above the upload limit is refused with the limit named.
    settings.RAPPORT_MAX_UPLOAD_MB = 1
    big = tmp_path / "export.mbox"
    big.write_bytes(b"From a@b.example Mon Nov  2 10:00:00 2026\nSubject: x\n\n"
                    + b"x" * (1024 * 1024 + 100))
    page.get_by_label("Mail or calendar file").set_input_files(str(big))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("The file is larger than 1 MB")).to_be_visible()
    screenshot(page, "hostile-upload-too-large")
