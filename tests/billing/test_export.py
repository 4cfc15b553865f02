"""The accountant's ZIP: documents of the period only, a summary that adds up, a clear CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from rapport.billing import services
from rapport.billing.export import export_invoices
from rapport.billing.models import Invoice
from rapport.core.models import Workspace
from tests.billing.factories import billable_client, make_billable

pytestmark = pytest.mark.django_db
D = dt.date
FIRST_QUARTER = (D(2026, 1, 1), D(2026, 3, 31))
IN_RANGE = ["RE-2026-0001", "RE-2026-0002", "RE-2026-0003", "RE-2026-0004"]
HEADER = ["number", "date", "kind", "client", "currency", "net", "VAT", "gross",
          "deposits deducted", "deducted deposit invoices", "amount due", "paid", "paid date"]


def _issue(ws: Workspace, client, on: dt.date, *lines: tuple[str, str, str, str]) -> Invoice:
    invoice = services.new_draft(ws, client)
    for description, quantity, price, rate in lines:
        services.add_line(invoice, description, quantity, price, vat_rate=rate)
    return services.issue(invoice, on)


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    return make_billable(workspace)


@pytest.fixture
def books(ws: Workspace) -> dict[str, Invoice]:
    """A year end and a first quarter: partly paid, fully paid, cancelled, and a draft."""
    kranich = billable_client(ws)
    heron = billable_client(ws, "=HYPERLINK(\"x\") Heron")  # a name Excel would run
    before = _issue(ws, kranich, D(2025, 12, 31), ("December", "1", "100", "19"))
    partly = _issue(ws, kranich, D(2026, 1, 10), ("Editing", "10", "100", "19"))
    services.record_payment(partly, "500.00", D(2026, 1, 20))
    paid = _issue(ws, heron, D(2026, 2, 5), ("Books", "2", "250", "7"))
    services.record_payment(paid, "300.00", D(2026, 2, 10))
    services.record_payment(paid, "235.00", D(2026, 2, 20))
    wrong = _issue(ws, kranich, D(2026, 3, 1), ("Typo", "1", "80", "19"))
    storno = services.cancel(wrong, D(2026, 3, 31))
    after = _issue(ws, kranich, D(2026, 4, 1), ("April", "1", "100", "19"))
    draft = services.new_draft(ws, kranich)
    services.add_line(draft, "Not yet", "1", "1")
    return {"before": before, "partly": partly, "paid": paid, "wrong": wrong,
            "storno": storno, "after": after}


def _summary(archive: zipfile.ZipFile) -> list[list[str]]:
    raw = archive.read("summary.csv")
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel then reads UTF-8
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_the_zip_holds_pdf_and_xml_for_each_invoice_of_the_period_only(ws, books):
    buffer = io.BytesIO()
    count = export_invoices(ws, *FIRST_QUARTER, buffer, language="en")

    assert count == 4
    archive = zipfile.ZipFile(buffer)
    assert archive.testzip() is None
    expected = {f"{n}.{ext}" for n in IN_RANGE for ext in ("pdf", "xml")} | {"summary.csv"}
    assert set(archive.namelist()) == expected
    assert books["before"].number == "RE-2025-0001"  # dated 31 Dec: outside
    assert books["after"].number == "RE-2026-0005"  # dated 1 Apr: outside
    for number in IN_RANGE:
        assert archive.read(f"{number}.pdf").startswith(b"%PDF")
        xml = archive.read(f"{number}.xml")
        assert xml.lstrip().startswith(b"<?xml") and number.encode() in xml


def test_the_summary_has_one_row_per_invoice_with_the_right_amounts(ws, books):
    buffer = io.BytesIO()
    export_invoices(ws, *FIRST_QUARTER, buffer, language="en")

    header, *rows = _summary(zipfile.ZipFile(buffer))
    assert header == HEADER
    assert rows == [
        # Partly paid: 500 of 1,190 received, so no paid date yet.
        ["RE-2026-0001", "2026-01-10", "Invoice", "Kranich Verlag GmbH", "EUR",
         "1000.00", "190.00", "1190.00", "0.00", "", "1190.00", "500.00", ""],
        # Paid in two instalments; the date is the day the balance reached zero.
        ["RE-2026-0002", "2026-02-05", "Invoice", "'=HYPERLINK(\"x\") Heron", "EUR",
         "500.00", "35.00", "535.00", "0.00", "", "535.00", "535.00", "2026-02-20"],
        # The cancelled original stays in the books, next to its cancellation invoice.
        ["RE-2026-0003", "2026-03-01", "Invoice", "Kranich Verlag GmbH", "EUR",
         "80.00", "15.20", "95.20", "0.00", "", "95.20", "0.00", ""],
        ["RE-2026-0004", "2026-03-31", "Cancellation invoice", "Kranich Verlag GmbH", "EUR",
         "-80.00", "-15.20", "-95.20", "0.00", "", "-95.20", "0.00", ""],
    ]


def test_the_german_variant_opens_as_numbers_in_a_german_excel(ws, books):
    buffer = io.BytesIO()
    export_invoices(ws, *FIRST_QUARTER, buffer, language="de", csv_style="german")
    raw = zipfile.ZipFile(buffer).read("summary.csv")
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    header, first, *_rest = _summary(zipfile.ZipFile(buffer))
    assert header[:3] == ["Nummer", "Datum", "Art"]
    assert header[8] == "abgezogene Anzahlungen"
    assert first[1] == "10.01.2026"
    assert first[5:8] == ["1000,00", "190,00", "1190,00"]
    assert first[-3:] == ["1190,00", "500,00", ""]
    assert b"1000.00" not in raw


def test_a_final_invoice_shows_the_deposit_it_deducted(ws):
    from tests.billing.factories import project_for

    client = billable_client(ws)
    project = project_for(client, "4000.00", start_date=D(2026, 1, 5), end_date=D(2026, 3, 6))
    deposit = services.issue(services.create_deposit_invoice(project, 30), D(2026, 1, 5))
    services.record_payment(deposit, deposit.amount_due, D(2026, 1, 12))
    final = services.issue(services.create_final_invoice(project), D(2026, 3, 10))
    buffer = io.BytesIO()
    export_invoices(ws, *FIRST_QUARTER, buffer, language="en", csv_style="german")
    rows = {row[0]: row for row in _summary(zipfile.ZipFile(buffer))[1:]}
    assert rows[final.number][7:11] == ["4760,00", "1428,00", deposit.number, "3332,00"]
    assert rows[deposit.number][8:11] == ["0,00", "", "1428,00"]


def test_another_workspaces_invoices_stay_out(ws, books, outsider):
    other = make_billable(Workspace.objects.get(name="Elsewhere Ltd"))
    _issue(other, billable_client(other, "Stranger GmbH"), D(2026, 2, 1), ("X", "1", "9", "19"))
    buffer = io.BytesIO()

    assert export_invoices(ws, *FIRST_QUARTER, buffer, language="en") == 4
    clients = {row[3] for row in _summary(zipfile.ZipFile(buffer))[1:]}
    assert "Stranger GmbH" not in clients


class WriteOnly(io.RawIOBase):
    """A response-like stream: no seek, no tell, no reading back."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.chunks.append(bytes(data))
        return len(data)


def test_it_streams_into_a_stream_that_cannot_seek(ws, books):
    stream = WriteOnly()
    assert export_invoices(ws, D(2026, 1, 1), D(2026, 1, 31), stream, language="en") == 1
    archive = zipfile.ZipFile(io.BytesIO(b"".join(stream.chunks)))
    assert sorted(archive.namelist()) == ["RE-2026-0001.pdf", "RE-2026-0001.xml",
                                          "summary.csv"]


def test_an_empty_period_gives_a_zip_with_just_the_header(ws, books):
    buffer = io.BytesIO()
    assert export_invoices(ws, D(2020, 1, 1), D(2020, 12, 31), buffer, language="en") == 0
    archive = zipfile.ZipFile(buffer)
    assert archive.namelist() == ["summary.csv"]
    assert _summary(archive) == [HEADER]


def test_it_refuses_a_period_that_ends_before_it_starts(ws, tmp_path):
    target = tmp_path / "out.zip"
    with pytest.raises(ValidationError, match="start date lies after the end date"):
        export_invoices(ws, D(2026, 3, 1), D(2026, 2, 1), target)
    assert not target.exists()


def test_the_command_writes_the_zip_and_reports_progress(ws, books, tmp_path):
    target = tmp_path / "q1.zip"
    out = io.StringIO()
    call_command("export-invoices", "--from", "2026-01-01", "--to", "2026-03-31",
                 "--out", str(target), stdout=out)

    lines = out.getvalue().splitlines()
    progress = [line for line in lines if line.startswith("[")]
    assert [line.split()[1] for line in progress] == IN_RANGE
    assert progress[0].startswith("[1/4] RE-2026-0001  2026-01-10  Kranich Verlag GmbH")
    assert "Exported 4 invoices dated 2026-01-01 to 2026-03-31" in lines[-1]
    assert str(target) in lines[-1]
    assert len(zipfile.ZipFile(target).namelist()) == 9
    assert [p.name for p in Path(tmp_path).iterdir()] == ["q1.zip"]  # no leftovers


def test_the_command_picks_a_workspace_by_id(ws, books, outsider, tmp_path):
    target = tmp_path / "q1.zip"
    call_command("export-invoices", "--from", "2026-01-01", "--to", "2026-03-31",
                 "--out", str(target), "--workspace", str(ws.pk), stdout=io.StringIO())
    assert len(zipfile.ZipFile(target).namelist()) == 9


@pytest.mark.parametrize(("args", "message"), [
    (["--from", "2026-02-30", "--to", "2026-03-31"], "“2026-02-30” is not a date in the form"),
    (["--from", "01.01.2026", "--to", "2026-03-31"], "“01.01.2026” is not a date in the form"),
    (["--from", "2026-04-01", "--to", "2026-03-31"],
     "--from (2026-04-01) lies after --to (2026-03-31)"),
    (["--from", "2026-01-01", "--to", "2026-03-31", "--workspace", "999999"],
     "There is no workspace with ID 999999. Known: "),
])
def test_the_command_explains_bad_input(ws, tmp_path, args, message):
    target = tmp_path / "out.zip"
    with pytest.raises(CommandError) as info:
        call_command("export-invoices", *args, "--out", str(target), stdout=io.StringIO())
    assert message in str(info.value)
    assert not target.exists()


def test_the_command_asks_which_workspace_when_there_are_several(ws, outsider, tmp_path):
    with pytest.raises(CommandError) as info:
        call_command("export-invoices", "--from", "2026-01-01", "--to", "2026-03-31",
                     "--out", str(tmp_path / "out.zip"), stdout=io.StringIO())
    assert "several workspaces; choose one with --workspace ID" in str(info.value)
    assert f"{ws.pk} (Studio Nord)" in str(info.value)
    assert "(Elsewhere Ltd)" in str(info.value)


def test_the_command_refuses_a_missing_folder(ws, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("export-invoices", "--from", "2026-01-01", "--to", "2026-03-31",
                     "--out", str(tmp_path / "nowhere" / "out.zip"), stdout=io.StringIO())


def test_the_command_needs_all_three_options(ws):
    with pytest.raises(CommandError, match="--out"):
        call_command("export-invoices", "--from", "2026-01-01", "--to", "2026-03-31")



def test_the_export_page_offers_the_german_variant_and_preselects_it_in_german(
        owner_http, ws, books):
    page = owner_http.get("/invoices/export/").content.decode()
    assert 'value="german" selected' in page  # the workspace writes German
    response = owner_http.get("/invoices/export/", {
        "date_from": "2026-01-01", "date_to": "2026-03-31", "csv_style": "german"})
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "1190,00" in archive.read("summary.csv").decode("utf-8-sig")


def test_the_command_writes_the_german_variant_on_request(ws, books, tmp_path):
    target = tmp_path / "q1.zip"
    call_command("export-invoices", "--from", "2026-01-01", "--to", "2026-03-31",
                 "--out", str(target), "--csv", "german", stdout=io.StringIO())
    summary = zipfile.ZipFile(target).read("summary.csv").decode("utf-8-sig")
    assert "10.01.2026" in summary and "1190,00" in summary
