"""One webhook endpoint and delivery per workspace, for the URL-walking isolation test."""

from rapport.clients.models import Client
from rapport.core.models import Workspace
from rapport.webhooks.models import Delivery, Endpoint


def objects_for(workspace: Workspace, client: Client) -> dict[str, int]:
    endpoint = Endpoint.objects.create(workspace=workspace, url="https://example.com/hook",
                                       events=["invoice.paid"])
    delivery = Delivery.objects.create(workspace=workspace, endpoint=endpoint, event="ping",
                                       payload={"type": "ping"})
    return {"endpoint_pk": endpoint.pk, "delivery_pk": delivery.pk}
