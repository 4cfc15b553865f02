"""Putting bank bookings into the transactions table, from any source.

A file parser, a future FinTS fetch or a test all hand `Record`s to
`import_transactions`: each gets a `dedupe_key`, and a key the workspace already has is
skipped, so overlapping statements and repeated imports add nothing twice. Everything of
one import happens in one database transaction; matching runs after it has committed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import logging
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from rapport.banking.models import BankStatement, BankTransaction, CsvMapping
from rapport.banking.parsers import Parsed, ParseError, Record, auto
from rapport.banking.parsers.presets import PRESETS
from rapport.banking.parsers.table import Layout
from rapport.core.models import Workspace

log = logging.getLogger(__name__)

LIMIT = Decimal("10000000000")  # what Decimal(12, 2) holds
BATCH = 1000


@dataclasses.dataclass
class ImportResult:
    statement: BankStatement | None
    created_ids: list[int]
    duplicates: int

    @property
    def created(self) -> int:
        return len(self.created_ids)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def dedupe_key(record: Record, account: str, occurrence: int = 0) -> str:
    """The same booking gives the same key in every statement that lists it.

    The bank's own reference identifies a booking; without one, account, booking date,
    amount, counterparty and purpose do. `occurrence` tells apart identical bookings in
    one file (two equal card payments on one day): the n-th is the n-th in every file."""
    amount = f"{record.amount:.2f}"
    if record.bank_reference:
        parts = ["ref", account, record.bank_reference, amount]
    else:
        parts = ["tx", account, record.booking_date.isoformat(), amount,
                 _norm(record.counterparty_name), _norm(record.counterparty_iban),
                 _norm(record.purpose), record.end_to_end_id]
    if occurrence:
        parts.append(str(occurrence))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _check(record: Record, number: int) -> None:
    where = _("booking %(number)s") % {"number": number}
    if not isinstance(record.amount, Decimal) or not record.amount.is_finite() \
            or abs(record.amount) >= LIMIT or record.amount != record.amount.quantize(
                Decimal("0.01")):
        raise ParseError(where, _("“%(value)s” is not an amount.") % {"value": record.amount})
    if len(record.currency) != 3 or not record.currency.isalpha():
        raise ParseError(where, _("“%(value)s” is not a currency code.") % {
            "value": record.currency})


def import_transactions(workspace: Workspace, source: str, records: Iterable[Record],
                        statement: BankStatement | None = None) -> ImportResult:
    """Save the bookings that are new for the workspace; all or nothing.

    Raises `ParseError` (and saves nothing) for a booking that does not fit the table."""
    with transaction.atomic():
        rows: list[BankTransaction] = []
        seen: dict[str, int] = {}
        for number, record in enumerate(records, start=1):
            _check(record, number)
            account = record.account_iban or (statement.account_iban if statement else "")
            base = dedupe_key(record, account)
            occurrence = seen.get(base, 0)
            seen[base] = occurrence + 1
            rows.append(BankTransaction(
                workspace=workspace, statement=statement, source=source,
                account_iban=account, booking_date=record.booking_date,
                value_date=record.value_date, amount=record.amount,
                currency=record.currency.upper(),
                counterparty_name=record.counterparty_name[:140],
                counterparty_iban=record.counterparty_iban[:34], purpose=record.purpose,
                end_to_end_id=record.end_to_end_id[:100],
                bank_reference=record.bank_reference[:100], bank_fee=record.bank_fee,
                dedupe_key=dedupe_key(record, account, occurrence) if occurrence else base,
            ))
        known = _known_keys(workspace, [row.dedupe_key for row in rows])
        new = [row for row in rows if row.dedupe_key not in known]
        BankTransaction.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
        new_keys = [row.dedupe_key for row in new]
        created_ids = _ids_of(workspace, statement, new_keys)
        duplicates = len(rows) - len(created_ids)
        if statement is not None:
            statement.transaction_count = len(created_ids)
            statement.duplicates_skipped = duplicates
            statement.save(update_fields=["transaction_count", "duplicates_skipped"])
        if created_ids:
            transaction.on_commit(lambda: after_import(workspace.pk, created_ids))
    return ImportResult(statement=statement, created_ids=created_ids, duplicates=duplicates)


def _known_keys(workspace: Workspace, keys: Sequence[str]) -> set[str]:
    known: set[str] = set()
    for start in range(0, len(keys), BATCH):
        known.update(BankTransaction.objects.filter(
            workspace=workspace, dedupe_key__in=keys[start:start + BATCH],
        ).values_list("dedupe_key", flat=True))
    return known


def _ids_of(workspace: Workspace, statement: BankStatement | None,
            keys: Sequence[str]) -> list[int]:
    ids: list[int] = []
    for start in range(0, len(keys), BATCH):
        ids += BankTransaction.objects.filter(
            workspace=workspace, statement=statement, dedupe_key__in=keys[start:start + BATCH],
        ).values_list("pk", flat=True)
    return sorted(ids)


def after_import(workspace_id: int, transaction_ids: list[int]) -> None:
    """Hand new transactions to automatic matching (`rapport.banking.matching.match_new`),
    as a background task, once that module exists."""
    try:
        if importlib.util.find_spec("rapport.banking.matching") is None:
            return
    except (ImportError, ValueError):
        return
    from rapport.banking import tasks

    tasks.match_new_transactions.enqueue(workspace_id, transaction_ids)


def layouts_of(workspace: Workspace) -> list[Layout]:
    """The workspace's saved CSV mappings, as layouts, tried before the bank presets."""
    return [mapping_layout(m) for m in CsvMapping.objects.filter(workspace=workspace)]


def mapping_layout(mapping: CsvMapping) -> Layout:
    return Layout(
        name=mapping.name, delimiter=mapping.delimiter or ";", encoding=mapping.encoding,
        decimal_comma=mapping.decimal_comma, date_format=mapping.date_format,
        account_iban=mapping.account_iban, booking_date=mapping.col_booking_date,
        value_date=mapping.col_value_date, amount=mapping.col_amount,
        debit=mapping.col_debit, credit=mapping.col_credit,
        debit_credit_mark=mapping.col_debit_credit_mark, currency=mapping.col_currency,
        counterparty_name=mapping.col_counterparty_name,
        counterparty_iban=mapping.col_counterparty_iban, purpose=mapping.col_purpose,
        end_to_end_id=mapping.col_end_to_end_id, bank_reference=mapping.col_bank_reference,
        account_column=mapping.col_account_iban,
    )


def choose_layout(workspace: Workspace, mapping: str = "") -> Layout | None:
    """A saved mapping or bank preset by name; None (detect from the file) for ""."""
    if not mapping:
        return None
    saved = CsvMapping.objects.filter(workspace=workspace, name=mapping).first()
    if saved:
        return mapping_layout(saved)
    if mapping in PRESETS:
        return PRESETS[mapping]
    raise ParseError("", _("There is no bank preset or saved mapping called “%(name)s”.")
                     % {"name": mapping})


def import_file(workspace: Workspace, data: bytes, file_name: str, *, user: object = None,
                layout: Layout | None = None) -> ImportResult:
    """Parse a statement file and import it as one statement; all or nothing."""
    parsed = auto.read(data, file_name, layout=layout, layouts=layouts_of(workspace))
    return save_statement(workspace, parsed, file_name, user=user)


def save_statement(workspace: Workspace, parsed: Parsed, file_name: str, *,
                   user: object = None) -> ImportResult:
    """One statement row for the file and its new transactions, in one transaction."""
    with transaction.atomic():
        statement = BankStatement.objects.create(
            workspace=workspace, file_name=file_name[:255], source=parsed.source,
            account_iban=parsed.account_iban, imported_by=user)
        return import_transactions(workspace, parsed.source, parsed.records, statement)
