"""Demo data of this app: one imported statement with a client's payment (booked against
its open invoice), an expense and a transfer Rapport cannot place yet, added to the demo
workspace by `rapport demo`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from rapport.banking.importing import import_transactions
from rapport.banking.matching import match_new
from rapport.banking.models import BankStatement, Source
from rapport.banking.parsers import Record
from rapport.billing.models import Invoice
from rapport.core import clock
from rapport.core.models import Workspace

ACCOUNT = "DE12500105170648489890"
IDEAL_CLIENT = "Nordlicht Kommunikation GmbH"


def add_demo_data(workspace: Workspace, today: dt.date) -> None:
    statement = BankStatement.objects.create(
        workspace=workspace, file_name="kontoauszug-camt053.xml", source=Source.CAMT053,
        account_iban=ACCOUNT)
    records = [
        Record(booking_date=today - dt.timedelta(days=3), amount=Decimal("-49.90"),
               counterparty_name="Telekom Deutschland GmbH",
               counterparty_iban="DE46500100600000987654", purpose="Telefon und Internet",
               bank_reference="DEMO-0002", account_iban=ACCOUNT),
        Record(booking_date=today - dt.timedelta(days=2), amount=Decimal("250.00"),
               counterparty_name="Unbekannt", purpose="Danke!", bank_reference="DEMO-0003",
               account_iban=ACCOUNT),
    ]
    # The ideal client pays its newest retainer invoice within days. It must be one still
    # open in the billing story: a transfer for an invoice already paid there would show
    # here as a transfer that no invoice fits.
    issued = (Invoice.objects.filter(workspace=workspace, state=Invoice.State.ISSUED,
                                     client__name=IDEAL_CLIENT)
              .exclude(kind=Invoice.Kind.CANCELLATION)
              .select_related("client").prefetch_related("payments").order_by("-issue_date"))
    invoice = next((i for i in issued if i.balance() == i.amount_due > 0
                    and i.currency == "EUR"), None)
    if invoice is not None:
        records.append(Record(
            booking_date=today - dt.timedelta(days=2), amount=invoice.amount_due,
            counterparty_name=invoice.client.name[:140], purpose=f"Rechnung {invoice.number}",
            bank_reference="DEMO-0001", account_iban=ACCOUNT))
    # Imported the evening the statement ends and matched at once, as the worker would,
    # so the demo does not depend on a worker running: the payment is booked (on the day
    # it came in), the expense and the gift wait for review.
    with clock.travel(today - dt.timedelta(days=2)):
        result = import_transactions(workspace, Source.CAMT053, records, statement=statement)
        match_new(workspace.pk, result.created_ids)
