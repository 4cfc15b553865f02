"""Background work the user can follow: an upload waits for a worker (and says how to start
one), runs with a live count, survives its worker dying, ends done; a file that cannot be
read ends failed with what to do; a mail account with a wrong password says so."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from rapport.comms import mailimport
from rapport.comms.models import ImportRun, Message
from tests.browser.conftest import log_in, screenshot
from tests.comms.dovecot import imap_server  # noqa: F401
from tests.comms.helpers import kranich
from tests.comms.test_worker_killed_mid_import import write_mbox
from tests.conftest import PASSWORD, make_workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def lan_install(settings):
    """dovecot listens on loopback: allowed only as on a self-hosted LAN install."""
    settings.RAPPORT_ALLOW_PRIVATE_ADDRESSES = True


def _worker_dies_in_third_batch(monkeypatch) -> None:
    real_flush = mailimport.MessageStore.flush
    calls = {"n": 0}

    def flush(self, checkpoint=None):
        calls["n"] += 1
        if calls["n"] == 3:
            raise SystemExit("killed")  # like kill -9: the batch is never written
        real_flush(self, checkpoint)

    monkeypatch.setattr(mailimport.MessageStore, "flush", flush)


def test_an_import_waits_runs_survives_a_dead_worker_and_a_failure_says_what_to_do(
        page, django_user_model, tmp_path, monkeypatch, imap_server):  # noqa: F811
    user = django_user_model.objects.create_user("mara@berg-text.example", PASSWORD,
                                                 language="en")
    kranich(make_workspace(user, name="Mara Berg Text"))
    log_in(page, "mara@berg-text.example")
    page.get_by_role("link", name="Inbox").first.click()

    # No worker runs yet: the upload is queued, and after a while the page says why.
    page.get_by_label("Mail or calendar file").set_input_files(
        str(write_mbox(tmp_path / "archive.mbox", 1500)))
    page.get_by_role("button", name="Import").click()
    run = page.get_by_test_id("import-run").first
    expect(run.get_by_test_id("import-state")).to_have_text("Queued")
    expect(run).to_contain_text("Waiting for the background worker to start it")
    ImportRun.objects.update(queued_at=timezone.now() - dt.timedelta(minutes=1))
    expect(run.get_by_test_id("import-waiting")).to_contain_text(
        "Still waiting for the background worker. Is it running? It starts with make demo")
    screenshot(page, "jobs-waiting-for-worker")

    # A worker starts and dies after two batches: the page shows how far it got.
    monkeypatch.setattr(mailimport, "BATCH", 500)
    _worker_dies_in_third_batch(monkeypatch)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    expect(run.get_by_test_id("import-state")).to_have_text("Running")
    expect(run.get_by_test_id("import-counts")).to_contain_text("1000 imported")
    expect(run.locator("progress")).to_be_visible()
    screenshot(page, "jobs-running")

    # Its lease runs out; the next worker takes over at the checkpoint and finishes.
    monkeypatch.undo()
    ImportRun.objects.update(heartbeat_at=timezone.now() - dt.timedelta(minutes=5))
    call_command("worker", "--once")
    expect(page.get_by_test_id("import-state").first).to_have_text("Done", timeout=10_000)
    expect(page.get_by_test_id("import-run").first).to_contain_text(
        "1500 imported, 0 already known")
    assert Message.objects.count() == 1500

    # A file that cannot be read: failed, with the reason and what to do.
    page.get_by_label("Mail or calendar file").set_input_files(
        str(write_mbox(tmp_path / "second.mbox", 3)))
    page.get_by_role("button", name="Import").click()
    second = ImportRun.objects.get(filename="second.mbox")
    Path(second.path).unlink()
    Path(second.path).mkdir()  # unreadable as a file
    call_command("worker", "--once")
    Path(second.path).rmdir()
    failed = page.get_by_test_id("import-run").first
    expect(failed.get_by_test_id("import-state")).to_have_text("Failed")
    expect(failed.get_by_test_id("import-failure")).to_contain_text(
        "The file could not be read. Check that it is an .mbox, .eml or .ics file")
    expect(failed.get_by_role("button", name="Try again")).to_be_visible()
    screenshot(page, "jobs-import-failed")

    # A mail account with a wrong password: the first sync says what is wrong.
    page.get_by_role("link", name="Add a mail account").click()
    page.get_by_label("Name", exact=True).fill("Work")
    page.get_by_label("Server").fill(imap_server.host)
    page.get_by_label("Port").fill(str(imap_server.port))
    page.get_by_label("Security").select_option("none")
    page.get_by_label("User name").fill("journey")
    page.get_by_label("App password").fill("wrong")
    page.get_by_label("Folders").fill("INBOX")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("sync-state")).to_have_text("Sync queued")
    call_command("worker", "--once")
    expect(page.get_by_test_id("sync-state")).to_have_text("Sync failed", timeout=10_000)
    expect(page.get_by_test_id("sync-failure")).to_contain_text(
        "The server did not accept the user name or password. Check the user name and "
        "password under “Edit”, then sync again.")
    page.get_by_test_id("sync-failure").scroll_into_view_if_needed()
    screenshot(page, "jobs-sync-failed")
