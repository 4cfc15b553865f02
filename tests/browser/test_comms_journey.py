"""Reading the client's behaviour: upload an mbox, watch it import, see the messages on the
right client, assign an unknown sender, import a calendar with a last-minute cancellation."""

import datetime as dt

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from rapport.comms.models import Message
from tests.browser.conftest import log_in, screenshot
from tests.comms.helpers import DATA, kranich
from tests.conftest import PASSWORD, make_workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def _calendar(path, start: dt.datetime, cancelled_at: dt.datetime):
    fmt = "%Y%m%dT%H%M%SZ"
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google Calendar//EN\r\n"
        "BEGIN:VEVENT\r\nUID:journey-call@google.com\r\n"
        f"DTSTART:{start:{fmt}}\r\nDTEND:{start + dt.timedelta(hours=1):{fmt}}\r\n"
        f"DTSTAMP:{cancelled_at:{fmt}}\r\nLAST-MODIFIED:{cancelled_at:{fmt}}\r\n"
        "SEQUENCE:1\r\nSTATUS:CANCELLED\r\nSUMMARY:Katalog-Abstimmung\r\n"
        "ORGANIZER:mailto:anna@kranich.example\r\n"
        "ATTENDEE;PARTSTAT=ACCEPTED:mailto:mara@berg-text.example\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n")
    return path


def test_upload_mail_assign_sender_and_see_a_late_cancellation(page, django_user_model,
                                                               tmp_path):
    user = django_user_model.objects.create_user("mara@berg-text.example", PASSWORD,
                                                 language="en")
    workspace = make_workspace(user, name="Mara Berg Text")
    client = kranich(workspace)
    log_in(page, "mara@berg-text.example")

    # Upload an mbox export: it is queued, then imported in the background.
    page.get_by_role("link", name="Inbox").first.click()
    page.get_by_label("Mail or calendar file").set_input_files(str(DATA / "sample.mbox"))
    page.get_by_role("button", name="Import").click()
    run = page.get_by_test_id("import-run").first
    expect(run.get_by_test_id("import-state")).to_have_text("Queued")
    screenshot(page, "comms-import-queued")
    _worker()
    expect(run.get_by_test_id("import-state")).to_have_text("Done", timeout=5000)
    # When it is done the page reloads with the new senders and messages.
    expect(page.get_by_test_id("sender-sam.stranger@gmail.com")).to_be_visible()
    expect(run).to_contain_text("5 imported, 0 already known")
    run.get_by_text("2 problems").click()
    expect(run).to_contain_text("message 5, line 79: no headers")
    screenshot(page, "comms-import-done")

    # The messages are on the right client.
    page.goto(f"{page.base_url}/inbox/clients/{client.pk}/")
    timeline = page.get_by_test_id("comms-timeline")
    expect(timeline).to_contain_text("Neue Idee für den Katalog")
    expect(timeline).to_contain_text("Bernd Kranich")
    expect(timeline).not_to_contain_text("Quick question about your rates")

    # Who is this? The unknown sender becomes a contact of Kranich Verlag.
    page.get_by_role("link", name="Inbox").first.click()
    row = page.get_by_test_id("sender-sam.stranger@gmail.com")
    row.get_by_label("Client for sam.stranger@gmail.com").select_option(label=client.name)
    row.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("sam.stranger@gmail.com is now a contact of Kranich Verlag")
           ).to_be_visible()
    expect(page.get_by_test_id("sender-sam.stranger@gmail.com")).to_have_count(0)
    assert Message.objects.get(from_address="sam.stranger@gmail.com").client == client

    # A calendar with a meeting the client cancelled two hours before it started.
    start = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).replace(
        hour=9, minute=0, second=0, microsecond=0)
    ics = _calendar(tmp_path / "calendar.ics", start, start - dt.timedelta(hours=2))
    page.get_by_label("Mail or calendar file").set_input_files(str(ics))
    page.get_by_role("button", name="Import").click()
    _worker()
    expect(page.get_by_test_id("import-state").first).to_have_text("Done", timeout=5000)

    page.goto(f"{page.base_url}/inbox/clients/{client.pk}/")
    timeline = page.get_by_test_id("comms-timeline")
    expect(timeline).to_contain_text("Katalog-Abstimmung")
    expect(timeline).to_contain_text("cancelled 2 h before start")
    expect(timeline).to_contain_text("Quick question about your rates")
    expect(page.get_by_test_id("comms-counts")).to_contain_text("Cancelled meetings")
    screenshot(page, "comms-client-timeline")
