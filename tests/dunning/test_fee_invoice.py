"""The fee invoice: the fees and default interest charged by sent reminders, on a draft of
their own, without VAT and in the client's language."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from rapport.billing.models import Invoice
from rapport.core import clock
from rapport.dunning import services
from rapport.dunning.fees import create_fee_invoice

pytestmark = pytest.mark.django_db
DUE = dt.date(2026, 3, 16)


def _charge_fees(invoice):
    terms = services.terms_for(invoice.client)
    terms.late_fees_since, terms.late_fees_source = dt.date(2026, 1, 1), "agreed"
    terms.save()
    for day in (3, 14):
        with clock.travel(DUE + dt.timedelta(days=day)):
            services.run_now(invoice.workspace)


def test_nothing_charged_means_no_fee_invoice(overdue):
    with pytest.raises(ValidationError, match="No fees have been charged"):
        create_fee_invoice(overdue)
    assert Invoice.objects.count() == 1


def test_the_fee_invoice_lists_the_flat_fee_and_the_latest_interest_without_vat(
        overdue, known_rates):
    _charge_fees(overdue)
    draft = create_fee_invoice(overdue)
    assert draft.is_draft and draft.client == overdue.client
    assert draft.currency == overdue.currency
    lines = list(draft.lines.order_by("position"))
    assert [str(line.unit_price) for line in lines] == ["40.0000", "4.6900"]
    assert {line.vat_rate for line in lines} == {0}
    assert lines[0].description == "1. Mahnung: Gebühr"
    assert lines[1].description.startswith("Verzugszinsen bis")
    assert overdue.number in draft.intro_text
