"""The accountant's bundle: every issued invoice of a period as PDF and XML, plus a summary.

Tax offices and accountants want the documents as they were sent plus one table to
reconcile against the books. The ZIP is written entry by entry, so a year of invoices never
has to sit in memory, and the target may be a non-seekable stream (an HTTP response).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from rapport.billing.documents import einvoice_xml, render_pdf
from rapport.billing.models import Invoice
from rapport.core.models import Workspace
from rapport.core.money import quantize

SUMMARY_NAME = "summary.csv"
# Characters that make Excel or LibreOffice treat a cell as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def document_name(invoice: Invoice, extension: str) -> str:
    """`RE-2026-0001.pdf`; characters a file system or ZIP reader could misread become `-`.

    A number format such as `RE/{YYYY}/{seq}` would otherwise create folders in the ZIP.
    """
    stem = _UNSAFE_NAME.sub("-", invoice.number).strip("-.") or f"invoice-{invoice.pk}"
    return f"{stem}.{extension}"


def invoices_in_period(workspace: Workspace, date_from: dt.date,
                       date_to: dt.date) -> QuerySet[Invoice]:
    """Issued and cancelled invoices (cancellation invoices included) dated in the period."""
    return (
        Invoice.objects.filter(
            workspace=workspace,
            state__in=[Invoice.State.ISSUED, Invoice.State.CANCELLED],
            issue_date__gte=date_from, issue_date__lte=date_to,
        )
        .select_related("client", "cancels")
        .prefetch_related("payments")
        .order_by("issue_date", "pk")
    )


# How the summary is written. "german" opens as numbers in a German Excel: `;` between
# cells, a decimal comma and day.month.year dates; "standard" keeps a decimal point and
# ISO dates, which other programs parse. Both are UTF-8 with a BOM and use `;`.
CSV_STYLES = ("standard", "german")


def _decimal(value: Decimal, currency: str, style: str = "standard") -> str:
    """`1234.50` (or `1234,50` for German Excel): no grouping, the currency's minor unit."""
    text = f"{quantize(value, currency):f}"
    return text.replace(".", ",") if style == "german" else text


def _date(value: dt.date | None, style: str = "standard") -> str:
    if value is None:
        return ""
    return value.strftime("%d.%m.%Y") if style == "german" else value.isoformat()


def _text(value: str) -> str:
    """Neutralise cells a spreadsheet would run as a formula."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def summary_header() -> list[str]:
    return [_("number"), _("date"), _("kind"), _("client"), _("currency"), _("net"),
            _("VAT"), _("gross"), _("deposits deducted"), _("deducted deposit invoices"),
            _("amount due"), _("paid"), _("paid date")]


def summary_row(invoice: Invoice, style: str = "standard") -> list[str]:
    """One invoice; a final invoice shows the deposits it deducted, so the gross amounts
    of deposit and final invoice are not counted twice when reconciling payments."""
    currency = invoice.currency
    return [
        _text(invoice.number),
        _date(invoice.issue_date, style),
        str(Invoice.Kind(invoice.kind).label),
        _text(invoice.buyer.get("name") or invoice.client.name),
        currency,
        _decimal(invoice.net_total, currency, style),
        _decimal(invoice.tax_total, currency, style),
        _decimal(invoice.gross_total, currency, style),
        _decimal(invoice.deducted_total, currency, style),
        _text(", ".join(row["number"] for row in invoice.deductions or [])),
        _decimal(invoice.amount_due, currency, style),
        _decimal(invoice.paid_total(), currency, style),
        _date(invoice.paid_on(), style),
    ]


@contextmanager
def _target(out: BinaryIO | str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """A stream as is; a path via a temporary file renamed into place only on success.

    So a failed export never leaves a half-written ZIP that looks complete.
    """
    if hasattr(out, "write"):
        yield out  # type: ignore[misc]
        return
    path = Path(out)  # type: ignore[arg-type]
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            yield stream
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def export_invoices(workspace: Workspace, date_from: dt.date, date_to: dt.date,
                    out: BinaryIO | str | os.PathLike[str], *,
                    language: str | None = None, csv_style: str = "standard",
                    progress: Callable[[Invoice], None] | None = None) -> int:
    """Write the period's invoices to a ZIP and return how many went in.

    Per invoice `<number>.pdf` (PDF/A-3 with the embedded e-invoice) and `<number>.xml`
    (Factur-X EN 16931), then `summary.csv`: UTF-8 with BOM and `;` so Excel opens it as
    it is; amounts with a decimal point so any program parses them, or with a decimal
    comma and German dates for a German Excel (`csv_style="german"`). Headers and kinds are
    in `language` (default: the workspace's language). `progress` is called after each
    invoice is written, for a command line or a log.
    """
    if date_from > date_to:
        raise ValidationError(_("The start date lies after the end date."))
    if csv_style not in CSV_STYLES:
        raise ValueError(f"Unknown CSV style {csv_style!r}; use one of {CSV_STYLES}.")
    summary = io.StringIO()
    writer = csv.writer(summary, delimiter=";", lineterminator="\r\n")
    count = 0
    with translation.override(language or workspace.language), _target(out) as stream, \
            zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        writer.writerow(summary_header())
        for invoice in invoices_in_period(workspace, date_from, date_to).iterator(
            chunk_size=100
        ):
            # PDFs are compressed already; deflating them again only costs time.
            archive.writestr(document_name(invoice, "pdf"), render_pdf(invoice),
                             compress_type=zipfile.ZIP_STORED)
            archive.writestr(document_name(invoice, "xml"),
                             einvoice_xml(invoice, flavour="factur-x"))
            writer.writerow(summary_row(invoice, csv_style))
            count += 1
            if progress is not None:
                progress(invoice)
        archive.writestr(SUMMARY_NAME, summary.getvalue().encode("utf-8-sig"))
    return count
