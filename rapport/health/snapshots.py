"""Stored assessments, so the dashboard does not reread every signal on every request.

`portfolio()` reads one `HealthSnapshot` per client and reassesses only the clients whose
snapshot is missing, dirty (their signals changed), from another day, or computed under
other weights, thresholds or non-negotiables. The value side (revenue, hours, enjoyment)
is always read fresh: it is a few grouped queries, whatever the number of clients.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from rapport.billing.models import Invoice
from rapport.clients.models import Client
from rapport.comms.models import Message
from rapport.core.models import Workspace
from rapport.health import defaults
from rapport.health.assessment import (
    STATUS_ORDER,
    ClientHealth,
    SignStatus,
    ValueSide,
    assess,
    health_settings,
    load_facts,
    recommend,
    value_side,
)
from rapport.health.models import HealthSettings, HealthSnapshot

logger = logging.getLogger(__name__)

ACTIVE_STATUSES = (Client.Status.ACTIVE, Client.Status.PAUSED, Client.Status.OFFBOARDING)
_STORED = ("key", "status", "score", "count", "previous_count", "previous_score", "kinds",
           "breaches", "script_key")


def settings_key(workspace: Workspace, settings: HealthSettings) -> str:
    """A fingerprint of everything besides the signals that decides a sign's status."""
    parts = {
        "weights": settings.effective_weights(),
        "watch": str(settings.watch_threshold), "present": str(settings.present_threshold),
        "window": settings.window_days, "after_hours": settings.after_hours_share,
        "rules": workspace.non_negotiables or [],
        "tz": str(workspace.tz),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def mark_dirty(client_ids: Iterable[int]) -> None:
    """The signals of these clients changed: their next read reassesses them."""
    ids = list(set(client_ids))
    for start in range(0, len(ids), 500):
        HealthSnapshot.objects.filter(client_id__in=ids[start:start + 500]).update(
            dirty_at=timezone.now())


def _sign_from(row: list, labels: dict[str, str]) -> SignStatus:
    """A stored sign (a list in `_STORED` order, compact to store and quick to read);
    evidence ids are not stored (the client page reads them live)."""
    key, status, score, count, previous_count, previous_score, kinds, breaches, script = row
    return SignStatus(key, labels[key], status, score, count, previous_count,
                      previous_score, [], kinds, breaches, script)


def _sign_data(sign: SignStatus) -> list:
    return [getattr(sign, name) for name in _STORED]


def _usable(snapshot: HealthSnapshot | None, today: dt.date, key: str) -> bool:
    return (snapshot is not None and snapshot.dirty_at is None and snapshot.as_of == today
            and snapshot.settings_key == key
            and [row[0] if isinstance(row, list) else None for row in snapshot.signs]
            == list(defaults.SIGNS))  # also refuses rows stored in an older layout


def portfolio(workspace: Workspace, today: dt.date | None = None,
              statuses: tuple[str, ...] = ACTIVE_STATUSES,
              only: Iterable[int] | None = None) -> list[ClientHealth]:
    """Every client's health, worst first; reassesses (and stores) only what is out of date.
    With `only`, just those clients (of any status)."""
    today = today or timezone.localdate(timezone=workspace.tz)
    started = timezone.now()
    chosen = (Client.objects.filter(workspace=workspace, pk__in=list(only)) if only is not None
              else Client.objects.filter(workspace=workspace, status__in=statuses))
    clients = list(chosen.only("pk", "name", "status", "workspace_id"))
    settings = health_settings(workspace)
    key = settings_key(workspace, settings)
    stored = {s.client_id: s for s in HealthSnapshot.objects.filter(workspace=workspace)}
    stale = {c.pk for c in clients if not _usable(stored.get(c.pk), today, key)}
    facts = load_facts(workspace, clients, today, signals_of=sorted(stale), settings=settings)
    result, fresh = [], []
    labels = {sign: str(spec["label"]) for sign, spec in defaults.SIGNS.items()}
    counted = fact_counts(workspace, stale)
    failed: list[Client] = []
    for client in clients:
        if client.pk in stale:
            client.workspace = workspace  # share the cached office hours and time zone
            try:
                health = assess(client, facts)
            except Exception:  # one client's broken data must not hide everyone's health
                logger.exception("Assessing the health of client %s failed", client.pk)
                failed.append(client)
                result.append(_previous(client, stored.get(client.pk), facts, labels))
                continue
            fresh.append(HealthSnapshot(
                workspace=workspace, client=client, as_of=today, settings_key=key,
                signs=[_sign_data(s) for s in health.signs],
                new_this_week=health.new_this_week,
                changes=[list(change) for change in health.changes],
                messages=counted.get(client.pk, (0, 0))[0],
                invoices=counted.get(client.pk, (0, 0))[1]))
        else:
            snapshot = stored[client.pk]
            signs = [_sign_from(data, labels) for data in snapshot.signs]
            value = value_side(client, facts)
            health = ClientHealth(client=client, signs=signs, value=value,
                                  recommendation=recommend(signs, value),
                                  new_this_week=snapshot.new_this_week,
                                  changes=[tuple(change) for change in snapshot.changes])
        result.append(health)
    if fresh:
        _store(fresh, started)
    if failed:
        _record_failures(workspace, failed, stored, today)
    return sorted(result, key=lambda h: (-STATUS_ORDER[h.status], -h.friction, h.client.name))


def _previous(client: Client, snapshot: HealthSnapshot | None, facts: object,
              labels: dict[str, str]) -> ClientHealth:
    """The last stored assessment of a client whose reassessment failed (no signs if there
    is none), marked so the health pages say it could not be updated."""
    signs = ([_sign_from(data, labels) for data in snapshot.signs
              if isinstance(data, list) and data and data[0] in labels]
             if snapshot else [])
    try:
        value = value_side(client, facts)
    except Exception:
        value = ValueSide(revenue=Decimal("0"), share=None, hours=None, hourly_rate=None,
                          enjoyment=None, currency=client.workspace.default_currency)
    return ClientHealth(client=client, signs=signs, value=value,
                        recommendation=recommend(signs, value),
                        new_this_week=snapshot.new_this_week if snapshot else 0,
                        changes=[tuple(c) for c in snapshot.changes] if snapshot else [],
                        update_failed=True)


def _record_failures(workspace: Workspace, clients: list[Client],
                     stored: dict[int, HealthSnapshot], today: dt.date) -> None:
    """Keep the previous assessment (still dirty, so it is retried) and note the failure."""
    now = timezone.now()
    HealthSnapshot.objects.filter(client_id__in=[c.pk for c in clients if c.pk in stored]
                                  ).update(update_failed_at=now)
    HealthSnapshot.objects.bulk_create(
        [HealthSnapshot(workspace=workspace, client=c, as_of=today, settings_key="",
                        signs=[], dirty_at=now, update_failed_at=now)
         for c in clients if c.pk not in stored])


def _store(snapshots: list[HealthSnapshot], started: dt.datetime) -> None:
    """Write the new assessments; a change announced while they were computed keeps its
    snapshot dirty (`dirty_at` later than `started`)."""
    HealthSnapshot.objects.bulk_create(
        snapshots, batch_size=200, update_conflicts=True, unique_fields=["client"],
        update_fields=["as_of", "settings_key", "signs", "new_this_week", "changes",
                       "computed_at", "messages", "invoices", "update_failed_at"])
    ids = [s.client_id for s in snapshots]
    for start in range(0, len(ids), 500):
        HealthSnapshot.objects.filter(client_id__in=ids[start:start + 500],
                                      dirty_at__lte=started).update(dirty_at=None)


def refresh(workspace: Workspace, today: dt.date | None = None) -> None:
    """Bring every snapshot of the workspace up to date (the periodic task does this, so
    a page rarely has to)."""
    portfolio(workspace, today)


def fact_counts(workspace: Workspace, client_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Messages and issued invoices per client: what a verdict was read from."""
    ids = list(client_ids)
    result: dict[int, list[int]] = {pk: [0, 0] for pk in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for client_id, total in (Message.objects.filter(workspace=workspace,
                                                        client_id__in=chunk)
                                 .values_list("client_id").annotate(n=Count("pk")).order_by()):
            result[client_id][0] = total
        for client_id, total in (Invoice.objects.filter(workspace=workspace, client_id__in=chunk)
                                 .exclude(state=Invoice.State.DRAFT)
                                 .exclude(kind=Invoice.Kind.CANCELLATION)
                                 .values_list("client_id").annotate(n=Count("pk")).order_by()):
            result[client_id][1] = total
    return {pk: (counts[0], counts[1]) for pk, counts in result.items()}


def refresh_clients(workspace: Workspace, client_ids: Iterable[int],
                    today: dt.date | None = None) -> list[int]:
    """Reassess these clients now (new facts arrived for them), together with any other
    client of the workspace whose signals changed meanwhile; returns who was reassessed."""
    ids = set(client_ids)
    mark_dirty(ids)
    ids |= set(HealthSnapshot.objects.filter(workspace=workspace, dirty_at__isnull=False)
               .values_list("client_id", flat=True))
    portfolio(workspace, today, only=ids)
    return sorted(ids)


def last_assessed(client: Client) -> HealthSnapshot:
    """The stored assessment of a client, brought up to date if its facts changed since:
    when it was made and from how many messages and invoices."""
    portfolio(client.workspace, only=[client.pk])  # reassesses only if out of date
    return HealthSnapshot.objects.get(client=client)
