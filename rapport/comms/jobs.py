"""Background work that cannot get stuck: leases on imports, visible states of syncs.

A worker claims an import with a conditional update that writes its id and a heartbeat;
every batch renews the heartbeat inside the batch's own transaction, or stops (and rolls
the batch back) when another worker has taken the import over. An import or sync whose
heartbeat is older than the lease belongs to a worker that died: `requeue_stale_runs()`,
called by every worker loop, queues it again and the next worker continues at its
checkpoint (the mbox offset, the folder's last UID). Messages are deduplicated by
Message-ID or content hash as well, so nothing is imported twice.
"""

from __future__ import annotations

import datetime as dt
import functools
import imaplib
import logging
import os
import secrets
import socket
import ssl
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.db import DatabaseError, models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce

from rapport.comms.models import CalendarSubscription, ImportRun, MailAccount, SyncStatus
from rapport.core import clock

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # an import or sync that killed its worker this often ends failed
WAITING_AFTER = dt.timedelta(seconds=15)  # a running worker picks work up within seconds
_TOKEN = secrets.token_hex(4)

State = ImportRun.State
SyncState = SyncStatus.SyncState
SyncFailure = SyncStatus.SyncFailure
T = TypeVar("T")


class LeaseLost(Exception):
    """Another worker has taken the import over; this one stops without writing."""


class WorkerDied(Exception):
    """Recorded on the queue entry of a worker that stopped reporting mid-task."""


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.RAPPORT_JOB_LEASE_SECONDS)


def worker_id() -> str:
    """This process, as written into the runs it holds."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{_TOKEN}"


def waiting_too_long(since: dt.datetime | None) -> bool:
    return since is not None and clock.now() - since > WAITING_AFTER


def worker_busy() -> bool:
    """A worker is alive but still on other work (it reported within the lease)."""
    fresh = clock.now() - lease()
    return (ImportRun.objects.filter(state=State.RUNNING, heartbeat_at__gte=fresh).exists()
            or any(model.objects.filter(sync_state=SyncState.RUNNING,
                                        sync_heartbeat_at__gte=fresh).exists()
                   for model in (MailAccount, CalendarSubscription)))


def _expired(field: str) -> Q:
    return Q(**{f"{field}__lt": clock.now() - lease()}) | Q(**{f"{field}__isnull": True})


# Imports ---------------------------------------------------------------------------------

def claim(run: ImportRun) -> bool:
    """Take a queued import, or one whose worker stopped reporting; True if it is ours."""
    now = clock.now()
    me = worker_id()
    taken = ImportRun.objects.filter(
        Q(state=State.QUEUED) | Q(state=State.RUNNING) & _expired("heartbeat_at"), pk=run.pk,
    ).update(state=State.RUNNING, worker=me, heartbeat_at=now, attempts=F("attempts") + 1,
             started_at=Coalesce("started_at", Value(now, output_field=models.DateTimeField())))
    if taken:
        run.worker = me
    return bool(taken)


def checkpoint(run: ImportRun, **fields: Any) -> None:
    """Store progress and renew the lease; call it inside the batch's transaction.

    Raises `LeaseLost` when the run is no longer ours, so the batch is rolled back and the
    worker that took over writes it instead.
    """
    rows = ImportRun.objects.filter(pk=run.pk)
    if run.worker:
        rows = rows.filter(worker=run.worker, state=State.RUNNING)
    if not rows.update(heartbeat_at=clock.now(), **fields) and run.worker:
        raise LeaseLost(run.pk)


def finish(run: ImportRun, **fields: Any) -> bool:
    """Mark our run done (or failed, with `state=` in fields); False if it is not ours."""
    fields.setdefault("state", State.DONE)
    return bool(ImportRun.objects.filter(pk=run.pk, worker=run.worker).update(
        finished_at=clock.now(), heartbeat_at=clock.now(), **fields))


def queue(run: ImportRun) -> None:
    """Enqueue the import once the surrounding transaction has committed."""
    from rapport.comms import tasks

    transaction.on_commit(lambda: tasks.import_upload.enqueue(run.pk))


def retry(run: ImportRun) -> bool:
    """Queue a failed import again; it continues at its checkpoint."""
    again = ImportRun.objects.filter(pk=run.pk, state=State.FAILED).update(
        state=State.QUEUED, failure="", attempts=0, worker="", finished_at=None,
        queued_at=clock.now())
    if again:
        queue(run)
    return bool(again)


def requeue_stale_runs() -> int:
    """Queue again what a dead worker left running; called by every worker loop.

    Also re-sends queued imports whose task went missing (the process died between the
    commit and the enqueue): a second task for the same run is harmless, the claim is
    conditional. A database error (SQLite busy) is logged and left for the next round,
    never allowed to stop the worker.
    """
    try:
        return _requeue_stale_runs()
    except DatabaseError:
        log.exception("looking for interrupted imports failed; trying again next round")
        return 0


def _requeue_stale_runs() -> int:
    from rapport.comms import tasks

    now = clock.now()
    count = 0
    stale = Q(state=State.RUNNING) & _expired("heartbeat_at")
    for pk, attempts in ImportRun.objects.filter(stale).values_list("pk", "attempts"):
        if attempts >= MAX_ATTEMPTS:
            ImportRun.objects.filter(stale, pk=pk).update(
                state=State.FAILED, failure=ImportRun.Failure.INTERRUPTED, finished_at=now)
            log.warning("import %s stopped its worker %s times; marked failed", pk, attempts)
        elif ImportRun.objects.filter(stale, pk=pk).update(state=State.QUEUED, worker="",
                                                           queued_at=now):
            _close_dead_tasks(tasks.import_upload, pk)
            tasks.import_upload.enqueue(pk)
            count += 1
    lost = Q(state=State.QUEUED) & _expired("queued_at")
    for pk in ImportRun.objects.filter(lost).values_list("pk", flat=True):
        if ImportRun.objects.filter(lost, pk=pk).update(queued_at=now):
            tasks.import_upload.enqueue(pk)
            count += 1
    for model, task in ((MailAccount, tasks.sync_one_account),
                        (CalendarSubscription, tasks.refresh_one_calendar)):
        stale_sync = Q(sync_state=SyncState.RUNNING) & _expired("sync_heartbeat_at")
        for pk, attempts in model.objects.filter(stale_sync).values_list("pk",
                                                                         "sync_attempts"):
            if attempts >= MAX_ATTEMPTS:
                if model.objects.filter(stale_sync, pk=pk).update(
                        sync_state=SyncState.FAILED, sync_failure=SyncFailure.INTERRUPTED):
                    # The count stays: a scheduled sync gets one more try, not five.
                    _close_dead_tasks(task, pk)
                    log.warning("%s %s stopped its worker %s times; marked failed",
                                model.__name__, pk, attempts)
            elif model.objects.filter(stale_sync, pk=pk).update(sync_state=SyncState.QUEUED,
                                                                sync_queued_at=now):
                _close_dead_tasks(task, pk)
                task.enqueue(pk)
                count += 1
    if count:
        log.info("queued %s interrupted import(s) or sync(s) again", count)
    return count


def _close_dead_tasks(task: Any, pk: int) -> None:
    """Mark the queue entry the dead worker held as failed, so it does not read "running"
    forever on the queue's pages (the work itself continues in a new entry)."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another task backend: nothing of ours to tidy up
        return
    for entry in DBTaskResult.objects.running().filter(task_path=task.module_path):
        if entry.args_kwargs.get("args") == [pk]:
            entry.set_failed(WorkerDied(f"the worker stopped reporting; continued as {pk}"))


# Syncs of mail accounts and calendar subscriptions ---------------------------------------

def queue_sync(target: MailAccount | CalendarSubscription) -> None:
    """Show the sync as queued and enqueue it after the commit (a first or manual sync,
    which also gives a sync that ended "interrupted" its full number of attempts again)."""
    from rapport.comms import tasks

    type(target).objects.filter(pk=target.pk).update(sync_state=SyncState.QUEUED,
                                                     sync_queued_at=clock.now(),
                                                     sync_attempts=0)
    task = tasks.sync_one_account if isinstance(target, MailAccount) \
        else tasks.refresh_one_calendar
    transaction.on_commit(lambda: task.enqueue(target.pk))


def _set_sync(target: models.Model, **fields: Any) -> None:
    type(target).objects.filter(pk=target.pk).update(**fields)


def sync_failure(exc: BaseException) -> str:
    """A generic reason the user can act on; the server's own words are never shown."""
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return SyncFailure.TLS
    if isinstance(exc, imaplib.IMAP4.error):
        text = str(exc).lower()
        if any(word in text for word in ("auth", "login", "password", "credential")):
            return SyncFailure.LOGIN
        return SyncFailure.PROTOCOL
    if isinstance(exc, OSError):
        return SyncFailure.CONNECT
    return SyncFailure.UNEXPECTED


def tracked_sync(func: Callable[..., T]) -> Callable[..., T]:
    """Record a sync's state (running, done, failed with a reason) on its account.

    Each batch renews the heartbeat (through `after_batch`), so a sync whose worker died
    is queued again by `requeue_stale_runs()` and continues at the folder's last UID.
    """
    @functools.wraps(func)
    def wrapper(target: Any, *args: Any, **kwargs: Any) -> T:
        _set_sync(target, sync_state=SyncState.RUNNING, sync_failure="",
                  sync_started_at=clock.now(), sync_heartbeat_at=clock.now(),
                  sync_attempts=F("sync_attempts") + 1)
        if isinstance(target, MailAccount):
            after = kwargs.get("after_batch")

            def beat(uid: int) -> None:
                _set_sync(target, sync_heartbeat_at=clock.now())
                if after:
                    after(uid)

            kwargs["after_batch"] = beat
        try:
            result = func(target, *args, **kwargs)
        except Exception as exc:
            _set_sync(target, sync_state=SyncState.FAILED, sync_failure=sync_failure(exc),
                      sync_attempts=0)
            raise
        # A calendar that could not be fetched failed; notes about skipped events did not.
        failure = getattr(result, "failure", "") if isinstance(
            target, CalendarSubscription) else ""
        _set_sync(target, sync_state=SyncState.FAILED if failure else SyncState.DONE,
                  sync_failure=failure, sync_attempts=0)
        return result

    return wrapper
