"""Workspace operations shared by views, the demo data and the admin."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal as DjangoSignal

from rapport.accounts.models import User
from rapport.core.models import Membership, OfficeHours, Workspace
from rapport.core.office_hours import TimeRange, validate_ranges


@transaction.atomic
def create_workspace(owner: User, **fields: object) -> Workspace:
    workspace = Workspace(**fields)
    workspace.full_clean()
    workspace.save()
    Membership.objects.create(workspace=workspace, user=owner, role=Membership.Role.OWNER)
    return workspace


@transaction.atomic
def set_office_hours(workspace: Workspace, hours: dict[int, list[TimeRange]]) -> None:
    """Replace the workspace's office hours; each day's ranges must not overlap."""
    for ranges in hours.values():
        validate_ranges(ranges)
    workspace.office_hours.all().delete()
    OfficeHours.objects.bulk_create(
        OfficeHours(workspace=workspace, weekday=day, start=r.start, end=r.end)
        for day, ranges in hours.items()
        for r in ranges
    )
    workspace.__dict__.pop("hours_by_weekday", None)


# Sent when the office hours, time zone or holiday region of a workspace change, so that
# whatever was judged against them (after-hours signals) can be judged again.
office_time_changed = DjangoSignal()  # keyword argument: workspace


def office_time_rules(workspace: Workspace) -> tuple:
    """Everything that decides whether a moment is office time, to compare."""
    hours = sorted(OfficeHours.objects.filter(workspace=workspace).values_list(
        "weekday", "start", "end"))  # from the table: the cached property may be stale
    return (hours, workspace.time_zone, workspace.holiday_country,
            workspace.holiday_subdivision)
