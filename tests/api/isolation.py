"""Objects reachable through the API, for the tenant isolation walk (ids by the API's
parameter names)."""

from django.utils import timezone

from rapport.api import tokens
from rapport.billing import services
from rapport.clients.models import Client, Contact, Project
from rapport.comms.models import Message, Source
from rapport.signals.models import Signal
from tests.agreements.factories import make_proposal


def objects_for(workspace, client: Client) -> dict[str, int]:
    contact = Contact.objects.create(workspace=workspace, client=client, name="Secret Contact")
    project = Project.objects.create(workspace=workspace, client=client, name="Secret API",
                                     amount=1)
    invoice = services.new_draft(workspace, client, project=project)
    services.add_line(invoice, "Secret API work", 1, 100)
    invoice = services.issue(invoice)
    message = Message.objects.create(
        workspace=workspace, dedup_key=f"api-iso-{workspace.pk}", thread_key="t",
        date=timezone.now(), from_address="secret@example.com", subject="Secret",
        direction="in", source=Source.EML, client=client)
    signal = Signal.objects.create(
        workspace=workspace, client=client, kind="urgency", occurred_at=timezone.now(),
        strength="0.80", source_type="message", source_id=20_000_000 + workspace.pk,
        evidence="ASAP", span_start=0, span_end=4)
    proposal = make_proposal(client)
    member = workspace.memberships.first().user
    token = tokens.create_token(member, workspace, name="Secret", scope="write").token
    return {"client_id": client.pk, "contact_id": contact.pk, "project_id": project.pk,
            "invoice_id": invoice.pk, "message_id": message.pk, "signal_id": signal.pk,
            "proposal_id": proposal.pk, "token_pk": token.pk}
