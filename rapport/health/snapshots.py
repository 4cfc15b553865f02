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
from collections.abc import Collection, Iterable

from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from rapport.billing.models import Invoice
from rapport.clients.models import Client
from rapport.comms.models import Message
from rapport.core.models import Workspace
from rapport.health import defaults
from rapport.health.assessment import (
    NONE,
    PRESENT,
    STATUS_ORDER,
    WATCH,
    ClientHealth,
    Facts,
    SignStatus,
    assess,
    health_settings,
    load_facts,
    load_value,
    recommend,
    value_side,
)
from rapport.health.models import HealthSettings, HealthSnapshot

logger = logging.getLogger(__name__)

ACTIVE_STATUSES = (Client.Status.ACTIVE, Client.Status.PAUSED, Client.Status.OFFBOARDING)
_STORED = ("key", "status", "score", "count", "previous_count", "previous_score", "kinds",
           "breaches", "script_key")
SUMMARY_COLUMNS = ("flagged", "present_signs", "watch_signs", "exit_sign", "changed_signs")


def settings_key(workspace: Workspace, settings: HealthSettings) -> str:
    """A fingerprint of everything besides the signals that decides a sign's status, and of
    the layout the signs are stored in (a snapshot of an older layout is reassessed)."""
    parts = {
        "weights": settings.effective_weights(),
        "watch": str(settings.watch_threshold), "present": str(settings.present_threshold),
        "window": settings.window_days, "after_hours": settings.after_hours_share,
        "rules": workspace.non_negotiables or [],
        "tz": str(workspace.tz),
        "layout": [list(defaults.SIGNS), list(_STORED)],
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


def summary_columns(signs: list[SignStatus], changes: list) -> dict[str, object]:
    """The columns the overview and the dashboard read instead of `signs` (see
    `HealthSnapshot.flagged`): derived from the same assessment, written with it."""
    flagged = [[s.key, str(s.status)] for s in signs if s.status != NONE]
    return {"flagged": flagged,
            "present_signs": sum(1 for _key, status in flagged if status == PRESENT),
            "watch_signs": sum(1 for _key, status in flagged if status == WATCH),
            "exit_sign": any(status == PRESENT and key in defaults.EXIT_SIGNS
                             for key, status in flagged),
            "changed_signs": len(changes)}


def sign_labels() -> dict[str, str]:
    """The signs' names in the active language, once per page."""
    return {sign: str(spec["label"]) for sign, spec in defaults.SIGNS.items()}


def stored_signs(snapshot: HealthSnapshot | None, labels: dict[str, str]) -> list[SignStatus]:
    """The signs of a stored assessment (none if there is none, or in a layout not known)."""
    if snapshot is None:
        return []
    return [_sign_from(row, labels) for row in snapshot.signs
            if isinstance(row, list) and len(row) == len(_STORED) and row[0] in labels]


def health_from(client: Client, snapshot: HealthSnapshot | None, facts: Facts,
                labels: dict[str, str]) -> ClientHealth:
    """A client's health as stored, with its value side read fresh (`facts` from
    `load_value`); marked when the last reassessment failed, so the pages say so. The
    week's changes are left out when the snapshot was read without them."""
    signs = stored_signs(snapshot, labels)
    value = value_side(client, facts)
    changes = ([tuple(c) for c in snapshot.changes] if snapshot is not None
               and "changes" not in snapshot.get_deferred_fields() else [])
    return ClientHealth(client=client, signs=signs, value=value,
                        recommendation=recommend(signs, value),
                        new_this_week=snapshot.new_this_week if snapshot else 0,
                        changes=changes,
                        update_failed=snapshot is None or snapshot.update_failed_at is not None)


def _chosen(workspace: Workspace, statuses: tuple[str, ...],
            only: Iterable[int] | None) -> list[Client]:
    chosen = (Client.objects.filter(workspace=workspace, pk__in=list(only)) if only is not None
              else Client.objects.filter(workspace=workspace, status__in=statuses))
    return list(chosen.only("pk", "name", "status", "workspace_id"))


def bring_up_to_date(workspace: Workspace, today: dt.date | None = None,
                     statuses: tuple[str, ...] = ACTIVE_STATUSES,
                     only: Iterable[int] | None = None) -> list[Client]:
    """Reassess and store the warning signs of the clients whose snapshot is missing, dirty
    (their signals changed), from another day, or made under other settings — the others
    are not read at all. With `only`, just those clients (of any status). Returns the
    clients looked at."""
    today = today or timezone.localdate(timezone=workspace.tz)
    clients = _chosen(workspace, statuses, only)
    if not clients:
        return clients
    settings = health_settings(workspace)
    key = settings_key(workspace, settings)
    usable = HealthSnapshot.objects.filter(workspace=workspace, dirty_at__isnull=True,
                                           as_of=today, settings_key=key)
    if only is not None:
        usable = usable.filter(client_id__in=[c.pk for c in clients])
    fine = set(usable.values_list("client_id", flat=True))
    stale = [c for c in clients if c.pk not in fine]
    if stale:
        _reassess(workspace, stale, today, settings, key)
    return clients


def reassess_stale(workspace: Workspace, today: dt.date | None = None) -> None:
    """`bring_up_to_date` for the pages that read the snapshots themselves: one query
    finds the clients health looks at whose snapshot is out of date (usually none), only
    those are read and reassessed."""
    today = today or timezone.localdate(timezone=workspace.tz)
    settings = health_settings(workspace)
    key = settings_key(workspace, settings)
    usable = HealthSnapshot.objects.filter(client=OuterRef("pk"), dirty_at__isnull=True,
                                           as_of=today, settings_key=key)
    stale = list(Client.objects.filter(workspace=workspace, status__in=ACTIVE_STATUSES)
                 .exclude(Exists(usable)).only("pk", "name", "status", "workspace_id"))
    if stale:
        _reassess(workspace, stale, today, settings, key)


def _reassess(workspace: Workspace, clients: list[Client], today: dt.date,
              settings: HealthSettings, key: str) -> None:
    """Assess the signs of these clients from their signals and store them. Only what the
    signs need is read (signals, incoming mail dates): the value side is not stored."""
    started = timezone.now()
    ids = [c.pk for c in clients]
    facts = load_facts(workspace, clients, today, signals_of=ids, settings=settings,
                       value=False)
    counted = fact_counts(workspace, ids)
    fresh: list[HealthSnapshot] = []
    failed: list[Client] = []
    for client in clients:
        client.workspace = workspace  # share the cached office hours and time zone
        try:
            health = assess(client, facts)
        except Exception:  # one client's broken data must not hide everyone's health
            logger.exception("Assessing the health of client %s failed", client.pk)
            failed.append(client)
            continue
        fresh.append(HealthSnapshot(
            workspace=workspace, client=client, as_of=today, settings_key=key,
            signs=[_sign_data(s) for s in health.signs], status=health.status,
            friction=health.friction, new_this_week=health.new_this_week,
            changes=[list(change) for change in health.changes],
            messages=counted[client.pk][0], invoices=counted[client.pk][1],
            **summary_columns(health.signs, health.changes)))
    if fresh:
        _store(fresh, started)
    if failed:
        _record_failures(workspace, failed, today)


def portfolio(workspace: Workspace, today: dt.date | None = None,
              statuses: tuple[str, ...] = ACTIVE_STATUSES,
              only: Iterable[int] | None = None) -> list[ClientHealth]:
    """Every client's health, worst first; reassesses (and stores) only what is out of date.
    With `only`, just those clients (of any status)."""
    today = today or timezone.localdate(timezone=workspace.tz)
    clients = bring_up_to_date(workspace, today, statuses, only)
    ids = [c.pk for c in clients]
    stored = HealthSnapshot.objects.filter(workspace=workspace)
    if only is not None:
        stored = stored.filter(client_id__in=ids)
    snapshots = {s.client_id: s for s in stored}
    facts = load_value(Facts(today=today, settings=health_settings(workspace)), workspace)
    labels = sign_labels()
    result = []
    for client in clients:
        client.workspace = workspace
        result.append(health_from(client, snapshots.get(client.pk), facts, labels))
    return sorted(result, key=lambda h: (-STATUS_ORDER[h.status], -h.friction, h.client.name))


def _record_failures(workspace: Workspace, clients: list[Client], today: dt.date) -> None:
    """Keep the previous assessment (still dirty, so it is retried) and note the failure."""
    now = timezone.now()
    ids = [c.pk for c in clients]
    stored = set(HealthSnapshot.objects.filter(client_id__in=ids)
                 .values_list("client_id", flat=True))
    HealthSnapshot.objects.filter(client_id__in=stored).update(update_failed_at=now,
                                                               dirty_at=now)
    HealthSnapshot.objects.bulk_create(
        [HealthSnapshot(workspace=workspace, client=c, as_of=today, settings_key="",
                        signs=[], dirty_at=now, update_failed_at=now)
         for c in clients if c.pk not in stored])


def _store(snapshots: list[HealthSnapshot], started: dt.datetime) -> None:
    """Write the new assessments; a change announced while they were computed keeps its
    snapshot dirty (`dirty_at` later than `started`). One transaction: one commit."""
    ids = [s.client_id for s in snapshots]
    with transaction.atomic():
        HealthSnapshot.objects.bulk_create(
            snapshots, batch_size=200, update_conflicts=True, unique_fields=["client"],
            update_fields=["as_of", "settings_key", "signs", "new_this_week", "changes",
                           "computed_at", "messages", "invoices", "update_failed_at",
                           "status", "friction", *SUMMARY_COLUMNS])
        for start in range(0, len(ids), 500):
            HealthSnapshot.objects.filter(client_id__in=ids[start:start + 500],
                                          dirty_at__lte=started).update(dirty_at=None)


def refresh(workspace: Workspace, today: dt.date | None = None) -> None:
    """Bring every snapshot of the workspace up to date (the periodic task does this, so
    a page rarely has to)."""
    bring_up_to_date(workspace, today)


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
        # By client alone (the ids are the workspace's clients): with the workspace in the
        # filter too, SQLite walks the workspace's every invoice instead of the client's.
        for client_id, total in (Invoice.objects.filter(client_id__in=chunk)
                                 .exclude(state=Invoice.State.DRAFT)
                                 .exclude(kind=Invoice.Kind.CANCELLATION)
                                 .values_list("client_id").annotate(n=Count("pk")).order_by()):
            result[client_id][1] = total
    return {pk: (counts[0], counts[1]) for pk, counts in result.items()}


def refresh_clients(workspace: Workspace, client_ids: Collection[int],
                    today: dt.date | None = None) -> list[int]:
    """Reassess these clients now (new facts arrived for them), together with any other
    client of the workspace whose signals changed meanwhile; returns who was reassessed."""
    dirty = set(HealthSnapshot.objects.filter(
        workspace=workspace, dirty_at__isnull=False).values_list("client_id", flat=True))
    if not dirty.issuperset(client_ids):  # new signals have usually marked them already
        mark_dirty(set(client_ids) - dirty)  # should the reassessment fail, it is retried
    ids = set(client_ids) | dirty
    clients = _chosen(workspace, ACTIVE_STATUSES, ids)
    if clients:  # all of them out of date by definition: no need to look first
        settings = health_settings(workspace)
        _reassess(workspace, clients, today or timezone.localdate(timezone=workspace.tz),
                  settings, settings_key(workspace, settings))
    return sorted(ids)


def last_assessed(client: Client) -> HealthSnapshot:
    """The stored assessment of a client, brought up to date if its facts changed since:
    when it was made and from how many messages and invoices."""
    bring_up_to_date(client.workspace, only=[client.pk])  # reassesses only if out of date
    return HealthSnapshot.objects.get(client=client)
