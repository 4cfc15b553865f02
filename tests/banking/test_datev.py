"""The DATEV EXTF Buchungsstapel, checked field by field against the documented format."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from rapport.banking import datev
from rapport.banking.models import DatevSettings
from rapport.billing import services
from tests.billing.factories import billable_client, make_billable

pytestmark = pytest.mark.django_db
CREATED = dt.datetime(2026, 12, 6, 9, 30, 15, 123000, tzinfo=dt.UTC)


def issued(workspace, client, lines, day=dt.date(2026, 3, 10)):
    draft = services.new_draft(workspace, client)
    for description, price, rate in lines:
        services.add_line(draft, description, 1, price, vat_rate=rate)
    return services.issue(draft, today=day)


def rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("cp1252")), delimiter=";"))


@pytest.fixture
def books(workspace):
    make_billable(workspace)
    client = billable_client(workspace, name="Bäckerei Müller & Söhne")
    invoice = issued(workspace, client, [("Konzept", "1000.00", "19.00"),
                                         ("Fachbuch", "100.00", "7.00")])
    services.record_payment(invoice, Decimal("1297.00"), paid_on=dt.date(2026, 3, 24))
    return workspace, invoice


def test_header_line_carries_the_batch_metadata(books):
    workspace, _invoice = books
    DatevSettings.objects.create(workspace=workspace, chart="04", consultant_number=29098,
                                 client_number=55003, fiscal_year_start_month=1)
    content = datev.export_csv(workspace, dt.date(2026, 3, 1), dt.date(2026, 3, 31), CREATED)
    first = content.split(b"\r\n")[0].decode("cp1252")
    fields = first.split(";")
    assert len(fields) == 31
    assert fields[:6] == ['"EXTF"', "700", "21", '"Buchungsstapel"', "13", "20261206093015123"]
    assert fields[10:16] == ["29098", "55003", "20260101", "4", "20260301", "20260331"]
    assert fields[16] == '"Rapport 01.03.2026-31.03.2026"'
    assert fields[18:22] == ["1", "0", "0", '"EUR"']
    assert fields[26] == '"04"'


def test_invoice_and_payment_bookings_in_skr03(books):
    workspace, invoice = books
    DatevSettings.objects.create(workspace=workspace, tax_key_19="3", tax_key_7="2",
                                 revenue_account_19="8200", revenue_account_7="8200")
    lines = rows(datev.export_csv(workspace, dt.date(2026, 1, 1), dt.date(2026, 12, 31)))
    assert lines[1][:14] == datev.COLUMNS[:14]
    assert len(lines[1]) == len(datev.COLUMNS) == 41
    bookings = lines[2:]
    assert [len(b) for b in bookings] == [41, 41, 41]
    number = invoice.number
    due = invoice.due_date.strftime("%d%m%y")
    # Umsatz, S/H, WKZ, -, -, -, Konto, Gegenkonto, BU, Belegdatum, Belegfeld 1, Belegfeld 2
    assert bookings[0][:12] == ["1190,00", "S", "EUR", "", "", "", "10000", "8200", "3",
                                "1003", number, due]
    assert bookings[1][:12] == ["107,00", "S", "EUR", "", "", "", "10000", "8200", "2",
                                "1003", number, due]
    assert bookings[2][:12] == ["1297,00", "S", "EUR", "", "", "", "1200", "10000", "",
                                "2403", number, ""]
    assert bookings[0][13] == f"Bäckerei Müller & Söhne {number}"


def test_skr04_defaults_use_automatic_accounts_without_a_tax_key(books):
    workspace, _invoice = books
    DatevSettings.objects.create(workspace=workspace, chart="04")
    bookings = rows(datev.export_csv(workspace, dt.date(2026, 1, 1), dt.date(2026, 12, 31)))[2:]
    assert [(b[6], b[7], b[8]) for b in bookings] == [("10000", "4400", ""),
                                                       ("10000", "4300", ""),
                                                       ("1800", "10000", "")]


def test_a_cancellation_is_booked_on_the_credit_side(books):
    workspace, invoice = books
    storno = services.cancel(invoice, today=dt.date(2026, 3, 30))
    bookings = rows(datev.export_csv(workspace, dt.date(2026, 3, 1), dt.date(2026, 3, 31)))[2:]
    mine = [b for b in bookings if b[10] == storno.number]
    assert [(b[0], b[1], b[6], b[7]) for b in mine] == [("1190,00", "H", "10000", "8400"),
                                                         ("107,00", "H", "10000", "8300")]


def test_reverse_charge_goes_to_its_account_with_the_buyers_vat_id(workspace):
    make_billable(workspace)
    client = billable_client(workspace, name="Lumière SARL", country="FR",
                             vat_id="FR40303265045", language="en")
    invoice = issued(workspace, client, [("UX audit", "4320.00", "19.00")])
    booking = rows(datev.export_csv(workspace, dt.date(2026, 1, 1), dt.date(2026, 12, 31)))[2]
    assert (booking[0], booking[7], booking[8], booking[39]) == (
        "4320,00", "8336", "", "FR40303265045")
    assert booking[10] == invoice.number


def test_the_file_is_windows_1252_with_crlf_and_decimal_commas(books):
    workspace, _invoice = books
    content = datev.export_csv(workspace, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert "Bäckerei".encode("cp1252") in content and "Bäckerei".encode() not in content
    assert content.count(b"\r\n") == 5 and b"\n" not in content.replace(b"\r\n", b"")
    assert b"1190,00" in content and b"1190.00" not in content


def test_the_export_page_downloads_the_file(owner_http, books):
    page = owner_http.get("/invoices/export/").content.decode()
    assert 'href="/bank/datev/"' in page  # offered next to the ZIP export
    response = owner_http.get("/bank/datev/?date_from=2026-01-01&date_to=2026-12-31")
    assert response["Content-Disposition"] == \
        'attachment; filename="EXTF_Buchungsstapel_20260101_20261231.csv"'
    assert response.content.startswith(b'"EXTF";700;21;"Buchungsstapel";13;')


def test_a_period_across_two_fiscal_years_is_refused(owner_http, books):
    workspace, _invoice = books
    DatevSettings.objects.create(workspace=workspace, fiscal_year_start_month=7)
    page = owner_http.get("/bank/datev/?date_from=2026-03-01&date_to=2026-08-31")
    assert "A DATEV batch covers one fiscal year at most" in page.content.decode()
    ok = owner_http.get("/bank/datev/?date_from=2026-07-01&date_to=2027-06-30")
    assert ok.content.split(b";")[12] == b"20260701"


def test_the_settings_form_saves_chart_and_numbers(owner_http, workspace):
    response = owner_http.post("/bank/datev/settings/", {
        "chart": "04", "consultant_number": "29098", "client_number": "55003",
        "fiscal_year_start_month": "1", "revenue_account_19": "", "tax_key_19": "",
        "revenue_account_7": "", "tax_key_7": "", "revenue_account_0": "",
        "revenue_account_small_business": "", "revenue_account_reverse_charge": "",
        "revenue_account_export": "", "bank_account": "1810", "debtor_account": ""},
        follow=True)
    page = response.content.decode()
    assert "DATEV settings saved." in page
    assert "SKR 04, consultant 29098, client 55003" in page and "1810" in page
    bad = owner_http.post("/bank/datev/settings/", {"chart": "03", "consultant_number": "12",
                                                    "client_number": "1",
                                                    "fiscal_year_start_month": "1",
                                                    "bank_account": "12a"})
    assert "An account number has 4 to 8 digits." in bad.content.decode()
