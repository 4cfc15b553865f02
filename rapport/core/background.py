"""Is the background work running? Heartbeats of the worker and the scheduler, and the
summary the dashboard shows ("healthy · 2 jobs waiting · last run 10:42").

A worker records a heartbeat every `BEAT_SECONDS` from a thread of its own, so a long
import does not look like a dead worker. The scheduler claims each tick with a
conditional update on its row: with several workers, one of them ticks per interval, and
a restarted worker neither ticks twice nor forgets the schedule (wall-clock time in the
database, which also survives a laptop's sleep).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min
from django_tasks_db.models import DBTaskResult

from rapport.core import clock
from rapport.core.models import Heartbeat

BEAT_SECONDS = 10
# No heartbeat for this long: the dashboard warns that no worker is running.
STALE_AFTER = dt.timedelta(minutes=2)
_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def beat(name: str = "worker", now: dt.datetime | None = None) -> None:
    """Record that a background process is alive."""
    now = now or clock.now()
    if not Heartbeat.objects.filter(name=name).update(at=now):
        Heartbeat.objects.get_or_create(name=name, defaults={"at": now})


def claim_tick(every: dt.timedelta, now: dt.datetime | None = None) -> bool:
    """True for exactly one caller per interval: that caller runs the tick."""
    now = now or clock.now()
    Heartbeat.objects.get_or_create(name="tick", defaults={"at": _EPOCH})
    return bool(Heartbeat.objects.filter(name="tick", at__lte=now - every).update(at=now))


@dataclass(frozen=True)
class Status:
    healthy: bool
    waiting: int
    oldest_waiting: dt.datetime | None
    last_beat: dt.datetime | None     # a worker was last alive then (None: never)
    last_finished: dt.datetime | None  # the last job finished then

    @property
    def never_ran(self) -> bool:
        return self.last_beat is None


def status(now: dt.datetime | None = None) -> Status:
    """The state of the background work of this installation, in two small queries."""
    now = now or clock.now()
    beats = dict(Heartbeat.objects.filter(name__in=["worker", "job"]).values_list("name", "at"))
    waiting = DBTaskResult.objects.ready().aggregate(n=Count("pk"), oldest=Min("enqueued_at"))
    last_beat = beats.get("worker")
    healthy = last_beat is not None and now - last_beat <= STALE_AFTER
    return Status(healthy=healthy, waiting=waiting["n"], oldest_waiting=waiting["oldest"],
                  last_beat=last_beat, last_finished=beats.get("job"))


def job_finished(sender: object, **kwargs: object) -> None:
    """Receiver of django-tasks' `task_finished`: remember when the last job ended."""
    beat("job")
