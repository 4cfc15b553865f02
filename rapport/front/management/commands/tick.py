"""`rapport tick`: the scheduler's heartbeat. Run it from cron or a systemd timer hourly.

It enqueues the periodic tasks for the worker (`rapport worker`); with `--now` it runs
them in this process instead. Every periodic task is idempotent, so extra ticks are harmless.

The tick is for work that depends on the clock: mail and calendar polling, retainer
invoices and reminders that fall due, facts that age (days late, days without an answer;
`detect_new_signals` rereads those once a day and catches anything an event missed), the
new day's health snapshots, expired offers and sessions. New facts do not wait for it:
their commit queues the follow-up at once (`rapport.core.pipeline`).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from rapport.agreements.tasks import expire_overdue_offers
from rapport.billing.tasks import bill_retainers
from rapport.comms.tasks import refresh_calendars, sync_mail_accounts
from rapport.core.tasks import clear_expired_sessions
from rapport.dunning.tasks import run_reminders
from rapport.health.tasks import refresh_health
from rapport.offboarding.tasks import anonymise_invoices
from rapport.signals.tasks import detect_new_signals

PERIODIC = [sync_mail_accounts, refresh_calendars, bill_retainers, run_reminders,
            detect_new_signals, refresh_health, expire_overdue_offers, clear_expired_sessions,
            anonymise_invoices]


class Command(BaseCommand):
    help = "Enqueue (or with --now run) the periodic tasks."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--now", action="store_true", help="Run the tasks here and now.")

    def handle(self, *args: object, now: bool = False, **options: object) -> None:
        for periodic in PERIODIC:
            if now:
                result = periodic.call()
                self.stdout.write(f"{periodic.name}: {result}")
            else:
                periodic.enqueue()
                self.stdout.write(f"{periodic.name}: enqueued")
