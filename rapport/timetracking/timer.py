"""The one running timer per person: start, stop, and what is running right now.

The state is the database row (an entry without an end), so a reload or another
page shows the same timer; a unique constraint, not luck, keeps it to one."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from rapport.clients.models import Client, Project
from rapport.core import clock
from rapport.core.models import Workspace
from rapport.timetracking.models import TimeEntry


def running(workspace: Workspace, user: object) -> TimeEntry | None:
    """The user's running timer in this workspace, if any."""
    return (TimeEntry.objects.select_related("client", "project")
            .filter(workspace=workspace, user=user, ended_at__isnull=True).first())


def running_anywhere(user: object) -> TimeEntry | None:
    """The user's running timer in whichever workspace it was started (one at most)."""
    return (TimeEntry.objects.select_related("client", "workspace")
            .filter(user=user, ended_at__isnull=True).first())


def start(workspace: Workspace, user: object, client: Client, *, project: Project | None = None,
          category: str = TimeEntry.Category.WORK, description: str = "",
          billable: bool = True, now: dt.datetime | None = None) -> TimeEntry:
    """Start a timer; refuse while another one runs (stop it first, nothing is lost)."""
    if client.workspace_id != workspace.pk:
        raise ValidationError(_("Unknown client."))
    if project is not None and project.client_id != client.pk:
        raise ValidationError(_("This project belongs to another client."))
    if running_anywhere(user) is not None:
        raise ValidationError(_("A timer is already running. Stop it before starting another."))
    try:
        with transaction.atomic():
            return TimeEntry.objects.create(
                workspace=workspace, user=user, client=client, project=project,
                category=category, description=description.strip(), billable=billable,
                started_at=(now or clock.now()).replace(microsecond=0),
                source=TimeEntry.Source.TIMER,
            )
    except IntegrityError as exc:  # a second tab started one at the same moment
        raise ValidationError(
            _("A timer is already running. Stop it before starting another.")) from exc


def stop(workspace: Workspace | None, user: object,
         now: dt.datetime | None = None) -> TimeEntry | None:
    """Stop the running timer and store its duration in whole minutes (None if none runs).
    Without a workspace, the user's timer is stopped wherever it runs."""
    with transaction.atomic():
        entries = TimeEntry.objects.select_for_update().filter(user=user, ended_at__isnull=True)
        if workspace is not None:
            entries = entries.filter(workspace=workspace)
        entry = entries.first()
        if entry is None:
            return None
        entry.ended_at = max((now or clock.now()).replace(microsecond=0), entry.started_at)
        entry.minutes = entry.elapsed_minutes()
        entry.save(update_fields=["ended_at", "minutes"])
        return entry
