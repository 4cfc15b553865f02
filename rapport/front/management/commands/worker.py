"""`rapport worker`: run background tasks; with --tick-every it is also the scheduler.

On a server, run `rapport worker` as a service and `rapport tick` from a timer (or give
one of the workers --tick-every). On a laptop, `rapport serve` starts the web server and
`rapport worker --tick-every 15` together.

Next to the task loop, a thread records the worker's heartbeat every few seconds (the
dashboard warns when it stops) and, with --tick-every, runs the tick when it is due by
the clock in the database — one worker per interval, whatever the number of workers,
restarts or hours the laptop slept.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DatabaseError, connection
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django_tasks_db.management.commands.db_worker import Worker

from rapport.banking.jobs import requeue_stale_imports
from rapport.comms.jobs import requeue_stale_runs
from rapport.core import background, interrupted
from rapport.core.tasklimits import limit_memory

logger = logging.getLogger(__name__)

class Command(BaseCommand):
    help = "Run queued background tasks; optionally enqueue the periodic ones too."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--tick-every", type=int, default=0, metavar="MINUTES",
                            help="Also run the scheduler tick every MINUTES (0: never).")
        parser.add_argument("--interval", type=float, default=0.5,
                            help="Seconds to wait when the queue is empty.")
        parser.add_argument("--once", action="store_true",
                            help="Process what is queued (after one tick) and exit.")

    def handle(self, *args: object, tick_every: int = 0, interval: float = 0.5,
               once: bool = False, **options: object) -> None:
        every = dt.timedelta(minutes=tick_every) if tick_every else None
        me = interrupted.new_worker_id()
        limit_memory(settings.RAPPORT_TASK_MEMORY_MB)  # one task cannot take the machine
        # django-tasks-db's worker, in batch mode: it returns when the queue is empty, and
        # on Ctrl-C or SIGTERM it finishes the task at hand (a second signal stops at once).
        worker = Worker(queue_names=[DEFAULT_TASK_QUEUE_NAME], interval=interval, batch=True,
                        backend_name=DEFAULT_TASK_BACKEND_ALIAS, startup_delay=False,
                        max_tasks=None, excluded_queue_names=[],
                        worker_id=me)
        if once:
            background.beat()
            interrupted.beat(me)
            requeue_stale_runs()
            requeue_stale_imports()
            interrupted.requeue_interrupted_tasks(me)
            if every:
                call_command("tick", stdout=self.stdout)
            worker.configure_signals()
            worker.run()
            interrupted.stopped(me)
            return
        stop = threading.Event()
        pulse = threading.Thread(target=self._pulse, args=(every, stop, me), daemon=True,
                                 name="rapport-heartbeat")
        pulse.start()
        try:
            worker.configure_signals()
            scanned = -float("inf")
            while worker.running:
                requeue_stale_runs()  # imports and syncs whose worker died continue here
                requeue_stale_imports()
                # Every other task, once per heartbeat (a scan of the running entries).
                if time.monotonic() - scanned >= interrupted.beat_every(background.BEAT_SECONDS):
                    interrupted.requeue_interrupted_tasks(me)
                    scanned = time.monotonic()
                worker.run()
                if worker.running:
                    time.sleep(interval)
        finally:
            stop.set()
            pulse.join(timeout=5)
            try:
                interrupted.stopped(me)
            except DatabaseError:
                logger.warning("could not remove this worker's heartbeat", exc_info=True)

    def _pulse(self, every: dt.timedelta | None, stop: threading.Event, me: str) -> None:
        """Heartbeat and scheduler, in their own thread (and database connection)."""
        while not stop.is_set():
            try:
                background.beat()
                interrupted.beat(me)
                if every and background.claim_tick(every):
                    call_command("tick", stdout=self.stdout)
            except DatabaseError:  # a locked or restarting database: try again next beat
                logger.warning("heartbeat failed", exc_info=True)
            finally:
                connection.close()
            stop.wait(interrupted.beat_every(background.BEAT_SECONDS))
