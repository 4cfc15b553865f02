"""The Bank page: upload through the worker, the refused file, filters and paging, mappings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from rapport.banking import jobs
from rapport.banking.importing import import_transactions
from rapport.banking.models import BankImport, BankStatement, BankTransaction, CsvMapping
from rapport.banking.parsers import Record

FILES = Path(__file__).parent / "files"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def upload(http, name: str, data: bytes | None = None, layout: str = ""):
    file = SimpleUploadedFile(name, data if data is not None else (FILES / name).read_bytes())
    return http.post("/bank/upload/", {"file": file, "layout": layout}, follow=True)


@pytest.mark.django_db(transaction=True)
def test_an_uploaded_camt_file_is_imported_by_the_worker(owner_http, workspace, owner):
    page = upload(owner_http, "camt053-v08.xml").content.decode()
    assert "“camt053-v08.xml” is being imported." in page
    run = BankImport.objects.get()
    assert run.state == "queued" and f'hx-get="/bank/imports/{run.pk}/"' in page
    call_command("worker", "--once")
    run.refresh_from_db()
    assert (run.state, run.percent, run.statement.transaction_count) == ("done", 100, 5)
    assert run.statement.imported_by == owner
    assert not Path(run.path).exists(), "the uploaded copy is removed once imported"
    fragment = owner_http.get(f"/bank/imports/{run.pk}/").content.decode()
    assert "5 imported, 0 already known" in fragment
    page = owner_http.get("/bank/").content.decode()
    assert "Muster GmbH" in page and "€1,190.00" in page and "-€49.90" in page
    assert 'href="/bank/review/" data-testid="to-review"' in page  # where matching continues


def test_a_refused_upload_says_where_and_why_and_keeps_nothing(owner_http, workspace):
    data = (FILES / "camt053-v08.xml").read_bytes().replace(b">595.00<", b">5,95<")
    upload(owner_http, "broken.xml", data)
    run = BankImport.objects.get()
    jobs.run_import(run)
    run.refresh_from_db()
    assert run.state == "failed"
    assert run.problem == ("/Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/Amt: "
                           "“5,95” is not an amount.")
    assert not BankStatement.objects.exists() and not BankTransaction.objects.exists()
    fragment = owner_http.get(f"/bank/imports/{run.pk}/").content.decode()
    assert "The file was refused; nothing of it was imported." in fragment
    assert "Ntry[3]/Amt" in fragment


def test_the_problem_is_written_in_the_uploaders_language(owner_http, workspace, owner):
    owner.language = "de"
    owner.save()
    data = (FILES / "ing.csv").read_bytes().replace(b"-49,90;EUR", b"-49,9x;EUR")
    upload(owner_http, "ing.csv", data)
    run = jobs.run_import(BankImport.objects.get())
    assert run.problem == "Zeile 17: „-49,9x“ in Spalte „Betrag“ ist kein Betrag."


def test_a_chosen_preset_reads_the_file(owner_http, workspace):
    upload(owner_http, "gls.csv", layout="preset:GLS Bank")
    run = jobs.run_import(BankImport.objects.get())
    assert (run.state, run.statement.transaction_count) == ("done", 2)


def test_a_file_of_another_kind_is_refused_at_the_form(owner_http, workspace):
    page = upload(owner_http, "photo.jpg", b"\xff\xd8\xff").content.decode()
    assert "Upload a CAMT (.xml), MT940 (.sta) or CSV file." in page
    assert not BankImport.objects.exists()


def test_a_file_past_the_upload_limit_is_refused_naming_the_limit(owner_http, workspace,
                                                                   settings):
    settings.RAPPORT_MAX_UPLOAD_MB = 1
    page = upload(owner_http, "big.csv", b"x" * (1024 * 1024 + 10)).content.decode()
    assert "The file is larger than 1 MB" in page
    assert not BankImport.objects.exists()


def test_a_stuck_import_can_be_started_again(owner_http, workspace):
    run = BankImport.objects.create(workspace=workspace, file_name="x.xml", path="/nope",
                                    state="running",
                                    heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    assert "stopped reporting" in owner_http.get(f"/bank/imports/{run.pk}/").content.decode()
    owner_http.post(f"/bank/imports/{run.pk}/retry/")
    run.refresh_from_db()
    assert run.state == "queued"


def test_the_pages_belong_to_the_workspace(owner_http, outsider, workspace):
    from django.test import Client

    run = BankImport.objects.create(workspace=workspace, file_name="x.xml")
    other = Client()
    other.force_login(outsider)
    assert other.get(f"/bank/imports/{run.pk}/").status_code == 404


def _many(workspace, count: int) -> None:
    records = [Record(booking_date=dt.date(2026, 11, 1) + dt.timedelta(days=n % 30),
                      amount=Decimal(n + 1), counterparty_name=f"Kunde {n}",
                      purpose=f"RE-2026-{n:04}", account_iban="DE12500105170648489890")
               for n in range(count)]
    import_transactions(workspace, "csv", records)


def test_transactions_are_filtered_on_the_server_and_paged(owner_http, workspace):
    _many(workspace, 120)
    BankTransaction.objects.filter(counterparty_name="Kunde 7").update(status="matched")
    page = owner_http.get("/bank/transactions/").content.decode()
    assert "120 transactions" in page and "Page 1 of 3" in page
    assert page.count('data-testid="bank-transaction"') == 50
    page = owner_http.get("/bank/transactions/?status=matched").content.decode()
    assert "1 transaction" in page and "Kunde 7<" in page
    page = owner_http.get("/bank/transactions/?q=re-2026-0042").content.decode()
    assert "1 transaction" in page and "Kunde 42" in page
    page = owner_http.get("/bank/transactions/?date_from=2026-11-30&date_to=2026-11-30"
                          ).content.decode()
    assert "4 transactions" in page
    page = owner_http.get("/bank/transactions/?status=unmatched&page=3").content.decode()
    assert "Page 3 of 3" in page and "status=unmatched&amp;page=2" in page


def test_a_csv_mapping_is_saved_and_used_for_the_next_upload(owner_http, workspace):
    response = owner_http.post("/bank/mappings/new/", {
        "name": "Hausbank", "delimiter": ";", "encoding": "cp1252", "decimal_comma": "on",
        "date_format": "%d.%m.%Y", "col_booking_date": "Datum", "col_amount": "Wert",
        "col_counterparty_name": "Partner", "col_purpose": "Text",
        "account_iban": "DE12500105170648489890"}, follow=True)
    assert "Column mapping “Hausbank” saved." in response.content.decode()
    mapping = CsvMapping.objects.get(workspace=workspace)
    data = "Datum;Partner;Text;Wert\r\n01.12.2026;Müller;RE-2026-0043;595,00\r\n"
    upload(owner_http, "hausbank.csv", data.encode("cp1252"), layout=f"mapping:{mapping.pk}")
    run = jobs.run_import(BankImport.objects.get())
    assert run.state == "done", run.problem
    assert BankTransaction.objects.get().counterparty_name == "Müller"


def test_a_mapping_needs_an_amount_column_and_a_real_date_format(owner_http, workspace):
    page = owner_http.post("/bank/mappings/new/", {
        "name": "Kaputt", "delimiter": ";", "encoding": "utf-8-sig", "date_format": "%Q",
        "col_booking_date": "Datum"}).content.decode()
    assert "Name the amount column, or the debit and credit columns." in page
    assert "This is not a date format like %d.%m.%Y." in page
    assert not CsvMapping.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_import_whose_worker_died_is_finished_by_the_next_worker(owner_http, workspace):
    upload(owner_http, "camt053-v08.xml")
    run = BankImport.objects.get()
    # The first worker claimed it and died before saving anything.
    BankImport.objects.filter(pk=run.pk).update(
        state="running", worker="dead-worker", attempts=1,
        heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    call_command("worker", "--once")
    run.refresh_from_db()
    assert (run.state, run.statement.transaction_count, run.attempts) == ("done", 5, 2)
    assert BankTransaction.objects.filter(workspace=workspace).count() == 5


def test_an_import_that_keeps_killing_its_worker_is_given_up_with_the_reason(workspace):
    run = BankImport.objects.create(workspace=workspace, file_name="x.xml", path="/nope",
                                    state="running", attempts=5, worker="dead-worker",
                                    heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    assert jobs.requeue_stale_imports() == 0
    run.refresh_from_db()
    assert run.state == "failed" and "stopped the background worker 5 times" in run.problem
