"""Proposals ready to send, accept and sign."""

from __future__ import annotations

from rapport.agreements import services
from rapport.agreements.models import AgreementLink, Proposal
from rapport.clients.models import Client

EVIDENCE = services.Evidence(name="Klara Kranich", agreed=True, ip_address="203.0.113.7",
                             user_agent="TestBrowser/1.0")


def make_proposal(client: Client, title: str = "Blog posts 2027", **cost: object) -> Proposal:
    proposal = services.new_proposal(client.workspace, client, title=title, language="en")
    content = proposal.content
    content["cost"].update(cost)
    proposal.content = content
    proposal.save()
    return proposal


def sent_proposal(client: Client, **cost: object) -> tuple[Proposal, AgreementLink]:
    proposal = make_proposal(client, **cost)
    link = services.send(proposal)
    proposal.refresh_from_db()
    return proposal, link


def edit(proposal: Proposal, deliverable: str) -> None:
    content = proposal.content
    content["what"]["deliverables"].append(deliverable)
    services.update_content(proposal, content)
