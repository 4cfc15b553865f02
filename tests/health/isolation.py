"""Objects of the health app for the tenant isolation test."""

import datetime as dt

from django.utils import timezone

from rapport.health.models import Script
from rapport.signals.models import Signal


def objects_for(workspace, client) -> dict[str, int]:
    signal = Signal.objects.create(
        workspace=workspace, client=client, kind="urgency", strength="0.9",
        occurred_at=timezone.now() - dt.timedelta(days=1), explanation="ASAP",
        source_type="isolation", source_id=client.pk)
    script = Script.objects.create(workspace=workspace, key="own", language="en",
                                   title="Own", subject="Secret", body="Secret body")
    return {"signal_pk": signal.pk, "script_pk": script.pk}
