"""Demo data of this app: a few weeks of tracked time for the demo's running projects.

Time on hourly and daily-rate projects is billable (and waits to be invoiced); time on
fixed-price and retainer work is tracked to see what the work really costs. Seeded, so
the demo is the same on every run; every entry lies in the past."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from rapport.clients.models import Project
from rapport.core.models import Workspace
from rapport.timetracking.models import TimeEntry

WORK = ["Konzept überarbeitet", "Entwürfe umgesetzt", "Korrekturrunde eingearbeitet",
        "Recherche", "Texte für die Startseite", "Abstimmung der Bildauswahl"]
WEEKS = 6


def add_demo_data(workspace: Workspace, today: dt.date) -> int:
    """Tracked time for every active project; returns the number of entries."""
    rng = random.Random(20)
    zone = ZoneInfo(workspace.time_zone)
    billable_rates = (Project.RateType.HOURLY, Project.RateType.DAILY)
    entries: list[TimeEntry] = []
    projects = (Project.objects.filter(workspace=workspace, status=Project.Status.ACTIVE)
                .select_related("client").order_by("pk"))
    for project in projects:
        billable = project.rate_type in billable_rates
        for week in range(WEEKS, 0, -1):
            monday = today - dt.timedelta(days=today.weekday() + 7 * week)
            for _ in range(rng.randint(1, 3)):
                day = monday + dt.timedelta(days=rng.randint(0, 4))
                start = dt.datetime.combine(day, dt.time(rng.choice((9, 10, 13, 14))),
                                            tzinfo=zone)
                minutes = rng.choice((45, 60, 90, 120, 150, 180))
                entries.append(TimeEntry(
                    workspace=workspace, client=project.client, project=project,
                    category=TimeEntry.Category.WORK, billable=billable,
                    started_at=start, ended_at=start + dt.timedelta(minutes=minutes),
                    minutes=minutes, description=rng.choice(WORK),
                    source=TimeEntry.Source.MANUAL))
            day = monday + dt.timedelta(days=rng.randint(0, 4))
            start = dt.datetime.combine(day, dt.time(16, 30), tzinfo=zone)
            minutes = rng.choice((15, 20, 30))
            entries.append(TimeEntry(
                workspace=workspace, client=project.client, project=project,
                category=TimeEntry.Category.COMMUNICATION, billable=False,
                started_at=start, ended_at=start + dt.timedelta(minutes=minutes),
                minutes=minutes, description="Rückfragen per Telefon",
                source=TimeEntry.Source.MANUAL))
    TimeEntry.objects.bulk_create(entries)
    return len(entries)
