"""Operations of the comms app: meeting logs, pending fees, import runs."""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rapport.clients.models import Client
from rapport.comms.calendar import import_ics
from rapport.comms.mailimport import ImportResult, import_mail_file
from rapport.comms.models import ImportRun, MeetingLog, PendingFee
from rapport.core.dates import document_date
from rapport.core.models import Workspace


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
    return log


def open_fees(client: Client) -> list[PendingFee]:
    """Fee lines waiting for the client's next invoice (billing picks these up)."""
    return list(PendingFee.objects.filter(workspace_id=client.workspace_id, client=client,
                                          invoiced_at__isnull=True))


def mark_fees_invoiced(fees: list[PendingFee], invoice_id: int) -> int:
    return PendingFee.objects.filter(pk__in=[f.pk for f in fees],
                                     invoiced_at__isnull=True).update(
        invoiced_at=timezone.now(), invoice_id=invoice_id)


def release_fees(invoice_id: int) -> int:
    """A deleted draft gives its fee lines back, so the next invoice picks them up."""
    return PendingFee.objects.filter(invoice_id=invoice_id).update(invoiced_at=None,
                                                                   invoice_id=None)


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
                                    path=str(target), total_bytes=size)


def run_import(run: ImportRun) -> ImportRun:
    """Run (or resume) an import; claimed with a conditional update so it runs once."""
    claimed = ImportRun.objects.filter(
        pk=run.pk, state__in=[ImportRun.State.QUEUED, ImportRun.State.RUNNING]
    ).update(state=ImportRun.State.RUNNING)
    if not claimed:
        return run
    run.refresh_from_db()
    path = Path(run.path)
    try:
        if run.kind == ImportRun.Kind.CALENDAR:
            result = import_ics(run.workspace, path.read_bytes())
            _finish(run, result, imported=result.imported, duplicates=result.duplicates,
                    errors=result.errors)
        else:
            def progress(done: int, _imported: int) -> None:
                ImportRun.objects.filter(pk=run.pk).update(done_bytes=done)

            result = import_mail_file(run.workspace, path, run=run, progress=progress)
            run.refresh_from_db()
            if path.suffix.lower() == ".eml":
                _finish(run, result, imported=result.imported,
                        duplicates=result.duplicates, errors=result.errors)
            else:
                _finish(run, result, imported=run.imported, duplicates=run.duplicates,
                        errors=run.errors)
    except OSError as exc:
        ImportRun.objects.filter(pk=run.pk).update(
            state=ImportRun.State.FAILED, finished_at=timezone.now(),
            errors=[*run.errors, {"position": run.filename, "reason": str(exc)}])
    else:
        path.unlink(missing_ok=True)
    run.refresh_from_db()
    return run


def _finish(run: ImportRun, _result: ImportResult, **fields: object) -> None:
    ImportRun.objects.filter(pk=run.pk).update(
        state=ImportRun.State.DONE, finished_at=timezone.now(), done_bytes=run.total_bytes,
        **fields)
