"""`rapport backup PATH`: the database and uploaded files in one archive (see
rapport/backups/archive.py); safe while the web server and the worker run."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from rapport.backups.archive import BackupError, backup
from rapport.backups.postgres import ToolMissing


class Command(BaseCommand):
    help = "Write a backup archive (.tar.gz) with the database, uploaded files and a manifest."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("path", help="The archive to write, e.g. rapport-2026-12-02.tar.gz")

    def handle(self, *args: object, path: str, **options: object) -> None:
        try:
            summary = backup(path)
        except (BackupError, ToolMissing, RuntimeError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backup written to {summary.path}: {summary.tables} tables, "
                          f"{summary.rows} rows, {summary.files} files.")
