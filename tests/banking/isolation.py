"""Objects of the banking app for the tenant isolation test."""

from rapport.banking.models import BankImport, CsvMapping
from rapport.clients.models import Client
from tests.banking.factories import bank_line


def objects_for(workspace, client: Client) -> dict[str, int]:
    run = BankImport.objects.create(workspace=workspace, file_name="secret.xml",
                                    state=BankImport.State.FAILED)
    mapping = CsvMapping.objects.create(workspace=workspace, name="Secret",
                                        col_booking_date="Datum", col_amount="Betrag")
    row = bank_line(workspace, "100.00", f"Zahlung {client.name}")
    return {"bank_import_pk": run.pk, "mapping_pk": mapping.pk, "transaction_pk": row.pk}
