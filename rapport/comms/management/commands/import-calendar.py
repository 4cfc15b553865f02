"""`rapport import-calendar PATH…`: import .ics files as meetings (re-running changes nothing)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from rapport.comms.calendar import import_ics
from rapport.comms.management.base import choose_workspace, report


class Command(BaseCommand):
    help = "Import meetings, cancellations and reschedules from .ics files."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument("--workspace", type=int, metavar="ID")

    def handle(self, *args: object, **options: object) -> None:
        workspace = choose_workspace(options["workspace"])  # type: ignore[arg-type]
        paths: list[Path] = options["paths"]  # type: ignore[assignment]
        for path in paths:
            if not path.is_file():
                raise CommandError(_("%(path)s is not a file.") % {"path": path})
        for path in paths:
            report(self, str(path), import_ics(workspace, path.read_bytes()))
