"""Objects of the timetracking app for the tenant-isolation walk."""

from __future__ import annotations

import datetime as dt

from rapport.clients.models import Client
from rapport.core.models import Workspace
from rapport.timetracking.models import TimeEntry, TimeImport


def objects_for(workspace: Workspace, client: Client) -> dict[str, int]:
    start = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    entry = TimeEntry.objects.create(workspace=workspace, client=client, started_at=start,
                                     ended_at=start + dt.timedelta(hours=1), minutes=60)
    pending = TimeImport.objects.create(workspace=workspace, source=TimeEntry.Source.TOGGL,
                                        file_name="report.csv", content=b"User,Email\n")
    return {"time_entry_pk": entry.pk, "time_import_pk": pending.pk}
