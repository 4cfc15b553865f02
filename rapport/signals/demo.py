"""Demo data of this app, added to the demo workspace by `rapport demo`."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from rapport.core import clock
from rapport.core.models import Workspace
from rapport.signals.services import refresh_workspace


def add_demo_data(workspace: Workspace, today: dt.date) -> None:
    """Run every detector over the demo workspace's messages, invoices, meetings and notes."""
    now = dt.datetime.combine(today, timezone.localtime(clock.now()).time(), tzinfo=workspace.tz)
    refresh_workspace(workspace, now=now)
