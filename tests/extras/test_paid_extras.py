"""A paid extra becomes a line on the client's next invoice or part of a change order,
through the existing invoice and change-order services."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rapport.agreements.models import ChangeOrder
from rapport.billing import services as billing
from rapport.billing.models import Invoice
from rapport.extras import panel, services
from rapport.extras.models import ExtraRequest
from tests.billing.factories import billable_client, make_billable
from tests.extras.factories import contract_for, extra

pytestmark = pytest.mark.django_db


@pytest.fixture
def kranich(workspace):
    make_billable(workspace)
    return billable_client(workspace, "Kranich Verlag GmbH", language="en")


def test_a_paid_extra_goes_onto_the_open_draft_invoice_of_the_client(kranich):
    draft = billing.new_draft(kranich.workspace, kranich)
    billing.add_line(draft, "Blog post", 1, 300)
    paid = extra(kranich, "paid", amount="120.00", description="Extra banner for the fair")
    invoice = services.put_on_invoice(paid)
    assert invoice == draft
    line = invoice.lines.order_by("position").last()
    assert line.description.startswith("Extra: Extra banner for the fair (requested on")
    assert line.unit_price == Decimal("120.00") and line.position == 2
    paid.refresh_from_db()
    assert paid.state == ExtraRequest.State.ON_INVOICE and paid.invoice_line == line


def test_without_a_draft_a_new_one_is_started_and_issued_with_a_number(kranich):
    paid = extra(kranich, "paid", amount="80.00")
    invoice = services.put_on_invoice(paid)
    assert invoice.state == Invoice.State.DRAFT and invoice.kind == Invoice.Kind.STANDARD
    issued = billing.issue(invoice)
    assert issued.number and issued.gross_total == Decimal("95.20")  # 19 % VAT by the service


def test_an_extra_in_another_currency_never_lands_on_a_euro_invoice(kranich):
    euro_draft = billing.new_draft(kranich.workspace, kranich)
    invoice = services.put_on_invoice(extra(kranich, "paid", amount="50.00", currency="USD"))
    assert invoice != euro_draft and invoice.currency == "USD"


def test_deleting_the_draft_invoice_makes_the_extra_open_again(kranich):
    paid = extra(kranich, "paid", amount="80.00")
    invoice = services.put_on_invoice(paid)
    invoice.delete()
    paid.refresh_from_db()
    assert paid.state == ExtraRequest.State.OPEN
    assert services.put_on_invoice(paid).lines.count() == 1


def test_an_extra_is_billed_once_and_only_when_it_is_paid(kranich):
    paid = extra(kranich, "paid", amount="80.00")
    services.put_on_invoice(paid)
    with pytest.raises(ValidationError, match="already billed"):
        services.put_on_invoice(paid)
    with pytest.raises(ValidationError, match="Only a paid extra"):
        services.put_on_invoice(extra(kranich, "favour"))


def test_a_paid_extra_needs_its_price(kranich):
    with pytest.raises(ValidationError) as error:
        extra(kranich, "paid")
    assert "amount" in error.value.message_dict


def test_a_paid_extra_goes_into_the_draft_change_order_of_the_contract(kranich):
    contract = contract_for(kranich)
    first = services.put_in_change_order(extra(kranich, "paid", amount="120.00",
                                               description="Extra banner"))
    second = services.put_in_change_order(extra(kranich, "paid", amount="30.00",
                                                description="Alt text for images"))
    assert first == second and first.contract == contract
    first.refresh_from_db()
    assert first.status == ChangeOrder.Status.DRAFT
    assert first.price == Decimal("150.00")
    assert first.description == "Extra banner\nAlt text for images"


def test_without_a_contract_a_change_order_is_refused_with_the_way_out(kranich):
    with pytest.raises(ValidationError, match="next invoice instead"):
        services.put_in_change_order(extra(kranich, "paid", amount="120.00"))


def test_a_change_order_never_adds_an_extra_in_another_currency(kranich):
    contract_for(kranich)
    with pytest.raises(ValidationError, match="different currencies"):
        services.put_in_change_order(extra(kranich, "paid", amount="120.00", currency="USD"))


def test_a_recurring_unpaid_extra_becomes_a_priced_change_order(kranich):
    contract_for(kranich)  # 90 EUR per hour for extra work
    for days_ago in (30, 12, 2):
        extra(kranich, "scope_creep", days_ago=days_ago, minutes=40)
    [proposal] = panel.proposals(kranich, timezone.localdate())
    assert proposal.action == "change_order"
    assert proposal.price == (Decimal("60.00"), "EUR")  # 40 min at 90 EUR
    change = services.propose_change_order(kranich, proposal.recurrence, "en")
    assert change.price == Decimal("60.00")
    assert change.description.startswith("“Social media post” from now on as a paid extra")
    assert "3 times" in change.description
    assert panel.proposals(kranich, change.created_at.date()) == []  # not proposed twice
