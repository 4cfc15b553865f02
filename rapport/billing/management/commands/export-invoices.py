"""`rapport export-invoices`: the period's invoices as one ZIP for the accountant.

The same export as the web page, for a cron job or a tax advisor's year-end request.
"""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser, ArgumentTypeError
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rapport.billing.export import CSV_STYLES, export_invoices, invoices_in_period
from rapport.billing.models import Invoice
from rapport.core.models import Workspace
from rapport.core.money import format_money


def iso_date(value: str) -> dt.date:
    """Strict YYYY-MM-DD, so 01/02/2026 cannot mean two different days."""
    try:
        return dt.datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as exc:
        raise ArgumentTypeError(
            _("“%(value)s” is not a date in the form YYYY-MM-DD.") % {"value": value}
        ) from exc


def _known(workspaces: list[Workspace]) -> str:
    return ", ".join(f"{w.pk} ({w.name})" for w in workspaces)


class Command(BaseCommand):
    help = (
        "Write every issued and cancelled invoice dated in a period (cancellation invoices "
        "included) to a ZIP: PDF and Factur-X XML per invoice plus summary.csv."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--from", dest="date_from", type=iso_date, required=True,
                            metavar="YYYY-MM-DD", help="First invoice date to include.")
        parser.add_argument("--to", dest="date_to", type=iso_date, required=True,
                            metavar="YYYY-MM-DD", help="Last invoice date to include.")
        parser.add_argument("--out", required=True, metavar="FILE.zip",
                            help="The ZIP file to write (replaced if it exists).")
        parser.add_argument("--workspace", type=int, metavar="ID",
                            help="Workspace ID; needed only when there is more than one.")
        parser.add_argument("--csv", dest="csv_style", choices=CSV_STYLES, default="standard",
                            help="summary.csv for German Excel (decimal comma) or for other "
                                 "programs (decimal point, the default).")

    def _workspace(self, pk: int | None) -> Workspace:
        workspaces = list(Workspace.objects.order_by("pk"))
        if pk is not None:
            for workspace in workspaces:
                if workspace.pk == pk:
                    return workspace
            raise CommandError(
                _("There is no workspace with ID %(id)s. Known: %(known)s.")
                % {"id": pk, "known": _known(workspaces) or "–"}
            )
        if not workspaces:
            raise CommandError(_("There is no workspace yet; nothing to export."))
        if len(workspaces) > 1:
            raise CommandError(
                _("There are several workspaces; choose one with --workspace ID. "
                  "Known: %(known)s.") % {"known": _known(workspaces)}
            )
        return workspaces[0]

    def handle(self, *args: object, **options: object) -> None:
        date_from: dt.date = options["date_from"]  # type: ignore[assignment]
        date_to: dt.date = options["date_to"]  # type: ignore[assignment]
        if date_from > date_to:
            raise CommandError(
                _("--from (%(from)s) lies after --to (%(to)s).")
                % {"from": date_from.isoformat(), "to": date_to.isoformat()}
            )
        out = Path(str(options["out"])).expanduser()
        if not out.parent.is_dir():
            raise CommandError(
                _("The folder %(folder)s does not exist.") % {"folder": out.parent}
            )
        if out.is_dir():
            raise CommandError(_("%(path)s is a folder; give a file name such as "
                                 "invoices.zip.") % {"path": out})
        workspace = self._workspace(options["workspace"])  # type: ignore[arg-type]
        total = invoices_in_period(workspace, date_from, date_to).count()
        width = len(str(total))
        done = 0

        def report(invoice: Invoice) -> None:
            nonlocal done
            done += 1
            amount = format_money(invoice.gross_total, invoice.currency,
                                  translation.get_language() or "en")
            self.stdout.write(
                f"[{done:>{width}}/{total}] {invoice.number}  {invoice.issue_date}  "
                f"{invoice.buyer.get('name') or invoice.client.name}  {amount}"
            )

        try:
            count = export_invoices(workspace, date_from, date_to, out, progress=report,
                                    csv_style=options["csv_style"])  # type: ignore[arg-type]
        except (ValidationError, OSError) as exc:
            message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(message) from exc
        summary = ngettext(
            "Exported %(count)s invoice dated %(from)s to %(to)s from “%(workspace)s” "
            "to %(out)s.",
            "Exported %(count)s invoices dated %(from)s to %(to)s from “%(workspace)s” "
            "to %(out)s.", count,
        ) % {"count": count, "from": date_from.isoformat(), "to": date_to.isoformat(),
             "workspace": workspace.name, "out": out}
        self.stdout.write(self.style.SUCCESS(summary))
