"""Background tasks whose worker died mid-run are run again, never silently lost.

Each `rapport worker` records a heartbeat of its own (a `Heartbeat` row named after the
worker, next to the shared "worker" row the dashboard reads). A queue entry still
"running" whose worker has not reported for `RAPPORT_JOB_LEASE_SECONDS` (or has no row:
it stopped, or predates these rows) belonged to a worker that was killed: the entry is
marked failed with a note, and the same task is queued again with the same arguments.
Our tasks are idempotent by design (each docstring says why), so running one twice is
harmless: the follow-up, signal detection and health refresh recompute from
checkpoints; retainer billing and reminder planning skip what exists; a reminder is
sent only by the worker that claimed its row (a claim left by a dead worker shows as
"uncertain", never sent twice). A task that kills its worker every time is retried
`MAX_RETRIES` times, then left failed.

Tasks that recover on their own (imports and syncs continue at their checkpoint, see
`rapport.comms.jobs`) register with `recovered_elsewhere()`: their dead entry is closed
but not queued again here.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import secrets
import socket
from traceback import format_exception

from django.conf import settings
from django.db import DatabaseError, transaction
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from rapport.core import clock
from rapport.core.models import Heartbeat

log = logging.getLogger(__name__)

MAX_RETRIES = 3
PREFIX = "w:"  # Heartbeat rows of single workers; "worker" (any worker) stays as it was
_RETRY = re.compile(r"retry (\d+) of")
_handled_elsewhere: set[str] = set()


class WorkerDied(Exception):
    """Recorded on the queue entry of a worker that stopped reporting mid-task."""


def new_worker_id() -> str:
    """A name for this worker process, unique also when a restart reuses the PID (a
    container's PID 1), short enough for its heartbeat row."""
    return f"{socket.gethostname()[:20]}-{os.getpid()}-{secrets.token_hex(3)}"


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.RAPPORT_JOB_LEASE_SECONDS)


def beat_every(default: float) -> float:
    """Seconds between heartbeats: often enough that a live worker never looks dead."""
    return min(default, max(lease().total_seconds() / 3, 0.5))


def beat(worker_id: str) -> None:
    """Record that this worker is alive (and still holds the tasks it runs)."""
    name = PREFIX + worker_id
    now = clock.now()
    if not Heartbeat.objects.filter(name=name).update(at=now):
        Heartbeat.objects.get_or_create(name=name, defaults={"at": now})


def stopped(worker_id: str) -> None:
    """A worker that exits removes its row; anything it left running is taken over."""
    Heartbeat.objects.filter(name=PREFIX + worker_id).delete()


def recovered_elsewhere(*tasks: object) -> None:
    """Tasks with their own recovery: close their dead entries, never queue them here."""
    _handled_elsewhere.update(task.module_path for task in tasks)  # type: ignore[attr-defined]


def requeue_interrupted_tasks(me: str = "") -> int:
    """Queue again the tasks of workers that died; called by every worker loop.

    A database error (SQLite busy) is logged and left for the next round.
    """
    try:
        return _requeue(me)
    except DatabaseError:
        log.exception("looking for interrupted tasks failed; trying again next round")
        return 0


def _requeue(me: str) -> int:
    cutoff = clock.now() - lease()
    alive = {name.removeprefix(PREFIX) for name in Heartbeat.objects.filter(
        name__startswith=PREFIX, at__gte=cutoff).values_list("name", flat=True)}
    count = 0
    # Started before the cutoff: a worker that just claimed a task before its first beat
    # is never mistaken for a dead one.
    for entry in DBTaskResult.objects.running().filter(started_at__lt=cutoff):
        holder = entry.worker_ids[-1] if entry.worker_ids else ""
        if holder == me or holder in alive:
            continue
        count += _take_over(entry, holder)
    Heartbeat.objects.filter(name__startswith=PREFIX, at__lt=cutoff).delete()
    if count:
        log.info("queued %s interrupted task(s) again", count)
    return count


def _take_over(entry: DBTaskResult, holder: str) -> int:
    with transaction.atomic():
        # Conditional: with several workers looking, one of them takes the entry over.
        if not DBTaskResult.objects.filter(pk=entry.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED, finished_at=clock.now()):
            return 0
        retries = _retries_before(entry)
        if entry.task_path in _handled_elsewhere:
            note, again = "it continues through its own recovery", None
        elif retries >= MAX_RETRIES:
            note, again = f"given up after {retries} retries", None
            log.warning("task %s (%s) stopped its worker %s times; left failed",
                        entry.pk, entry.task_path, retries + 1)
        else:
            try:
                task = entry.task
            except Exception:  # noqa: BLE001 - the task no longer exists: nothing to run
                note, again = "its task no longer exists", None
            else:
                again = task.enqueue(*entry.args_kwargs.get("args", []),
                                     **entry.args_kwargs.get("kwargs", {}))
                note = f"queued again as {again.id} (retry {retries + 1} of {MAX_RETRIES})"
        exc = WorkerDied(f"the worker {holder or '(unknown)'} stopped reporting; {note}")
        DBTaskResult.objects.filter(pk=entry.pk).update(
            exception_class_path=f"{WorkerDied.__module__}.{WorkerDied.__qualname__}",
            traceback="".join(format_exception(exc)))
    return 1 if again else 0


def _retries_before(entry: DBTaskResult) -> int:
    """How often this task was already queued again: the entry it replaced says so."""
    previous = DBTaskResult.objects.filter(
        status=TaskResultStatus.FAILED, traceback__contains=f"queued again as {entry.pk} ",
    ).values_list("traceback", flat=True).first()
    found = _RETRY.search(previous or "")
    return int(found.group(1)) if found else 0
