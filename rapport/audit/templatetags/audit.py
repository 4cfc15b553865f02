from __future__ import annotations

from django import template
from django.db import models

from rapport.audit.models import AuditEntry
from rapport.audit.record import type_of
from rapport.audit.texts import as_row

register = template.Library()

SHOWN = 50


@register.inclusion_tag("audit/_entries.html")
def audit_history(obj: models.Model) -> dict[str, object]:
    """The audit entries of one object and its parts, newest first (the last `SHOWN`)."""
    entries = list(AuditEntry.objects.filter(workspace_id=obj.workspace_id)
                   .for_object(type_of(obj), obj.pk).order_by("-at", "-pk")[:SHOWN + 1])
    return {"rows": [as_row(e) for e in entries[:SHOWN]], "more": len(entries) > SHOWN,
            "object_type": type_of(obj)}
