"""Shared by the comms commands: choosing the workspace, printing problems."""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from rapport.comms.mailimport import ImportResult
from rapport.core.models import Workspace


def choose_workspace(pk: int | None) -> Workspace:
    workspaces = list(Workspace.objects.order_by("pk"))
    known = ", ".join(f"{w.pk} ({w.name})" for w in workspaces) or "–"
    if pk is not None:
        for workspace in workspaces:
            if workspace.pk == pk:
                return workspace
        raise CommandError(_("There is no workspace with ID %(id)s. Known: %(known)s.")
                           % {"id": pk, "known": known})
    if len(workspaces) != 1:
        raise CommandError(_("Choose a workspace with --workspace ID. Known: %(known)s.")
                           % {"known": known})
    return workspaces[0]


def report(command: BaseCommand, label: str, result: ImportResult) -> None:
    for error in result.errors:
        level = _("warning") if error.get("level") == "warning" else _("skipped")
        command.stderr.write(f"{label}: {error['position']}: {level}: {error['reason']}")
    if result.omitted:
        command.stderr.write(_("%(label)s: %(n)d more problems not listed")
                             % {"label": label, "n": result.omitted})
    command.stdout.write(
        _("%(label)s: %(imported)d imported, %(duplicates)d already known, %(errors)d problems")
        % {"label": label, "imported": result.imported, "duplicates": result.duplicates,
           "errors": len(result.errors) + result.omitted})


class ProgressBar:
    """A one-line progress bar with a rate, only on a terminal (or when forced)."""

    def __init__(self, total: int, stream: object, force: bool = False) -> None:
        self.total = max(total, 1)
        self.stream = stream
        self.enabled = force or sys.stderr.isatty()
        self.started = time.monotonic()

    def update(self, done: int, count: int) -> None:
        if not self.enabled:
            return
        share = min(done / self.total, 1.0)
        elapsed = max(time.monotonic() - self.started, 1e-6)
        bar = "#" * int(share * 30)
        self.stream.write(f"\r[{bar:<30}] {share:4.0%} {count} msgs {count / elapsed:,.0f}/s",
                          ending="")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("")
