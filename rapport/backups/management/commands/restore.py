"""`rapport restore PATH`: bring a backup back into a new, empty installation."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from rapport.backups.archive import BackupError, restore
from rapport.backups.postgres import ToolMissing


class Command(BaseCommand):
    help = ("Restore a backup archive into this installation, which must be empty; "
            "checksums and row counts are verified.")

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("path", help="A backup archive written by `rapport backup`")

    def handle(self, *args: object, path: str, **options: object) -> None:
        try:
            summary, pending = restore(path)
        except (BackupError, ToolMissing, RuntimeError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored {summary.path}: {summary.tables} tables, "
                          f"{summary.rows} rows, {summary.files} files; checksums and row "
                          "counts match the backup.")
        if pending:
            self.stdout.write(f"The backup is from an older version: run `rapport migrate` "
                              f"now ({len(pending)} migrations to apply).")
