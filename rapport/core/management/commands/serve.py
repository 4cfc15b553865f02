"""`rapport serve`: everything a laptop install needs, in one command — the web server, the
background worker and the scheduler (the worker's tick). Ctrl-C or SIGTERM stops them all.

Each child runs in a process group of its own, so a Ctrl-C in the terminal reaches only
this command, which then stops the children in order (SIGTERM, and SIGKILL to whatever
is left after a grace period). On Linux a child is also told to stop if this command
dies without cleaning up (PR_SET_PDEATHSIG), so no server or worker is left behind.
If one child exits on its own, the others are stopped too and the exit code is passed on.

On a server, run the web server (gunicorn) and `rapport worker` as separate services.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand, CommandError

GRACE_SECONDS = 10


def _die_with_parent() -> None:  # runs in the child between fork and exec
    os.setsid()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PDEATHSIG


class Command(BaseCommand):
    help = "Serve the web app and run the background worker and scheduler, until Ctrl-C."
    requires_system_checks: list[str] = []  # the children check; start them at once

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--tick-every", type=int, default=15, metavar="MINUTES",
                            help="Run the scheduler tick every MINUTES (default: 15).")

    def handle(self, *args: object, host: str, port: int, tick_every: int,
               **options: object) -> None:
        command = [sys.executable, "-m", "rapport"]
        children = {
            "web": self._start([*command, "runserver", f"{host}:{port}", "--noreload",
                                "--skip-checks"]),
            "worker": self._start([*command, "worker", "--tick-every", str(tick_every)]),
        }
        shown = f"[{host}]" if ":" in host else host
        self.stdout.write(f"Rapport runs on http://{shown}:{port}/ with its background "
                          f"worker (scheduler every {tick_every} min). Stop with Ctrl-C.")
        self.stdout.flush()
        stopping: list[int] = []

        def on_signal(signum: int, _frame: object) -> None:
            stopping.append(signum)

        previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        failed = None
        try:
            while not stopping and failed is None:
                for name, child in children.items():
                    if child.poll() is not None:
                        failed = (name, child.returncode)
                        break
                else:
                    time.sleep(0.2)
        finally:
            self._stop(children.values())
            for number, handler in previous.items():
                signal.signal(number, handler)
        if failed is not None:
            raise CommandError(f"The {failed[0]} process stopped (exit code {failed[1]}); "
                               "the others were stopped too.", returncode=failed[1] or 1)

    def _start(self, argv: list[str]) -> subprocess.Popen:
        return subprocess.Popen(argv, preexec_fn=_die_with_parent)  # noqa: S603, PLW1509

    def _stop(self, children: object) -> None:
        children = [c for c in children if c.poll() is None]
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        for child in children:
            try:
                child.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGKILL)
                child.wait()
