"""Objects of the agreements app for the tenant isolation test."""

from rapport.agreements import services
from rapport.clients.models import Client
from tests.agreements.factories import EVIDENCE, sent_proposal


def objects_for(workspace, client: Client) -> dict[str, int]:
    proposal, link = sent_proposal(client)
    version = proposal.current_version
    contract = services.accept(proposal, version.number, version.sha256, EVIDENCE)
    change = services.new_change_order(contract, "Secret extra", "100", None)
    return {"proposal_pk": proposal.pk, "contract_pk": contract.pk, "link_pk": link.pk,
            "change_pk": change.pk}
