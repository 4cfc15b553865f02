"""The audit log as a file: CSV for spreadsheets, JSON for programs."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.audit.models import AuditEntry
from rapport.audit.texts import action_text, actor_text, object_text


def filtered(workspace_id: int, date_from: dt.date | None = None,
             date_to: dt.date | None = None, object_type: str = "") -> QuerySet[AuditEntry]:
    """The workspace's entries, optionally of one period (local days of the workspace,
    both included) and one object type."""
    entries = AuditEntry.objects.filter(workspace_id=workspace_id)
    tz = timezone.get_current_timezone()
    if date_from:
        entries = entries.filter(at__gte=dt.datetime.combine(date_from, dt.time(), tzinfo=tz))
    if date_to:
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(), tzinfo=tz)
        entries = entries.filter(at__lt=end)
    if object_type:
        entries = entries.filter(object_type=object_type)
    return entries.order_by("at", "pk")


def _record(entry: AuditEntry) -> dict[str, object]:
    return {
        "id": entry.pk, "at": entry.at.isoformat(), "actor": entry.actor,
        "actor_name": entry.actor_name, "user_id": entry.user_id,
        "object_type": entry.object_type, "object_id": entry.object_id,
        "object_label": entry.object_label, "parent_type": entry.parent_type,
        "parent_id": entry.parent_id, "action": entry.action,
        "description": action_text(entry.action), "before": entry.before,
        "after": entry.after, "request_id": entry.request_id, "ip_address": entry.ip_address,
    }


def as_json(entries: Iterable[AuditEntry]) -> bytes:
    return json.dumps({"entries": [_record(e) for e in entries]}, ensure_ascii=False,
                      indent=1).encode("utf-8")


def as_csv(entries: Iterable[AuditEntry]) -> bytes:
    """One row per entry; column titles and descriptions in the reader's language, codes
    and values as stored (so a later import reads them unchanged)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("When"), _("Who"), _("Object"), _("Action"), _("Action code"),
                     _("Object type"), _("Object ID"), _("Before"), _("After"),
                     _("IP address"), _("Request ID")])
    for e in entries:
        writer.writerow([
            timezone.localtime(e.at).isoformat(), actor_text(e), object_text(e),
            action_text(e.action), e.action, e.object_type, e.object_id,
            json.dumps(e.before, ensure_ascii=False), json.dumps(e.after, ensure_ascii=False),
            e.ip_address or "", e.request_id])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM tells Excel it is UTF-8
