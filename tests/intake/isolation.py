"""Objects of the intake app for the tenant isolation test."""

from rapport.clients.models import Client
from rapport.intake import services
from rapport.intake.models import WaitingListEntry


def objects_for(workspace, client: Client) -> dict[str, int]:
    interview = services.create_prospect(workspace, name=f"Prospect of {workspace.name}",
                                         email="", language="en")
    services.send(interview)
    entry = WaitingListEntry.objects.create(workspace=workspace, name="Waiting Wanda")
    return {"interview_pk": interview.pk, "waiting_pk": entry.pk}
