"""Background tasks of comms, run by `rapport worker`; the periodic ones by `rapport tick`."""

from __future__ import annotations

from django_tasks import task

from rapport.comms import imap, subscriptions
from rapport.comms.models import ImportRun
from rapport.comms.services import run_import


@task()
def import_upload(run_pk: int) -> str:
    """Import an uploaded file; running it twice is harmless (claimed once, dedup)."""
    run = ImportRun.objects.filter(pk=run_pk).first()
    if run is None:
        return "gone"
    return run_import(run).state


@task()
def sync_mail_accounts() -> dict[str, int]:
    return imap.sync_all()


@task()
def refresh_calendars() -> int:
    return subscriptions.refresh_all()


@task()
def sync_one_account(account_pk: int) -> int:
    from rapport.comms.models import MailAccount

    account = MailAccount.objects.filter(pk=account_pk).select_related("workspace").first()
    return imap.sync_account(account).imported if account else 0


@task()
def refresh_one_calendar(subscription_pk: int) -> int:
    from rapport.comms.models import CalendarSubscription

    sub = CalendarSubscription.objects.filter(pk=subscription_pk).first()
    return subscriptions.refresh(sub).imported if sub else 0
