"""`rapport import-time PATH --format toggl|clockify|csv`: import tracked time from a CSV.

Nothing is imported while a row cannot be read or a client or project name is unknown;
the command lists them by line. Importing the same file again changes nothing."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from rapport.comms.management.base import choose_workspace
from rapport.timetracking import imports

FORMATS = {"toggl": imports.TOGGL, "clockify": imports.CLOCKIFY, "csv": imports.GENERIC}


class Command(BaseCommand):
    help = "Import tracked time from a Toggl Track or Clockify detailed report, or any CSV."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("path", type=Path, metavar="PATH")
        parser.add_argument("--format", choices=sorted(FORMATS), required=True)
        parser.add_argument("--workspace", type=int, metavar="ID")
        parser.add_argument(
            "--column", action="append", default=[], metavar="FIELD=HEADER",
            help=f"For --format csv: which column holds a field ({', '.join(imports.FIELDS)}). "
                 "Guessed from common English and German headers when left out.")
        parser.add_argument("--create-missing", action="store_true",
                            help="Create clients and projects the workspace does not know.")
        parser.add_argument("--skip-without-client", action="store_true",
                            help="Leave out rows that name no client (instead of stopping).")

    def handle(self, *args: object, **options: object) -> None:
        workspace = choose_workspace(options["workspace"])  # type: ignore[arg-type]
        path: Path = options["path"]  # type: ignore[assignment]
        if not path.is_file():
            raise CommandError(_("%(path)s is not a file.") % {"path": path})
        source = FORMATS[str(options["format"])]
        data = path.read_bytes()
        mapping = None
        if source == imports.GENERIC:
            header, _rows = self._table(data)
            mapping = imports.guess_mapping(header)
            for item in options["column"]:  # type: ignore[attr-defined]
                name, _sep, column = str(item).partition("=")
                if name not in imports.FIELDS or not column:
                    raise CommandError(_("Use --column FIELD=HEADER with one of: %(fields)s.")
                                       % {"fields": ", ".join(imports.FIELDS)})
                mapping[name] = column
        client_map = {imports.NO_CLIENT: imports.SKIP} if options["skip_without_client"] else {}
        try:
            result = imports.import_file(workspace, source, data, mapping=mapping,
                                         client_map=client_map,
                                         create_missing=bool(options["create_missing"]))
        except imports.ImportFileError as error:
            raise CommandError(str(error)) from error
        except imports.RowProblems as error:
            for problem in error.problems:
                self.stderr.write(_("%(path)s, line %(line)d: %(message)s")
                                  % {"path": path, "line": problem.line,
                                     "message": problem.message})
            raise CommandError(_("Nothing was imported: fix these lines and run again.")) \
                from error
        except imports.MappingError as error:
            for message in error.messages:
                self.stderr.write(message)
            raise CommandError(_("Nothing was imported. Create the missing clients and "
                                 "projects with --create-missing, or leave out rows without a "
                                 "client with --skip-without-client.")) from error
        for name in result.created_clients:
            self.stdout.write(_("Created client %(name)s") % {"name": name})
        for name in result.created_projects:
            self.stdout.write(_("Created project %(name)s") % {"name": name})
        self.stdout.write(_("%(path)s: %(imported)d imported, %(duplicates)d already imported, "
                            "%(skipped)d left out") % {
            "path": path, "imported": result.imported, "duplicates": result.duplicates,
            "skipped": result.skipped})

    @staticmethod
    def _table(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
        try:
            return imports.read_table(data)
        except imports.ImportFileError as error:
            raise CommandError(str(error)) from error
