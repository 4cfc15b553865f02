"""`rapport sync-mail`: fetch new messages from every IMAP account (incremental, resumable)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from rapport.comms.imap import record_failure, sync_account
from rapport.comms.management.base import report
from rapport.comms.models import CalendarSubscription, MailAccount
from rapport.comms.subscriptions import refresh


class Command(BaseCommand):
    help = "Sync the IMAP accounts (and with --calendars the ICS subscriptions)."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--workspace", type=int, metavar="ID")
        parser.add_argument("--calendars", action="store_true",
                            help="Refresh the calendar subscriptions too.")

    def handle(self, *args: object, **options: object) -> None:
        accounts = MailAccount.objects.select_related("workspace").order_by("pk")
        if options["workspace"]:
            accounts = accounts.filter(workspace_id=options["workspace"])
        for account in accounts:
            try:
                result = sync_account(account)
            except Exception as exc:  # noqa: BLE001 - the next account is synced all the same
                self.stderr.write(f"{account}: {record_failure(account, exc)} ({exc!r})")
                continue
            report(self, f"{account} ({account.username})", result)
        if options["calendars"]:
            subs = CalendarSubscription.objects.select_related("workspace").order_by("pk")
            if options["workspace"]:
                subs = subs.filter(workspace_id=options["workspace"])
            for sub in subs:
                try:
                    report(self, sub.name, refresh(sub))
                except Exception as exc:  # noqa: BLE001 - the next calendar all the same
                    self.stderr.write(f"{sub.name}: {exc!r}")
