"""Objects of the accounts app for the tenant isolation test."""

import datetime as dt

from django.utils import timezone

from rapport.accounts.models import Invitation
from rapport.clients.models import Client


def objects_for(workspace, client: Client) -> dict[str, int]:
    invitation = Invitation.objects.create(
        workspace=workspace, email=f"guest-{workspace.pk}@example.com",
        expires_at=timezone.now() + dt.timedelta(days=14))
    return {"invitation_pk": invitation.pk}
