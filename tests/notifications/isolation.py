"""Objects of this app for the workspace-isolation walk (tests/test_tenant_isolation.py)."""

from rapport.clients.models import Client
from rapport.core.models import Workspace
from rapport.notifications.models import Notification


def objects_for(workspace: Workspace, client: Client) -> dict[str, int]:
    notification = Notification.objects.create(
        workspace=workspace, client=client, kind=Notification.Kind.VIEWED, subject="Offer")
    return {"notification_pk": notification.pk}
