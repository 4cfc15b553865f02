"""Importing into the transactions table: dedupe, overlap, all-or-nothing, the command."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.machinery
import sys
import types
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

import rapport.banking
from rapport.banking import importing
from rapport.banking.importing import import_file, import_transactions
from rapport.banking.models import BankStatement, BankTransaction, CsvMapping
from rapport.banking.parsers import ParseError, Record
from tests.conftest import make_workspace

FILES = Path(__file__).parent / "files"
pytestmark = pytest.mark.django_db


def load(workspace, name: str, **kwargs):
    return import_file(workspace, (FILES / name).read_bytes(), name, **kwargs)


def test_a_camt_file_becomes_one_statement_with_its_transactions(workspace, owner):
    result = load(workspace, "camt053-v08.xml", user=owner)
    statement = BankStatement.objects.get()
    assert (statement.source, statement.account_iban, statement.transaction_count,
            statement.duplicates_skipped, statement.imported_by) == (
        "camt053", "DE12500105170648489890", 5, 0, owner)
    assert result.created == 5
    muster = BankTransaction.objects.get(end_to_end_id="RE-2026-0042")
    assert (muster.workspace, muster.statement, muster.amount, muster.status, muster.source) == (
        workspace, statement, Decimal("1190.00"), "unmatched", "camt053")


def test_importing_the_same_file_again_changes_nothing(workspace):
    load(workspace, "camt053-v08.xml")
    before = list(BankTransaction.objects.values_list("pk", "dedupe_key", "statement_id"))
    again = load(workspace, "camt053-v08.xml")
    assert (again.created, again.duplicates) == (0, 5)
    assert list(BankTransaction.objects.values_list("pk", "dedupe_key", "statement_id")) == before


def test_overlapping_statements_never_duplicate_a_transaction(workspace):
    load(workspace, "camt053-v08.xml")
    later = load(workspace, "camt053-v08-next.xml")
    assert (later.created, later.duplicates) == (1, 1)
    assert BankTransaction.objects.filter(counterparty_name="Anna Schmidt").count() == 1
    assert BankTransaction.objects.count() == 6


def test_overlap_without_bank_references_is_recognised_by_its_content(workspace):
    """Volksbank CSVs carry no reference: account, date, amount, payer and purpose decide."""
    load(workspace, "volksbank.csv")
    data = (FILES / "volksbank.csv").read_bytes()
    lines = data.split(b"\r\n")
    shifted = b"\r\n".join([lines[0], lines[3],  # the 03.12. row again, plus a new one
                            lines[3].replace(b"03.12.2026", b"04.12.2026")]) + b"\r\n"
    result = import_file(workspace, shifted, "volksbank-next.csv")
    assert (result.created, result.duplicates) == (1, 1)


def test_two_identical_bookings_in_one_file_are_both_kept_and_stay_unique(workspace):
    coffee = Record(booking_date=dt.date(2026, 12, 1), amount=Decimal("-3.50"),
                    counterparty_name="Café", purpose="Karte", account_iban="DE1")
    first = import_transactions(workspace, "csv", [coffee, coffee])
    again = import_transactions(workspace, "csv", [coffee, coffee, coffee])
    assert (first.created, again.created, again.duplicates) == (2, 1, 2)


def test_the_same_booking_in_two_workspaces_is_kept_in_each(workspace, outsider):
    elsewhere = make_workspace(outsider, name="Third Ltd")
    load(workspace, "camt053-v08.xml")
    assert load(elsewhere, "camt053-v08.xml").created == 5


def test_a_broken_file_keeps_nothing_not_even_its_statement(workspace):
    data = (FILES / "camt053-v08.xml").read_bytes().replace(b">300.00<", b">3OO<")
    with pytest.raises(ParseError, match="Ntry\\[5\\]/Amt"):
        import_file(workspace, data, "broken.xml")
    assert not BankStatement.objects.exists() and not BankTransaction.objects.exists()


def test_a_record_that_does_not_fit_rolls_back_the_whole_import(workspace):
    good = Record(booking_date=dt.date(2026, 12, 1), amount=Decimal("10.00"))
    huge = Record(booking_date=dt.date(2026, 12, 2), amount=Decimal("99999999999.00"))
    statement = BankStatement.objects.create(workspace=workspace, source="csv")
    with pytest.raises(ParseError, match="booking 2"):
        import_transactions(workspace, "csv", [good, huge], statement=statement)
    assert not BankTransaction.objects.exists()


def test_another_source_feeds_the_same_table(workspace):
    """A future FinTS fetch hands records to the same service."""
    record = Record(booking_date=dt.date(2026, 12, 6), amount=Decimal("119.00"),
                    counterparty_name="Muster GmbH", purpose="RE-2026-0044",
                    bank_reference="FINTS-1", account_iban="DE12500105170648489890")
    result = import_transactions(workspace, "camt052", [record])
    assert result.statement is None
    assert BankTransaction.objects.get(pk=result.created_ids[0]).statement is None


def test_matching_is_offered_the_new_transactions_after_commit(workspace, monkeypatch,
                                                               django_capture_on_commit_callbacks):
    calls = []
    monkeypatch.setattr(importing, "after_import", lambda ws, ids: calls.append((ws, ids)))
    with django_capture_on_commit_callbacks(execute=True):
        result = load(workspace, "camt053-v08.xml")
    assert calls == [(workspace.pk, result.created_ids)]
    with django_capture_on_commit_callbacks(execute=True):
        load(workspace, "camt053-v08.xml")
    assert len(calls) == 1  # nothing new, nothing to match


def test_a_saved_mapping_reads_a_csv_no_preset_knows(workspace):
    CsvMapping.objects.create(
        workspace=workspace, name="Hausbank", delimiter=";", encoding="cp1252",
        date_format="%d.%m.%Y", col_booking_date="Datum", col_amount="Wert",
        col_counterparty_name="Partner", col_purpose="Text 1|Text 2",
        account_iban="DE12500105170648489890")
    data = ("Datum;Partner;Text 1;Text 2;Wert\r\n01.12.2026;Müller;RE-2026-0043;Danke;595,00\r\n"
            ).encode("cp1252")
    import_file(workspace, data, "hausbank.csv")
    tx = BankTransaction.objects.get()
    assert (tx.counterparty_name, tx.purpose, tx.amount, tx.account_iban) == (
        "Müller", "RE-2026-0043 Danke", Decimal("595.00"), "DE12500105170648489890")


def test_the_command_imports_several_formats_and_reports_each_file(workspace, capsys):
    call_command("import-bank", str(FILES / "camt053-v08.xml"), str(FILES / "mt940-sparkasse.sta"),
                 str(FILES / "dkb.csv"))
    out = capsys.readouterr().out
    assert "camt053-v08.xml: 5 imported, 0 already known" in out
    # The MT940 file repeats three of the CAMT bookings under the same bank references.
    assert "mt940-sparkasse.sta: 2 imported, 2 already known" in out
    assert "dkb.csv: 2 imported, 0 already known" in out
    call_command("import-bank", str(FILES / "camt053-v08.xml"), "--workspace", str(workspace.pk))
    assert "5 already known" in capsys.readouterr().out


def test_the_command_refuses_a_broken_file_with_the_line_and_imports_the_others(
        workspace, tmp_path, capsys):
    broken = tmp_path / "broken.sta"
    original = (FILES / "mt940-sparkasse.sta").read_bytes()
    broken.write_bytes(original.replace(b"CR595,00N", b"CR5x5N"))
    with pytest.raises(CommandError, match="1 of 2 files were refused"):
        call_command("import-bank", str(broken), str(FILES / "n26.csv"))
    out, err = capsys.readouterr()
    assert "broken.sta: refused, nothing imported: line 10:" in err
    assert "n26.csv: 3 imported" in out
    assert BankTransaction.objects.count() == 3


def test_the_command_uses_a_named_preset(workspace, capsys):
    call_command("import-bank", str(FILES / "gls.csv"), "--mapping", "GLS Bank")
    assert "2 imported" in capsys.readouterr().out
    with pytest.raises(CommandError, match="no bank preset or saved mapping called “Nope”"):
        call_command("import-bank", str(FILES / "gls.csv"), "--mapping", "Nope")


def test_the_dedupe_key_of_a_booking_without_reference_never_changes():
    """Keys are stored: a new release must compute the same key for the same booking."""
    record = Record(booking_date=dt.date(2026, 12, 1), amount=Decimal("1190.00"),
                    counterparty_name="Muster  GmbH", purpose="Rechnung RE-2026-0042")
    key = importing.dedupe_key(record, "DE12500105170648489890")
    assert key == importing.dedupe_key(
        dataclasses.replace(record, counterparty_name="muster gmbh"), "DE12500105170648489890")
    assert key == "886dfb34e50050dc2d35d0dd4545c13d3ea9a998e5d57415778438bf638c1efc"


def test_new_transactions_are_queued_for_matching_once_matching_exists(
        workspace, monkeypatch, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from rapport.banking import tasks

    seen = []
    matching = types.ModuleType("rapport.banking.matching")
    matching.__spec__ = importlib.machinery.ModuleSpec("rapport.banking.matching", None)
    matching.match_new = lambda workspace_id, ids: seen.append((workspace_id, ids))
    monkeypatch.setitem(sys.modules, "rapport.banking.matching", matching)
    monkeypatch.setattr(rapport.banking, "matching", matching, raising=False)  # if imported
    with django_capture_on_commit_callbacks(execute=True):
        result = load(workspace, "camt053-v08.xml")
    queued = DBTaskResult.objects.get(task_path__endswith="match_new_transactions")
    assert queued.args_kwargs["args"] == [workspace.pk, result.created_ids]
    tasks.match_new_transactions.call(workspace.pk, result.created_ids)
    assert seen == [(workspace.pk, result.created_ids)]
