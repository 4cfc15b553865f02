"""Objects of the extras app for the tenant isolation test."""

from decimal import Decimal

from django.utils import timezone

from rapport.clients.models import Client
from rapport.extras.models import ExtraRequest


def objects_for(workspace, client: Client) -> dict[str, int]:
    extra = ExtraRequest.objects.create(
        workspace=workspace, client=client, kind=ExtraRequest.Kind.PAID, label="Secret",
        description="Secret extra", amount=Decimal("10.00"), requested_on=timezone.localdate())
    return {"extra_pk": extra.pk}
