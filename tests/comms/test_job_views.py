"""What the inbox shows about background work: queued, waiting for a worker, running with
a count, done, failed with a reason and what to do — for imports and for syncs."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from rapport.comms.crypto import encrypt
from rapport.comms.models import CalendarSubscription, ImportRun, MailAccount, Message
from tests.comms.dovecot import imap_server  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def lan_install(settings):
    """dovecot listens on loopback: allowed only as on a self-hosted LAN install."""
    settings.RAPPORT_ALLOW_PRIVATE_ADDRESSES = True


def _run(workspace, **fields) -> ImportRun:
    fields.setdefault("queued_at", timezone.now())
    return ImportRun.objects.create(workspace=workspace, kind="mail",
                                    filename="archive.mbox", path="/nonexistent/archive.mbox",
                                    total_bytes=10_000, **fields)


def _fragment(http, run: ImportRun) -> str:
    return http.get(f"/inbox/imports/{run.pk}/").content.decode()


def test_a_fresh_upload_says_it_waits_for_the_worker_to_start(owner_http, workspace):
    run = _run(workspace)
    page = owner_http.get("/inbox/").content.decode()
    assert "Queued" in page and "Waiting for the background worker to start it" in page
    assert "Still waiting for the background worker" not in page
    assert f'hx-get="/inbox/imports/{run.pk}/"' in page, "the inbox keeps asking"


def test_an_upload_queued_for_long_says_no_worker_seems_to_run_and_how_to_start_one(
        owner_http, workspace):
    run = _run(workspace, queued_at=timezone.now() - dt.timedelta(minutes=1))
    fragment = _fragment(owner_http, run)
    assert "Still waiting for the background worker. Is it running?" in fragment
    assert "<code>make demo</code>" in fragment and "<code>rapport serve</code>" in fragment


def test_a_running_import_shows_a_progress_bar_and_the_count_so_far(owner_http, workspace):
    run = _run(workspace, state="running", done_bytes=4_200, imported=1234, duplicates=3,
               heartbeat_at=timezone.now())
    fragment = _fragment(owner_http, run)
    assert "Running" in fragment
    assert '<progress value="42" max="100"' in fragment
    assert "42 % · 1234 imported, 3 already known" in fragment
    assert "hx-trigger=\"every 1s\"" in fragment


def test_a_finished_import_reloads_the_inbox_once_and_stops_polling(owner_http, workspace):
    run = _run(workspace, state="done", imported=5)
    response = owner_http.get(f"/inbox/imports/{run.pk}/", HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"
    fragment = response.content.decode()
    assert "Done" in fragment and "5 imported, 0 already known" in fragment
    assert "hx-trigger" not in fragment


def test_a_failed_import_says_why_and_what_to_do_and_offers_to_try_again(
        owner_http, workspace, django_capture_on_commit_callbacks):
    run = _run(workspace, state="failed", failure="unreadable", imported=700,
               finished_at=timezone.now())
    response = owner_http.get(f"/inbox/imports/{run.pk}/", HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in response, "a failure stays on screen"
    fragment = response.content.decode()
    assert "Failed" in fragment and "hx-trigger" not in fragment
    assert "The file could not be read." in fragment
    assert "Check that it is an .mbox, .eml or .ics file" in fragment
    assert "700 imported" in fragment
    assert "Try again" in fragment

    with django_capture_on_commit_callbacks(execute=True):
        page = owner_http.post(f"/inbox/imports/{run.pk}/retry/", follow=True)
    assert "is queued again; it continues where it stopped" in page.content.decode()
    run.refresh_from_db()
    assert (run.state, run.failure) == ("queued", "")
    assert DBTaskResult.objects.ready().filter(task_path__endswith="import_upload").count() == 1


def test_an_import_whose_file_is_gone_asks_for_the_file_again_without_a_retry_button(
        owner_http, workspace):
    run = _run(workspace, state="failed", failure="file_missing")
    fragment = _fragment(owner_http, run)
    assert "The uploaded file is no longer on the server." in fragment
    assert "Upload the file again" in fragment and "Try again" not in fragment
    assert owner_http.post(f"/inbox/imports/{run.pk}/retry/").status_code == 302
    assert ImportRun.objects.get().state == "failed"


def test_the_states_read_in_german_too(owner_http, owner, workspace):
    owner.language = "de"
    owner.save()
    queued = _run(workspace, queued_at=timezone.now() - dt.timedelta(minutes=1))
    failed = _run(workspace, state="failed", failure="interrupted")
    assert "Wartet noch auf den Hintergrunddienst. Läuft er?" in _fragment(owner_http, queued)
    fragment = _fragment(owner_http, failed)
    assert "Der Import wurde mehrmals unterbrochen." in fragment
    assert "Erneut versuchen" in fragment


@pytest.fixture
def account(workspace) -> MailAccount:
    return MailAccount.objects.create(workspace=workspace, name="Work", host="imap.example",
                                      username="mara", password_encrypted=encrypt("x"))


def test_a_manual_sync_shows_as_queued_and_the_list_keeps_asking(
        owner_http, account, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page = owner_http.post(f"/inbox/accounts/{account.pk}/sync/", follow=True)
    html = page.content.decode()
    assert "Sync queued" in html and 'hx-get="/inbox/syncs/"' in html
    assert DBTaskResult.objects.ready().filter(task_path__endswith="sync_one_account").exists()
    started = timezone.now() - dt.timedelta(seconds=5)
    MailAccount.objects.filter(pk=account.pk).update(sync_state="running",
                                                     sync_started_at=started)
    for n in range(3):
        Message.objects.create(workspace=account.workspace, dedup_key=f"k{n}",
                               thread_key="t", date=started, direction="in", source="imap")
    html = owner_http.get("/inbox/syncs/").content.decode()
    assert "Syncing now" in html and "3 new messages so far" in html


def test_a_failed_sync_shows_a_generic_reason_and_what_to_do_never_the_servers_words(
        owner_http, account):
    MailAccount.objects.filter(pk=account.pk).update(
        sync_state="failed", sync_failure="login",
        last_error="* BYE internal host 10.0.0.7 says go away")
    html = owner_http.get("/inbox/").content.decode()
    assert "Sync failed" in html
    assert "The server did not accept the user name or password." in html
    assert "Check the user name and password under “Edit”, then sync again." in html
    assert "10.0.0.7" not in html and "go away" not in html
    assert 'hx-get="/inbox/syncs/"' not in html, "nothing to wait for"


def test_a_sync_queued_for_long_says_the_worker_does_not_seem_to_run(owner_http, account):
    MailAccount.objects.filter(pk=account.pk).update(
        sync_state="queued", sync_queued_at=timezone.now() - dt.timedelta(minutes=2))
    html = owner_http.get("/inbox/syncs/").content.decode()
    assert "Still waiting for the background worker" in html


def test_a_failed_calendar_refresh_shows_what_to_do(owner_http, workspace):
    CalendarSubscription.objects.create(
        workspace=workspace, name="Kunden", url="https://example.org/c.ics",
        sync_state="failed", sync_failure="fetch", last_error="<urlopen error secret>")
    html = owner_http.get("/inbox/").content.decode()
    assert "The calendar could not be fetched or read." in html
    assert "public calendar (ICS) link" in html and "secret" not in html


@pytest.mark.django_db(transaction=True)
def test_a_first_sync_with_a_wrong_password_shows_the_error_on_the_account(
        owner_http, workspace, imap_server, request):  # noqa: F811
    from django.core.management import call_command

    owner_http.post("/inbox/accounts/new/", {
        "name": "Work", "host": imap_server.host, "port": imap_server.port,
        "security": "none", "username": request.node.name[5:40], "password": "wrong",
        "folders": "INBOX"})
    account = MailAccount.objects.get()
    assert "Sync queued" in owner_http.get("/inbox/").content.decode()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    account.refresh_from_db()
    assert (account.sync_state, account.sync_failure) == ("failed", "login")
    html = owner_http.get("/inbox/").content.decode()
    assert "The server did not accept the user name or password." in html


def test_an_upload_behind_a_long_import_says_the_worker_is_busy_not_missing(
        owner_http, workspace):
    _run(workspace, state="running", heartbeat_at=timezone.now())
    waiting = _run(workspace, queued_at=timezone.now() - dt.timedelta(minutes=1))
    fragment = _fragment(owner_http, waiting)
    assert "The background worker is busy with other work" in fragment
    assert "Is it running?" not in fragment
