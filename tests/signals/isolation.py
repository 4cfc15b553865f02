"""Objects of the signals app for the tenant isolation test."""

from django.utils import timezone

from rapport.clients.models import Client
from rapport.signals.models import Signal, SignalExample


def objects_for(workspace, client: Client) -> dict[str, int]:
    signal = Signal.objects.create(
        workspace=workspace, client=client, kind="urgency", occurred_at=timezone.now(),
        strength="0.80", explanation="Secret", source_type="message",
        source_id=10_000_000 + workspace.pk, evidence="ASAP", span_start=0, span_end=4)
    example = SignalExample.objects.create(
        workspace=workspace, kind="haggling", text="Secret sentence", normalised="secret",
        label=SignalExample.Label.NEGATIVE)
    return {"signal_pk": signal.pk, "example_pk": example.pk}
