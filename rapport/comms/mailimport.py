"""Store parsed messages: deduplicated, threaded, linked; in batches with a checkpoint."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connections, models, reset_queries, router, transaction

from rapport.comms import jobs
from rapport.comms.linking import Linker
from rapport.comms.mailparse import (
    MAX_RAW_BYTES,
    ParsedMessage,
    ParseError,
    is_reply_subject,
    parse_bytes,
)
from rapport.comms.mbox import iter_mbox
from rapport.comms.models import ImportRun, Message, Source
from rapport.core import clock
from rapport.core.models import Workspace
from rapport.core.pipeline import follow_up

# Every batch inserts into the same index pages and commits them again: larger batches
# write each page once for more messages (at 500, a store of 100,000 made each batch
# markedly slower than the first). Memory stays bounded by the batch, not the file.
BATCH = 2000
log = logging.getLogger(__name__)
BATCH_BYTES = 32 * 1024 * 1024  # a batch of large messages is written earlier
BATCH_SECONDS = 5.0  # so the count on the inbox moves and the lease is renewed often
MAX_REPORTED = 1000  # problems listed one by one; beyond that only counted
# SQLite's page cache while an mbox is imported (KiB): the indexes of a large store
# outgrow the default 2 MB, and reading their pages again from the file made every batch
# slower than the one before. A fixed bound, so memory stays flat in the file's size.
IMPORT_PAGE_CACHE_KIB = 64 * 1024
LOOKUP_CHUNK = 900  # ids per IN (...) lookup, within every database's parameter limit


@dataclass
class ImportResult:
    imported: int = 0
    duplicates: int = 0
    errors: list[dict[str, object]] = field(default_factory=list)
    omitted: int = 0
    failure: str = ""  # why the source itself could not be fetched (a SyncFailure code)

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
        self.rows = MessageRows()

    def add(self, parsed: ParsedMessage, position: str) -> None:
        if parsed.date is None:
            parsed.warnings.append("no date; the import time is used")
            parsed.date = clock.now()
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
        keys = list(by_key)
        known: set[str] = set()
        for start in range(0, len(keys), LOOKUP_CHUNK):
            known.update(Message.objects.filter(
                workspace=self.workspace, dedup_key__in=keys[start:start + LOOKUP_CHUNK],
            ).values_list("dedup_key", flat=True))
        self.result.duplicates += len(known)
        fresh = {key: item for key, item in by_key.items() if key not in known}
        self.rows.start_batch()
        threads = self._subject_threads(fresh)
        rows: list[tuple[str, str, int | None, list[object]]] = []
        for key, (position, parsed) in fresh.items():
            try:
                client_id, values = self._row(key, parsed, threads)
                rows.append((position, key, client_id, values))
            except Exception as exc:  # noqa: BLE001 - skip this message, keep the batch
                log.warning("message at %s not stored", position, exc_info=True)
                self.result.report(position, f"could not be stored ({type(exc).__name__})")
        stored = list(rows)
        try:
            with transaction.atomic():
                self.rows.insert([values for _p, _k, _c, values in rows])
        except DatabaseError:
            # One bad row fails the whole insert: store them one by one, skip the bad ones.
            stored = []
            for row in rows:
                try:
                    with transaction.atomic():
                        self.rows.insert([row[3]])
                    stored.append(row)
                except DatabaseError as exc:
                    log.warning("message at %s not stored", row[0], exc_info=True)
                    self.result.report(row[0], f"could not be stored ({type(exc).__name__})")
        self.result.imported += len(stored)
        if stored:
            # Rows are inserted in order: the first has the lowest key of this commit, for
            # a detection that has already read past it (see `core.pipeline`).
            first = Message.objects.filter(workspace=self.workspace, dedup_key=stored[0][1]
                                           ).values_list("pk", flat=True).first()
            follow_up(self.workspace.pk, {client_id for _p, _k, client_id, _v in stored},
                      first)

    def _row(self, key: str, parsed: ParsedMessage, threads: dict[str, str]
             ) -> tuple[int | None, list[object]]:
        recipients = parsed.to + parsed.cc
        direction, client_id, contact_id = self.linker.classify(parsed.from_address,
                                                                recipients)
        subject = parsed.normalised_subject
        return client_id, self.rows.values(
            workspace_id=self.workspace.pk, dedup_key=key, message_id=parsed.message_id,
            in_reply_to=parsed.in_reply_to,
            thread_key=_thread_key(key, parsed, subject, threads)[:500],
            from_address=parsed.from_address, from_name=parsed.from_name,
            to_addresses=",".join(parsed.to), cc_addresses=",".join(parsed.cc),
            date=parsed.date, subject=parsed.subject, normalised_subject=subject,
            body_text=parsed.body_text,
            direction=direction, attachments=parsed.attachments, client_id=client_id,
            contact_id=contact_id, source=self.source,
        )

    def _subject_threads(self, batch: dict[str, tuple[str, ParsedMessage]]
                         ) -> dict[str, str]:
        """For replies without References or In-Reply-To: the thread of the earliest
        message, stored or in this batch, with the same subject once reply prefixes are
        gone. The stored ones are looked up by subject (an indexed column), many at once."""
        wanted = {parsed.normalised_subject for _p, parsed in batch.values()
                  if _subject_reply(parsed)} - {""}
        if not wanted:
            return {}
        earliest: dict[str, tuple[dt.datetime, str]] = {}
        for key, (_position, parsed) in batch.items():
            subject = parsed.normalised_subject
            if (subject in wanted and not _subject_reply(parsed)
                    and (subject not in earliest or parsed.date < earliest[subject][0])):
                earliest[subject] = (parsed.date, _own_thread(key, parsed))
        subjects = sorted(wanted)
        for start in range(0, len(subjects), LOOKUP_CHUNK):
            stored = Message.objects.filter(
                workspace=self.workspace,
                normalised_subject__in=subjects[start:start + LOOKUP_CHUNK],
            ).order_by("normalised_subject", "-date", "-pk").values_list(
                "normalised_subject", "date", "thread_key")
            for subject, date, thread in stored.iterator():  # the first stored comes last
                if subject not in earliest or date <= earliest[subject][0]:
                    earliest[subject] = (date, thread)
        return {subject: earliest[subject][1] if subject in earliest
                else f"subject:{subject}"[:500] for subject in wanted}


def _subject_reply(parsed: ParsedMessage) -> bool:
    """A reply that only its subject ties to a thread."""
    return not parsed.thread_root and is_reply_subject(parsed.subject)


def _own_thread(key: str, parsed: ParsedMessage) -> str:
    return parsed.thread_root or parsed.message_id or f"hash:{key}"


def _thread_key(key: str, parsed: ParsedMessage, subject: str, threads: dict[str, str]
                ) -> str:
    if subject and _subject_reply(parsed):
        return threads[subject]
    return _own_thread(key, parsed)


class MessageRows:
    """Inserts messages with one prepared statement per batch (`executemany`): building
    a model instance and compiling an INSERT per row cost more than the whole parse.
    Every concrete field is written: what the import does not set gets the field's
    default, so a field added to `Message` later is filled as `bulk_create` would."""

    def __init__(self) -> None:
        self.connection = connections[router.db_for_write(Message)]
        meta = Message._meta
        fields = [f for f in meta.concrete_fields if not f.primary_key]
        self.plan = [(f.attname, self._converter(f)) for f in fields]
        self.fields = {f.attname: f for f in fields}
        quote = self.connection.ops.quote_name
        self.sql = (f"INSERT INTO {quote(meta.db_table)} "  # noqa: S608 - names from the model
                    f"({', '.join(quote(f.column) for f in fields)}) "
                    f"VALUES ({', '.join(['%s'] * len(fields))})")
        self.start_batch()

    def _converter(self, model_field: models.Field) -> Callable[[object], object] | None:
        """How a Python value becomes a column value, as `bulk_create` would write it."""
        if isinstance(model_field, (models.CharField, models.TextField, models.ForeignKey)):
            return None  # strings and ids as they are
        if isinstance(model_field, models.DateTimeField):
            return self.connection.ops.adapt_datetimefield_value  # aware datetimes only
        prepare = functools.partial(model_field.get_db_prep_save, connection=self.connection)
        if isinstance(model_field, models.JSONField):
            # Most messages have no attachments: their empty list is encoded once.
            empty = prepare([])
            return lambda value: empty if value == [] else prepare(value)
        return prepare

    def start_batch(self) -> None:
        """The values of the fields the import leaves to their defaults, once a batch."""
        now = clock.now()
        self.defaults = {}
        for name, convert in self.plan:
            model_field = self.fields[name]
            if getattr(model_field, "auto_now_add", False) or getattr(model_field,
                                                                      "auto_now", False):
                value = now
            else:
                value = model_field.get_default()
            self.defaults[name] = value if convert is None else convert(value)

    def values(self, **given: object) -> list[object]:
        """One row's column values, in the statement's order."""
        row = []
        for name, convert in self.plan:
            if name in given:
                value = given[name]
                row.append(value if convert is None else convert(value))
            else:
                row.append(self.defaults[name])
        return row

    def insert(self, rows: list[list[object]]) -> None:
        if rows:
            with self.connection.cursor() as cursor:
                cursor.executemany(self.sql, rows)


@contextmanager
def _page_cache(kib: int) -> Iterator[None]:
    """A larger SQLite page cache (of at most `kib`) for the duration of an import; the
    connection's own setting afterwards. Other databases size their caches themselves."""
    connection = connections[router.db_for_write(Message)]
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])  # negative: KiB; positive: pages
        cursor.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before}")


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
             fallback_date: Callable[[], dt.datetime | None] | None = None,
             truncated: bool = False) -> None:
    """Parse and queue one message; whatever is wrong with it is recorded against its
    position and the import goes on with the next one."""
    try:
        parsed = parse_bytes(raw[:MAX_RAW_BYTES])
    except ParseError as exc:
        store.error(position, str(exc))
        return
    except Exception as exc:  # noqa: BLE001 - one message must never stop an import
        log.warning("unreadable message at %s", position, exc_info=True)
        store.error(position, f"unreadable message ({type(exc).__name__})")
        return
    if truncated or len(raw) > MAX_RAW_BYTES:
        parsed.warnings.append(f"larger than {MAX_RAW_BYTES // (1024 * 1024)} MB; "
                               "only the beginning was read")
    if parsed.date is None and fallback_date is not None:
        parsed.date = fallback_date()
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
        if run is not None:  # renews the worker's lease; raises if another worker took over
            jobs.checkpoint(
                run, done_bytes=offset, imported=base[0] + store.result.imported,
                duplicates=base[1] + store.result.duplicates,
                errors=base[2] + store.result.errors,
            )

    pending_bytes, since = 0, time.monotonic()
    with _page_cache(IMPORT_PAGE_CACHE_KIB), path.open("rb") as stream:
        for raw in iter_mbox(stream, start, max_bytes=MAX_RAW_BYTES):
            _add_raw(store, f"message {raw.number}, line {raw.line}", raw.data,
                     functools.partial(_separator_date, raw.separator),
                     truncated=raw.truncated)
            offset = raw.end_offset
            pending_bytes += len(raw.data)
            if (len(store.pending) >= BATCH or pending_bytes >= BATCH_BYTES
                    or time.monotonic() - since >= BATCH_SECONDS):
                store.flush(checkpoint)
                pending_bytes, since = 0, time.monotonic()
                if settings.DEBUG:
                    reset_queries()  # the debug query log would grow with the file
                if progress:
                    progress(offset, store.result.imported)
    store.flush(checkpoint)
    if progress:
        progress(offset, store.result.imported)
    return store.result


def import_eml(workspace: Workspace, path: Path) -> ImportResult:
    """One message; of a huge file only the first MAX_RAW_BYTES are read."""
    store = MessageStore(workspace, Source.EML)
    with path.open("rb") as stream:
        raw = stream.read(MAX_RAW_BYTES + 1)
    _add_raw(store, path.name, raw, truncated=len(raw) > MAX_RAW_BYTES)
    store.flush()
    return store.result


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
