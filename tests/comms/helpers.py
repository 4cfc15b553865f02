"""Shared by the comms tests: the sample files and a client with known addresses."""

from __future__ import annotations

from pathlib import Path

from rapport.clients.models import Client, Contact
from rapport.clients.services import set_client_domains, set_contact_emails
from rapport.core.models import Workspace

DATA = Path(__file__).parent / "data"
OWN = "mara@berg-text.example"


def kranich(workspace: Workspace) -> Client:
    """Kranich Verlag: Anna is a contact, kranich.example is the client's domain."""
    workspace.email = OWN
    workspace.save()
    client = Client.objects.create(workspace=workspace, name="Kranich Verlag")
    anna = Contact.objects.create(workspace=workspace, client=client, name="Anna König")
    set_contact_emails(anna, ["anna@kranich.example"])
    set_client_domains(client, ["kranich.example"])
    return client


def vogt(workspace: Workspace) -> Client:
    client = Client.objects.create(workspace=workspace, name="Vogt Design")
    lena = Contact.objects.create(workspace=workspace, client=client, name="Lena Vogt")
    set_contact_emails(lena, ["lena@vogt-design.example"])
    return client
