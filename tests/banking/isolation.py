"""Objects of the bank app for the tenant isolation test."""

from rapport.clients.models import Client
from tests.banking.factories import bank_line


def objects_for(workspace, client: Client) -> dict[str, int]:
    row = bank_line(workspace, "100.00", f"Zahlung {client.name}")
    return {"transaction_pk": row.pk}
