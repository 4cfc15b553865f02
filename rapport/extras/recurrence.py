"""Noticing recurrence: "the third unpaid extra of this kind in six weeks".

A plain function over extra requests (no database access), so the rule is easy to read
and to test. An extra is unpaid when it was logged as a favour or as scope creep; two
extras are "of this kind" when their labels compare equal (`models.label_key`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from rapport.extras.models import ExtraRequest

# The third unpaid extra of one kind within six weeks is a pattern, not a favour.
RECURRENCE_COUNT = 3
RECURRENCE_WINDOW_DAYS = 42


def thresholds() -> tuple[int, dt.timedelta]:
    """(how many, within how long); a deployment may change both in its settings."""
    count = getattr(settings, "RAPPORT_EXTRAS_RECURRENCE_COUNT", RECURRENCE_COUNT)
    days = getattr(settings, "RAPPORT_EXTRAS_RECURRENCE_DAYS", RECURRENCE_WINDOW_DAYS)
    return int(count), dt.timedelta(days=int(days))


@dataclass
class Recurrence:
    """Unpaid extras of one kind for one client that came too often."""

    client_id: int
    label: str  # as the user wrote it the last time
    label_key: str
    extras: list[ExtraRequest]  # oldest first, all within the window
    window: dt.timedelta

    @property
    def count(self) -> int:
        return len(self.extras)

    @property
    def minutes(self) -> int:
        return sum(e.minutes for e in self.extras)

    @property
    def first_on(self) -> dt.date:
        return self.extras[0].requested_on

    @property
    def last_on(self) -> dt.date:
        return self.extras[-1].requested_on

    @property
    def weeks(self) -> int:
        return self.window.days // 7

    def is_current(self, today: dt.date) -> bool:
        """Still worth raising: the last request is within the window of today."""
        return today - self.last_on < self.window


def recurring(extras: Iterable[ExtraRequest], today: dt.date | None = None,
              count: int | None = None, window: dt.timedelta | None = None
              ) -> list[Recurrence]:
    """Per client and kind of request, the unpaid extras within `window` up to the newest
    one, when there are at least `count` of them. Extras already covered by a change
    order do not count again. With `today`, only recurrences still current."""
    default_count, default_window = thresholds()
    count = count or default_count
    window = window or default_window
    groups: dict[tuple[int, str], list[ExtraRequest]] = defaultdict(list)
    for extra in extras:
        if extra.kind in ExtraRequest.UNPAID and not extra.change_order_id and extra.label_key:
            groups[(extra.client_id, extra.label_key)].append(extra)
    found = []
    for (client_id, key), group in groups.items():
        group.sort(key=lambda e: (e.requested_on, e.pk or 0))
        newest = group[-1].requested_on
        run = [e for e in group if newest - e.requested_on < window]
        if len(run) < count:
            continue
        recurrence = Recurrence(client_id, run[-1].label, key, run, window)
        if today is None or recurrence.is_current(today):
            found.append(recurrence)
    return sorted(found, key=lambda r: (r.last_on, r.count), reverse=True)


def counts_in_window(extras: Iterable[ExtraRequest]) -> dict[int, int]:
    """For every unpaid extra: how many of its kind (itself included) were logged for the
    client within the window up to its day — looking back from each one, so an old extra
    keeps the count it had when it was made."""
    _count, window = thresholds()
    groups: dict[tuple[int, str], list[ExtraRequest]] = defaultdict(list)
    for extra in extras:
        if extra.kind in ExtraRequest.UNPAID and extra.label_key:
            groups[(extra.client_id, extra.label_key)].append(extra)
    counts: dict[int, int] = {}
    for group in groups.values():
        group.sort(key=lambda e: (e.requested_on, e.pk or 0))
        for index, extra in enumerate(group):
            counts[extra.pk] = sum(1 for e in group[:index + 1]
                                   if extra.requested_on - e.requested_on < window)
    return counts


def in_patterns(extras: Iterable[ExtraRequest]) -> set[int]:
    """Every unpaid extra that belongs to a recurrence at any time (the first two of a
    run of three included): a favour in such a run was not a one-off."""
    count, window = thresholds()
    extras = list(extras)
    counts = counts_in_window(extras)
    by_group: dict[tuple[int, str], list[ExtraRequest]] = defaultdict(list)
    for extra in extras:
        if extra.pk in counts:
            by_group[(extra.client_id, extra.label_key)].append(extra)
    ids: set[int] = set()
    for group in by_group.values():
        for last in group:
            if counts[last.pk] >= count:
                ids.update(e.pk for e in group if e.requested_on <= last.requested_on
                           and last.requested_on - e.requested_on < window)
    return ids
