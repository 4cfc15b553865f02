"""A final invoice never deducts a deposit paid in another currency as if it were its own."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from rapport.billing import services
from rapport.billing.models import Invoice
from tests.billing.factories import billable_client, make_billable, project_for

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 2)


def test_a_final_invoice_in_euros_refuses_to_deduct_a_dollar_deposit(workspace):
    make_billable(workspace)
    project = project_for(billable_client(workspace), "4000.00", currency="USD")
    deposit = services.issue(services.create_deposit_invoice(project), TODAY)
    assert deposit.currency == "USD"
    services.record_payment(deposit, deposit.amount_due, TODAY + dt.timedelta(days=3))
    final = services.create_final_invoice(project)
    final.currency = "EUR"
    final.save()
    with pytest.raises(ValidationError, match=f"deposit {deposit.number} is in USD"):
        services.issue(final, TODAY + dt.timedelta(days=30))
    assert Invoice.objects.get(pk=final.pk).state == Invoice.State.DRAFT
    final.currency = "USD"
    final.save()
    issued = services.issue(final, TODAY + dt.timedelta(days=30))
    assert issued.deducted_total == deposit.amount_due == Decimal("2380.00")
