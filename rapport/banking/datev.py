"""The tax adviser's DATEV import: invoices and payments as an EXTF "Buchungsstapel".

Format version 700, category 21 ("Buchungsstapel"), format version 13: line 1 the batch
header, line 2 the column names, then one line per booking. Windows-1252, `;` between
fields, text in double quotes, amounts unsigned with a decimal comma and the direction in
the "Soll/Haben-Kennzeichen", Belegdatum as DDMM (the year comes from the header, so a
batch never spans two fiscal years). Which column holds what is documented in docs/datev.md.

An invoice is booked per VAT rate, debtor (S) to revenue account; deposits deducted on a
final invoice are booked back (H), so revenue is counted once; a payment is booked bank (S)
to debtor. A negative amount (a cancellation invoice, a refund) turns S into H.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal

from rapport.banking.models import Chart, DatevSettings
from rapport.billing import services as billing
from rapport.billing.export import invoices_in_period
from rapport.billing.models import Invoice, Payment, TaxTreatment
from rapport.core import clock
from rapport.core.models import Workspace

# The usual accounts of each chart; an empty settings field means this one.
DEFAULT_ACCOUNTS: dict[str, dict[str, str]] = {
    Chart.SKR03: {
        "revenue_account_19": "8400", "revenue_account_7": "8300", "revenue_account_0": "8200",
        "revenue_account_small_business": "8195", "revenue_account_reverse_charge": "8336",
        "revenue_account_export": "8338", "bank_account": "1200", "debtor_account": "10000",
    },
    Chart.SKR04: {
        "revenue_account_19": "4400", "revenue_account_7": "4300", "revenue_account_0": "4200",
        "revenue_account_small_business": "4185", "revenue_account_reverse_charge": "4336",
        "revenue_account_export": "4338", "bank_account": "1800", "debtor_account": "10000",
    },
}

# Line 2: the first 41 columns of the Buchungsstapel; later ones are left out (empty).
COLUMNS = [
    "Umsatz (ohne Soll/Haben-Kz)", "Soll/Haben-Kennzeichen", "WKZ Umsatz", "Kurs",
    "Basis-Umsatz", "WKZ Basis-Umsatz", "Konto", "Gegenkonto (ohne BU-Schlüssel)",
    "BU-Schlüssel", "Belegdatum", "Belegfeld 1", "Belegfeld 2", "Skonto", "Buchungstext",
    "Postensperre", "Diverse Adressnummer", "Geschäftspartnerbank", "Sachverhalt",
    "Zinssperre", "Beleglink",
    *[f"Beleginfo - {kind} {n}" for n in range(1, 9) for kind in ("Art", "Inhalt")],
    "KOST1 - Kostenstelle", "KOST2 - Kostenstelle", "Kost-Menge",
    "EU-Land u. UStID (Bestimmung)", "EU-Steuersatz (Bestimmung)",
]
HEADER_FIELDS = 31
ENCODING = "cp1252"


def settings_for(workspace: Workspace) -> DatevSettings:
    found = DatevSettings.objects.filter(workspace=workspace).first()
    return found or DatevSettings(workspace=workspace)


def account(settings: DatevSettings, field: str) -> str:
    """The account the user set, or the chart's usual one."""
    return getattr(settings, field) or DEFAULT_ACCOUNTS[settings.chart][field]


def fiscal_year_start(day: dt.date, start_month: int) -> dt.date:
    year = day.year if day.month >= start_month else day.year - 1
    return dt.date(year, start_month, 1)


@dataclasses.dataclass
class Booking:
    amount: Decimal  # signed: positive debits `konto`
    currency: str
    konto: str
    gegenkonto: str
    date: dt.date
    document: str  # Belegfeld 1: the invoice number
    text: str
    tax_key: str = ""
    due: dt.date | None = None  # Belegfeld 2 for open items
    vat_id: str = ""

    def row(self) -> list[str]:
        cells = [""] * len(COLUMNS)
        cells[0] = f"{abs(self.amount):.2f}".replace(".", ",")
        cells[1] = "S" if self.amount >= 0 else "H"
        cells[2] = self.currency
        cells[6] = self.konto
        cells[7] = self.gegenkonto
        cells[8] = self.tax_key
        cells[9] = self.date.strftime("%d%m")
        cells[10] = _document(self.document)
        cells[11] = self.due.strftime("%d%m%y") if self.due else ""
        cells[13] = self.text[:60]
        cells[39] = self.vat_id[:15]
        return cells


def _document(number: str) -> str:
    """Belegfeld 1 takes 36 characters: letters, digits and $ & % * + - / ."""
    allowed = set("$&%*+-/.")
    return "".join(c if c.isalnum() and c.isascii() or c in allowed else "-"
                   for c in number)[:36]


def _revenue(settings: DatevSettings, invoice: Invoice, rate: Decimal) -> tuple[str, str]:
    """(revenue account, tax key) for the invoice's tax treatment and one VAT rate."""
    treatment = invoice.tax_treatment
    if treatment == TaxTreatment.SMALL_BUSINESS:
        return account(settings, "revenue_account_small_business"), ""
    if treatment == TaxTreatment.REVERSE_CHARGE:
        return account(settings, "revenue_account_reverse_charge"), ""
    if treatment == TaxTreatment.EXPORT:
        return account(settings, "revenue_account_export"), ""
    if rate == Decimal("19"):
        return account(settings, "revenue_account_19"), settings.tax_key_19
    if rate == Decimal("7"):
        return account(settings, "revenue_account_7"), settings.tax_key_7
    return account(settings, "revenue_account_0"), ""


def invoice_bookings(settings: DatevSettings, invoice: Invoice) -> Iterator[Booking]:
    debtor = account(settings, "debtor_account")
    client = invoice.buyer.get("name") or invoice.client.name
    text = f"{client} {invoice.number}"
    vat_id = invoice.buyer.get("vat_id", "") if invoice.tax_treatment == \
        TaxTreatment.REVERSE_CHARGE else ""
    for rate in billing.totals(invoice).rates:
        revenue, key = _revenue(settings, invoice, rate.rate)
        gross = rate.net + rate.tax
        if gross:
            yield Booking(gross, invoice.currency, debtor, revenue, invoice.issue_date,
                          invoice.number, text, key, invoice.due_date, vat_id)
    for row in invoice.deductions or []:
        rate = Decimal(row["vat_rate"])
        revenue, key = _revenue(settings, invoice, rate)
        yield Booking(-Decimal(row["gross"]), invoice.currency, debtor, revenue,
                      invoice.issue_date, invoice.number, f"{client} {row['number']}"[:60],
                      key, None, vat_id)


def payment_booking(settings: DatevSettings, payment: Payment) -> Booking:
    invoice = payment.invoice
    client = invoice.buyer.get("name") or invoice.client.name
    return Booking(payment.amount, invoice.currency, account(settings, "bank_account"),
                   account(settings, "debtor_account"), payment.paid_on, invoice.number,
                   f"{client} {invoice.number}")


def bookings(workspace: Workspace, settings: DatevSettings, date_from: dt.date,
             date_to: dt.date) -> Iterator[Booking]:
    for invoice in invoices_in_period(workspace, date_from, date_to).prefetch_related("lines"):
        yield from invoice_bookings(settings, invoice)
    payments = (Payment.objects.filter(workspace=workspace, paid_on__gte=date_from,
                                       paid_on__lte=date_to)
                .exclude(invoice__state=Invoice.State.DRAFT)
                .select_related("invoice__client").order_by("paid_on", "pk"))
    for payment in payments:
        yield payment_booking(settings, payment)


def header(settings: DatevSettings, date_from: dt.date, date_to: dt.date,
           created: dt.datetime | None = None) -> list[str]:
    created = created or clock.now()
    start = fiscal_year_start(date_from, settings.fiscal_year_start_month)
    fields = [
        "EXTF", "700", "21", "Buchungsstapel", "13",
        created.strftime("%Y%m%d%H%M%S") + f"{created.microsecond // 1000:03d}",
        "", "RE", "Rapport", "",
        str(settings.consultant_number), str(settings.client_number),
        start.strftime("%Y%m%d"), "4",
        date_from.strftime("%Y%m%d"), date_to.strftime("%Y%m%d"),
        f"Rapport {date_from:%d.%m.%Y}-{date_to:%d.%m.%Y}"[:30], "", "1", "0", "0", "EUR",
        "", "", "", "", str(settings.chart), "", "", "", "",
    ]
    assert len(fields) == HEADER_FIELDS
    return fields


# Header fields and columns that are text, written in double quotes.
_TEXT_HEADER = {0, 3, 7, 8, 9, 16, 17, 21, 23, 26, 30}
_TEXT_COLUMNS = {1, 2, 5, 10, 11, 13, 39}


def _line(fields: list[str], text_positions: set[int]) -> str:
    """Text in double quotes (a quote inside becomes '), numbers and empty fields bare."""
    return ";".join(f'"{v.replace(chr(34), chr(39))}"' if v and i in text_positions else v
                    for i, v in enumerate(fields))


def export_csv(workspace: Workspace, date_from: dt.date, date_to: dt.date,
               created: dt.datetime | None = None) -> bytes:
    """The period's bookings as a DATEV EXTF file (bytes in Windows-1252)."""
    settings = settings_for(workspace)
    out = io.StringIO()
    out.write(_line(header(settings, date_from, date_to, created), _TEXT_HEADER) + "\r\n")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for booking in bookings(workspace, settings, date_from, date_to):
        out.write(_line(booking.row(), _TEXT_COLUMNS) + "\r\n")
    return out.getvalue().encode(ENCODING, errors="replace")


def file_name(date_from: dt.date, date_to: dt.date) -> str:
    return f"EXTF_Buchungsstapel_{date_from:%Y%m%d}_{date_to:%Y%m%d}.csv"
