"""`rapport import-bank PATH…`: import CAMT, MT940/MT942 and bank CSV statements.

Each file is one statement, imported completely or not at all; re-running changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from rapport.banking.importing import choose_layout, import_file
from rapport.banking.parsers import ParseError
from rapport.comms.management.base import choose_workspace
from rapport.core.uploads import max_upload_bytes


class Command(BaseCommand):
    help = "Import bank statements (CAMT.053/052/054, MT940/MT942, CSV) into a workspace."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument("--workspace", type=int, metavar="ID")
        parser.add_argument("--mapping", default="", metavar="NAME",
                            help="A saved CSV mapping or bank preset (e.g. Sparkasse); "
                                 "without it the format is recognised from the file.")

    def handle(self, *args: object, **options: object) -> None:
        workspace = choose_workspace(options["workspace"])  # type: ignore[arg-type]
        paths: list[Path] = options["paths"]  # type: ignore[assignment]
        for path in paths:
            if not path.is_file():
                raise CommandError(_("%(path)s is not a file.") % {"path": path})
        try:
            layout = choose_layout(workspace, str(options["mapping"] or ""))
        except ParseError as error:
            raise CommandError(error.reason) from error
        refused = 0
        for path in paths:
            if path.stat().st_size > max_upload_bytes():
                self.stderr.write(_("%(path)s: refused: the file is larger than %(mb)d MB.")
                                  % {"path": path, "mb": max_upload_bytes() // 1024 // 1024})
                refused += 1
                continue
            try:
                result = import_file(workspace, path.read_bytes(), path.name, layout=layout)
            except ParseError as error:
                self.stderr.write(_("%(path)s: refused, nothing imported: %(error)s")
                                  % {"path": path, "error": error})
                refused += 1
                continue
            self.stdout.write(_("%(path)s: %(imported)d imported, %(duplicates)d already known")
                              % {"path": path, "imported": result.created,
                                 "duplicates": result.duplicates})
        if refused:
            raise CommandError(_("%(count)d of %(total)d files were refused.")
                               % {"count": refused, "total": len(paths)})
