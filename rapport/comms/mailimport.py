"""Store parsed messages: deduplicated, threaded, linked; in batches with a checkpoint."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from rapport.comms.linking import Linker
from rapport.comms.mailparse import (
    ParsedMessage,
    ParseError,
    is_reply_subject,
    normalise_subject,
    parse_bytes,
)
from rapport.comms.mbox import iter_mbox
from rapport.comms.models import ImportRun, Message, Source
from rapport.core.models import Workspace
from rapport.core.pipeline import follow_up

BATCH = 500
MAX_REPORTED = 1000  # problems listed one by one; beyond that only counted


@dataclass
class ImportResult:
    imported: int = 0
    duplicates: int = 0
    errors: list[dict[str, object]] = field(default_factory=list)
    omitted: int = 0

    def add(self, other: ImportResult) -> None:
        self.imported += other.imported
        self.duplicates += other.duplicates
        self.errors += other.errors
        self.omitted += other.omitted

    def report(self, position: str, reason: str, **extra: object) -> None:
        if len(self.errors) < MAX_REPORTED:
            self.errors.append({"position": position, "reason": reason, **extra})
        else:
            self.omitted += 1


def _separator_date(separator: bytes) -> dt.datetime | None:
    """The date on an mbox `From ` line, when the message itself has none."""
    from email.utils import parsedate_to_datetime

    parts = separator.decode("latin-1").split(None, 2)
    if len(parts) < 3:
        return None
    try:
        value = dt.datetime.strptime(" ".join(parts[2].split()), "%a %b %d %H:%M:%S %Y")
        return value.replace(tzinfo=dt.UTC)
    except ValueError:
        try:
            return parsedate_to_datetime(parts[2])
        except (TypeError, ValueError):
            return None


class MessageStore:
    """Collects parsed messages and writes them in batches, each in one transaction."""

    def __init__(self, workspace: Workspace, source: str) -> None:
        self.workspace = workspace
        self.source = source
        self.linker = Linker.for_workspace(workspace)
        self.pending: list[tuple[str, ParsedMessage]] = []
        self.result = ImportResult()

    def add(self, parsed: ParsedMessage, position: str) -> None:
        if parsed.date is None:
            parsed.warnings.append("no date; the import time is used")
            parsed.date = timezone.now()
        for warning in parsed.warnings:
            self.result.report(position, warning, level="warning")
        self.pending.append((position, parsed))

    def error(self, position: str, reason: str) -> None:
        self.result.report(position, reason)

    def flush(self, checkpoint: Callable[[], None] | None = None) -> None:
        """Write what is pending (and the caller's checkpoint) in one transaction."""
        with transaction.atomic():
            if self.pending:
                self._write()
            if checkpoint:
                checkpoint()
        self.pending = []

    def _write(self) -> None:
        by_key: dict[str, tuple[str, ParsedMessage]] = {}
        for position, parsed in self.pending:
            key = parsed.dedup_key
            if key in by_key:
                self.result.duplicates += 1
            else:
                by_key[key] = (position, parsed)
        known = set(Message.objects.filter(workspace=self.workspace,
                                           dedup_key__in=list(by_key))
                    .values_list("dedup_key", flat=True))
        self.result.duplicates += len(known)
        rows = []
        for key, (_position, parsed) in by_key.items():
            if key in known:
                continue
            recipients = parsed.to + parsed.cc
            direction, client_id, contact_id = self.linker.classify(parsed.from_address,
                                                                    recipients)
            rows.append(Message(
                workspace=self.workspace, dedup_key=key, message_id=parsed.message_id,
                in_reply_to=parsed.in_reply_to, thread_key=self._thread_key(parsed),
                from_address=parsed.from_address, from_name=parsed.from_name,
                to_addresses=",".join(parsed.to), cc_addresses=",".join(parsed.cc),
                date=parsed.date, subject=parsed.subject, body_text=parsed.body_text,
                direction=direction, attachments=parsed.attachments, client_id=client_id,
                contact_id=contact_id, source=self.source,
            ))
        Message.objects.bulk_create(rows, batch_size=BATCH)
        self.result.imported += len(rows)
        follow_up(self.workspace.pk, {r.client_id for r in rows},
                  min((r.pk for r in rows if r.pk), default=None))

    def _thread_key(self, parsed: ParsedMessage) -> str:
        root = parsed.thread_root
        if root:
            return root
        if is_reply_subject(parsed.subject):
            subject = normalise_subject(parsed.subject)
            earlier = (Message.objects.filter(workspace=self.workspace,
                                              subject__iendswith=subject)
                       .order_by("date").values_list("thread_key", flat=True).first())
            return earlier or f"subject:{subject}"[:500]
        return parsed.message_id or f"hash:{parsed.dedup_key}"


def import_raw_messages(
    workspace: Workspace, items: Iterable[tuple[str, bytes]], source: str,
) -> ImportResult:
    """Import (position, raw bytes) pairs in one transaction: for .eml files and IMAP."""
    store = MessageStore(workspace, source)
    for position, raw in items:
        _add_raw(store, position, raw)
    store.flush()
    return store.result


def _add_raw(store: MessageStore, position: str, raw: bytes,
             fallback_date: dt.datetime | None = None) -> None:
    try:
        parsed = parse_bytes(raw)
    except ParseError as exc:
        store.error(position, str(exc))
        return
    if parsed.date is None and fallback_date is not None:
        parsed.date = fallback_date
    store.add(parsed, position)


def import_mbox(
    workspace: Workspace, path: Path, run: ImportRun | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Stream an mbox; one transaction per batch, the run's offset is the checkpoint."""
    store = MessageStore(workspace, Source.MBOX)
    start = run.done_bytes if run else 0
    offset = start
    base = (run.imported, run.duplicates, list(run.errors)) if run else (0, 0, [])

    def checkpoint() -> None:
        if run is not None:
            ImportRun.objects.filter(pk=run.pk).update(
                done_bytes=offset, imported=base[0] + store.result.imported,
                duplicates=base[1] + store.result.duplicates,
                errors=base[2] + store.result.errors,
            )

    with path.open("rb") as stream:
        for raw in iter_mbox(stream, start):
            _add_raw(store, f"message {raw.number}, line {raw.line}", raw.data,
                     _separator_date(raw.separator))
            offset = raw.end_offset
            if len(store.pending) >= BATCH:
                store.flush(checkpoint)
                if progress:
                    progress(offset, store.result.imported)
    store.flush(checkpoint)
    if progress:
        progress(offset, store.result.imported)
    return store.result


def import_eml(workspace: Workspace, path: Path) -> ImportResult:
    return import_raw_messages(workspace, [(path.name, path.read_bytes())], Source.EML)


def import_mail_file(
    workspace: Workspace, path: Path, run: ImportRun | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """An .eml file is one message; anything else is read as an mbox."""
    if path.suffix.lower() == ".eml":
        result = import_eml(workspace, path)
        if progress:
            progress(path.stat().st_size, result.imported)
        return result
    return import_mbox(workspace, path, run=run, progress=progress)
