"""Writing an audit entry: the one function every tracked change goes through."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

from django.db import models
from django.dispatch import Signal

from rapport.audit import context
from rapport.audit.models import AuditEntry
from rapport.core import clock

# Sent for every entry written (keyword argument: entry). The webhooks listen to it.
entry_recorded = Signal()


def jsonable(value: object) -> object:
    """A field value as plain JSON: dates and times as ISO text, money as text."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if hasattr(value, "name") and hasattr(value, "url"):  # a file field
        return getattr(value, "name", "") or ""
    return value


def type_of(model: type[models.Model] | models.Model) -> str:
    return model._meta.label_lower


def record(workspace_id: int, obj: models.Model, action: str, *,
           before: dict | None = None, after: dict | None = None, label: str = "",
           parent: models.Model | None = None, parent_type: str = "",
           parent_id: int | None = None) -> AuditEntry:
    """Append one entry for `obj`, done by whoever is acting now (see `context`)."""
    actor = context.current()
    user = actor.resolved_user()
    if user is not None:
        kind, name = AuditEntry.ActorKind.USER, (getattr(user, "name", "") or str(user))
    else:
        kind, name = actor.label, ""
    if parent is not None:
        parent_type, parent_id = type_of(parent), parent.pk
    entry = AuditEntry.objects.create(
        workspace_id=workspace_id, user_id=getattr(user, "pk", None), actor=kind,
        actor_name=name[:200],
        object_type=type_of(obj), object_id=obj.pk, object_label=label[:200],
        parent_type=parent_type, parent_id=parent_id, action=action,
        before=jsonable(before or {}), after=jsonable(after or {}),
        request_id=actor.request_id, ip_address=actor.ip_address,
        at=clock.now(),  # the app's one clock, so a dated story (the demo, a test) is dated
    )
    entry_recorded.send(sender=AuditEntry, entry=entry)
    return entry
