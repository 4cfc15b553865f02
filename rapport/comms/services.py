"""Operations of the comms app: meeting logs, pending fees, import runs."""

from __future__ import annotations

import logging
import uuid
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from rapport.billing.models import PendingFee
from rapport.comms import jobs
from rapport.comms.calendar import import_ics
from rapport.comms.mailimport import import_mail_file
from rapport.comms.models import ImportRun, MeetingLog
from rapport.core import clock
from rapport.core.dates import document_date
from rapport.core.models import Workspace
from rapport.core.pipeline import follow_up

log = logging.getLogger(__name__)


def upload_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


@transaction.atomic
def log_meeting(log: MeetingLog, fee_amount: Decimal | None = None) -> MeetingLog:
    """Save a call's log; a billable late cancellation or no-show adds a pending fee."""
    log.save()
    if log.billable and fee_amount:
        # The fee becomes an invoice line: written in the client's language.
        language = log.client.language or "de"
        with translation.override(language):
            if log.no_show:
                what = _("Missed meeting on %(date)s")
            else:
                what = _("Meeting on %(date)s cancelled at short notice")
            description = what % {"date": document_date(log.held_on, language)}
        PendingFee.objects.update_or_create(
            meeting_log=log,
            defaults={"workspace": log.workspace, "client": log.client,
                      "description": description,
                      "amount": fee_amount, "currency": log.workspace.default_currency},
        )
    else:
        PendingFee.objects.filter(meeting_log=log, invoiced_at__isnull=True).delete()
    follow_up(log.workspace_id, [log.client_id])
    return log


def kind_of(filename: str) -> str:
    return ImportRun.Kind.CALENDAR if filename.lower().endswith((".ics", ".ical")) \
        else ImportRun.Kind.MAIL


def save_upload(workspace: Workspace, upload: UploadedFile) -> ImportRun:
    """Store the upload on disk (streamed in chunks) and create a queued import run."""
    name = Path(upload.name or "upload").name[:200]
    target = upload_dir() / f"{uuid.uuid4().hex}{Path(name).suffix.lower()[:10]}"
    size = 0
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
            size += len(chunk)
    return ImportRun.objects.create(workspace=workspace, kind=kind_of(name), filename=name,
                                    path=str(target), total_bytes=size,
                                    queued_at=clock.now())


def run_import(run: ImportRun) -> ImportRun:
    """Run (or take over) an import under a lease; see `rapport.comms.jobs`.

    A file that cannot be read ends the run failed with a reason; a database error leaves
    it running, so the lease expires and the next worker tries again from the checkpoint.
    """
    if not jobs.claim(run):
        run.refresh_from_db()
        return run
    run.refresh_from_db()
    path = Path(run.path)
    try:
        if run.kind == ImportRun.Kind.CALENDAR:
            result = import_ics(run.workspace, path.read_bytes())
            done = {"imported": result.imported, "duplicates": result.duplicates,
                    "errors": result.errors}
        else:
            result = import_mail_file(run.workspace, path, run=run)
            if path.suffix.lower() == ".eml":
                done = {"imported": result.imported, "duplicates": result.duplicates,
                        "errors": result.errors}
            else:
                run.refresh_from_db()
                done = {"imported": run.imported, "duplicates": run.duplicates,
                        "errors": run.errors}
    except jobs.LeaseLost:
        log.warning("import %s was taken over by another worker", run.pk)
    except FileNotFoundError:
        jobs.finish(run, state=ImportRun.State.FAILED, failure=ImportRun.Failure.FILE_MISSING)
    except OSError:
        log.exception("import %s: the file could not be read", run.pk)
        jobs.finish(run, state=ImportRun.State.FAILED, failure=ImportRun.Failure.UNREADABLE)
    except DatabaseError:
        raise
    except Exception:
        log.exception("import %s failed", run.pk)
        jobs.finish(run, state=ImportRun.State.FAILED, failure=ImportRun.Failure.UNEXPECTED)
    else:
        if jobs.finish(run, done_bytes=run.total_bytes, **done):
            path.unlink(missing_ok=True)
    run.refresh_from_db()
    return run
