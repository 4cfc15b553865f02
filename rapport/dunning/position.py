"""What an overdue invoice owes on a given day: fees, default interest and what is left.

The numbers behind the reminder emails and the printed letters (`letters.py`); they know
nothing about sending, so both can use them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from rapport.billing.models import Invoice
from rapport.clients.models import Client
from rapport.core.models import Workspace
from rapport.dunning.interest import (
    BaseRate,
    DefaultStatement,
    MissingBaseRate,
    compute_default,
    load_shipped_rates,
)
from rapport.dunning.models import BaseRateEntry, ClientTerms, DunningLevel, FeeKind, Reminder


def terms_for(client: Client) -> ClientTerms:
    terms, _created = ClientTerms.objects.get_or_create(
        client=client, defaults={"workspace": client.workspace,
                                 "is_business": client.kind == Client.Kind.COMPANY},
    )
    return terms


def base_rates(workspace: Workspace) -> list[BaseRate]:
    """The shipped table, with the user's own entries winning on the same date."""
    rates = {rate.valid_from: rate for rate in load_shipped_rates()}
    for entry in BaseRateEntry.objects.filter(workspace=workspace):
        rates[entry.valid_from] = BaseRate(entry.valid_from, entry.rate)
    return [rates[key] for key in sorted(rates)]


def earlier_fees(invoice: Invoice) -> list[tuple[dt.date, Decimal, str]]:
    return [(r.sent_at.date() if r.sent_at else r.due_on, r.fee_amount, r.title)
            for r in invoice.reminders.exclude(state=Reminder.State.SKIPPED)
            if r.fee_amount > 0]


def default_statement(invoice: Invoice, until: dt.date) -> DefaultStatement:
    """Interest, fees and § 367 allocation as they stood on `until`."""
    terms = terms_for(invoice.client)
    return compute_default(
        principal=invoice.amount_due, due_date=invoice.due_date, until=until,
        payments=[(p.paid_on, p.amount) for p in invoice.payments.all() if p.paid_on <= until],
        fees=[fee for fee in earlier_fees(invoice) if fee[0] <= until],
        business=terms.is_business,
        rates=base_rates(invoice.workspace), currency=invoice.currency,
    )


@dataclass(frozen=True)
class OpenPosition:
    """What is still owed on `on`, after § 367: payments cover costs, interest, principal."""

    principal: Decimal
    fees: Decimal
    interest: Decimal

    @property
    def total(self) -> Decimal:
        return self.principal + self.fees + self.interest


def open_position(invoice: Invoice, on: dt.date, new_fee: Decimal = Decimal("0.00"),
                  with_interest: bool = False) -> OpenPosition:
    fees = [fee for fee in earlier_fees(invoice) if fee[0] <= on]
    if new_fee:
        fees.append((on, new_fee, ""))
    payments = [(p.paid_on, p.amount) for p in invoice.payments.all() if p.paid_on <= on]
    if with_interest:
        try:
            statement = compute_default(
                principal=invoice.amount_due, due_date=invoice.due_date, until=on,
                payments=payments, fees=fees, business=terms_for(invoice.client).is_business,
                rates=base_rates(invoice.workspace), currency=invoice.currency)
        except MissingBaseRate:
            pass
        else:
            return OpenPosition(statement.open_principal, statement.open_fees,
                                statement.open_interest)
    paid = sum((amount for _d, amount in payments), Decimal("0.00"))
    fees_total = sum((fee for _d, fee, _t in fees), Decimal("0.00"))
    to_fees = min(paid, fees_total)
    return OpenPosition(invoice.amount_due - (paid - to_fees), fees_total - to_fees,
                        Decimal("0.00"))


def charges_interest(invoice: Invoice, level: DunningLevel | None = None) -> bool:
    """Interest runs once a statutory level applied to an invoice that allows fees."""
    if not terms_for(invoice.client).fees_allowed_for(invoice):
        return False
    if level is not None and level.fee_kind == FeeKind.STATUTORY:
        return True
    return invoice.reminders.filter(level__fee_kind=FeeKind.STATUTORY).exclude(
        state=Reminder.State.SKIPPED).exists()


