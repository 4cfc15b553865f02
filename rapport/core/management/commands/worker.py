"""`rapport worker`: run background tasks; with --tick-every it is also its own scheduler.

On a server, run `rapport worker` as a service and `rapport tick` from a timer. On a
laptop, `rapport worker --tick-every 60` does both in one process.
"""

from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from rapport.comms.jobs import requeue_stale_runs


class Command(BaseCommand):
    help = "Run queued background tasks; optionally enqueue the periodic ones too."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--tick-every", type=int, default=0, metavar="MINUTES",
                            help="Also run the scheduler tick every MINUTES (0: never).")
        parser.add_argument("--interval", type=float, default=2.0,
                            help="Seconds to wait when the queue is empty.")
        parser.add_argument("--once", action="store_true",
                            help="Process what is queued (after one tick) and exit.")

    def handle(self, *args: object, tick_every: int = 0, interval: float = 2.0,
               once: bool = False, **options: object) -> None:
        next_tick = time.monotonic()
        while True:
            requeue_stale_runs()  # imports and syncs whose worker died continue here
            if tick_every and time.monotonic() >= next_tick:
                call_command("tick", stdout=self.stdout)
                next_tick = time.monotonic() + tick_every * 60
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload",
                         verbosity=0)
            if once:
                return
            time.sleep(interval)
