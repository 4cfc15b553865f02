"""`rapport import-mail PATH…`: import .mbox and .eml files (re-running changes nothing)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from rapport.comms.mailimport import import_mail_file
from rapport.comms.management.base import ProgressBar, choose_workspace, report


class Command(BaseCommand):
    help = "Import email from .mbox and .eml files into a workspace."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument("--workspace", type=int, metavar="ID")
        parser.add_argument("--progress", action="store_true",
                            help="Show the progress bar even when not on a terminal.")

    def handle(self, *args: object, **options: object) -> None:
        workspace = choose_workspace(options["workspace"])  # type: ignore[arg-type]
        paths: list[Path] = options["paths"]  # type: ignore[assignment]
        for path in paths:
            if not path.is_file():
                raise CommandError(_("%(path)s is not a file.") % {"path": path})
        for path in paths:
            bar = ProgressBar(path.stat().st_size, self.stderr, force=bool(options["progress"]))
            result = import_mail_file(workspace, path, progress=bar.update)
            bar.close()
            report(self, str(path), result)
