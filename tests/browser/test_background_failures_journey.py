"""Background work that failed says so and is not lost: signal detection that failed for
the workspace is shown on its dashboard and retried by the next run; a mail sync that kept
killing its worker ends failed with what to do."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rapport.comms.crypto import encrypt
from rapport.comms.jobs import MAX_ATTEMPTS, requeue_stale_runs
from rapport.comms.models import MailAccount
from rapport.signals import services
from tests.browser.conftest import log_in, screenshot
from tests.comms.helpers import kranich
from tests.conftest import PASSWORD, make_workspace
from tests.signals.helpers import message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_failed_detection_and_an_interrupted_sync_are_shown_and_detection_is_retried(
        page, django_user_model, monkeypatch):
    user = django_user_model.objects.create_user("mara@berg-text.example", PASSWORD,
                                                 language="en")
    workspace = make_workspace(user, name="Mara Berg Text")
    client = kranich(workspace)
    message(workspace, client, "Honestly, this is amateurish. What are we paying you for?",
            timezone.now() - dt.timedelta(hours=2))

    real = services.rejudge_facts

    def locked(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("database is locked")

    monkeypatch.setattr(services, "rejudge_facts", locked)
    services.detect_new(daily=False)
    account = MailAccount.objects.create(
        workspace=workspace, name="Work", host="imap.berg-text.example", port=993,
        username="mara", password_encrypted=encrypt("secret"), folders="INBOX",
        sync_state="running", sync_attempts=MAX_ATTEMPTS,
        sync_heartbeat_at=timezone.now() - dt.timedelta(minutes=10))
    requeue_stale_runs()

    log_in(page, "mara@berg-text.example")
    retry = page.get_by_test_id("detection-retry")
    expect(retry).to_have_text("Signal detection failed for 1 message — it will be retried.")
    screenshot(page, "dashboard-detection-retry")

    page.get_by_role("link", name="Inbox").first.click()
    failure = page.get_by_test_id("sync-failure")
    expect(failure).to_contain_text("The sync was interrupted several times.")
    expect(failure).to_contain_text("look at the worker's log")
    screenshot(page, "inbox-sync-interrupted")
    assert MailAccount.objects.get(pk=account.pk).sync_state == "failed"

    monkeypatch.setattr(services, "rejudge_facts", real)
    services.detect_new(daily=False)  # the next run, e.g. the follow-up of any commit
    page.goto(f"{page.base_url}/")
    expect(page.get_by_test_id("background")).to_be_visible()
    expect(retry).to_have_count(0)
    page.goto(f"{page.base_url}/signals/clients/{client.pk}/")
    expect(page.locator("article.signal").filter(has_text="Disrespect")).to_contain_text(
        "amateurish")
