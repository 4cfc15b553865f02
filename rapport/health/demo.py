"""Demo data of this app, added to the demo workspace by `rapport demo`."""

from __future__ import annotations

import datetime as dt

from rapport.core.models import Workspace


def add_demo_data(workspace: Workspace, today: dt.date) -> None:
    """Nothing yet."""
