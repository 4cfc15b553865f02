"""Ready-to-issue workspaces and clients for billing tests."""

from __future__ import annotations

from rapport.billing.services import billing_settings
from rapport.clients.models import Client, Project
from rapport.core.models import Workspace


def make_billable(workspace: Workspace, **settings_fields: object) -> Workspace:
    """Give the workspace what § 14 UStG needs on every invoice."""
    workspace.legal_name = "Olga Owner"
    workspace.street, workspace.postal_code, workspace.city = "Hauptstr. 1", "10115", "Berlin"
    workspace.tax_number = "27/123/45678"
    workspace.vat_id = "DE123456789"
    workspace.email, workspace.phone = "olga@studio-nord.example", "+49 30 1234567"
    workspace.save()
    settings = billing_settings(workspace)
    settings.iban = "DE89370400440532013000"
    settings.bic = "COBADEFFXXX"
    for name, value in settings_fields.items():
        setattr(settings, name, value)
    settings.save()
    return workspace


def billable_client(workspace: Workspace, name: str = "Kranich Verlag GmbH",
                    **fields: object) -> Client:
    defaults = {"street": "Am Hafen 5", "postal_code": "20457", "city": "Hamburg",
                "country": "DE", "language": "de"}
    defaults.update(fields)
    return Client.objects.create(workspace=workspace, name=name, **defaults)


def project_for(client: Client, amount: str = "4000.00", **fields: object) -> Project:
    return Project.objects.create(workspace=client.workspace, client=client,
                                  name=fields.pop("name", "Website texts"), amount=amount,
                                  **fields)
