"""Uploaded statements are imported by the background worker, one claimed run at a time.

A run is claimed with a conditional update (so two workers never import it twice), parsed
outside the database transaction (the page shows the progress) and saved in one
transaction together with its "done" state: a refused file or a worker that dies leaves
no transactions behind, and a run whose worker stopped reporting can be started again.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext as _

from rapport.banking.importing import choose_layout, layouts_of, save_statement
from rapport.banking.models import BankImport, CsvMapping
from rapport.banking.parsers import ParseError, auto
from rapport.comms.jobs import MAX_ATTEMPTS, lease, worker_id
from rapport.core import clock

log = logging.getLogger(__name__)
State = BankImport.State


def upload_dir() -> Path:
    path = Path(settings.VAR_DIR) / "bank-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_upload(workspace: object, upload: UploadedFile, *, user: object = None,
                mapping: CsvMapping | None = None, preset: str = "") -> BankImport:
    """Store the upload on disk (streamed in chunks) and create a queued run."""
    name = Path(upload.name or "statement").name[:200]
    target = upload_dir() / f"{uuid.uuid4().hex}{Path(name).suffix.lower()[:10]}"
    size = 0
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
            size += len(chunk)
    return BankImport.objects.create(workspace=workspace, file_name=name, path=str(target),
                                     total_bytes=size, requested_by=user, mapping=mapping,
                                     preset=preset)


def queue(run: BankImport) -> None:
    """Enqueue the import once the surrounding transaction has committed."""
    from rapport.banking import tasks

    transaction.on_commit(lambda: tasks.import_statement.enqueue(run.pk))


def is_stuck(run: BankImport) -> bool:
    """Running, but its worker stopped reporting: it can be started again."""
    return (run.state == State.RUNNING and run.heartbeat_at is not None
            and clock.now() - run.heartbeat_at > lease())


def retry(run: BankImport) -> bool:
    """Queue a refused or stuck run again (e.g. after saving a column mapping)."""
    stale = Q(state=State.RUNNING, heartbeat_at__lt=clock.now() - lease())
    again = BankImport.objects.filter(Q(state=State.FAILED) | stale, pk=run.pk).update(
        state=State.QUEUED, problem="", worker="", percent=0, finished_at=None)
    if again:
        queue(run)
    return bool(again)


def requeue_stale_imports() -> int:
    """Start again the imports whose worker died; called by every worker round.

    The file is saved all or nothing, so starting again from the stored upload is the
    checkpoint. A run that stopped its worker `MAX_ATTEMPTS` times ends refused, with
    the reason, instead of taking the next worker down too.
    """
    try:
        return _requeue_stale_imports()
    except DatabaseError:  # SQLite busy: the next round looks again; never stop the worker
        log.exception("looking for interrupted bank imports failed; trying again next round")
        return 0


def _requeue_stale_imports() -> int:
    stale = Q(state=State.RUNNING, heartbeat_at__lt=clock.now() - lease())
    count = 0
    for pk, attempts in BankImport.objects.filter(stale).values_list("pk", "attempts"):
        if attempts >= MAX_ATTEMPTS:
            BankImport.objects.filter(stale, pk=pk).update(
                state=State.FAILED, finished_at=clock.now(),
                problem=_("The import stopped the background worker %(count)s times and was "
                          "given up. Check the file, then try again.") % {"count": attempts})
        elif BankImport.objects.filter(stale, pk=pk).update(state=State.QUEUED, worker="",
                                                            percent=0):
            queue(BankImport(pk=pk))
            count += 1
    return count


def claim(run: BankImport) -> bool:
    stale = Q(state=State.RUNNING, heartbeat_at__lt=clock.now() - lease())
    me = worker_id()
    taken = BankImport.objects.filter(Q(state=State.QUEUED) | stale, pk=run.pk).update(
        state=State.RUNNING, worker=me, heartbeat_at=clock.now(), percent=10,
        attempts=F("attempts") + 1)
    run.worker = me
    return bool(taken)


def _mine(run: BankImport):  # noqa: ANN202
    return BankImport.objects.filter(pk=run.pk, worker=run.worker, state=State.RUNNING)


def run_import(run: BankImport) -> BankImport:
    """Import one uploaded statement, in the language of the person who uploaded it."""
    if not claim(run):
        run.refresh_from_db()
        return run
    run.refresh_from_db()
    language = getattr(run.requested_by, "language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            _import(run)
        except ParseError as error:
            _mine(run).update(state=State.FAILED, problem=str(error), finished_at=clock.now())
        except Exception:
            log.exception("bank import %s failed", run.pk)
            _mine(run).update(state=State.FAILED, finished_at=clock.now(),
                              problem=_("An unexpected error stopped the import."))
    run.refresh_from_db()
    if run.is_finished:
        Path(run.path).unlink(missing_ok=True)  # the statement's data is in the database now
    return run


def _import(run: BankImport) -> None:
    try:
        data = Path(run.path).read_bytes()
    except OSError as error:
        raise ParseError("", _("The uploaded file is no longer on the server.")) from error
    layout = None
    if run.mapping_id:
        layout = choose_layout(run.workspace, run.mapping.name)
    elif run.preset:
        layout = choose_layout(run.workspace, run.preset)
    parsed = auto.read(data, run.file_name, layout=layout, layouts=layouts_of(run.workspace))
    _mine(run).update(percent=60, heartbeat_at=clock.now())
    with transaction.atomic():
        result = save_statement(run.workspace, parsed, run.file_name, user=run.requested_by)
        if not _mine(run).update(state=State.DONE, percent=100, statement=result.statement,
                                 finished_at=clock.now(), heartbeat_at=clock.now()):
            raise transaction.TransactionManagementError("taken over")  # roll back
