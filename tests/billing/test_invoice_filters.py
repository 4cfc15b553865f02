"""The invoice list's filters and totals, computed by the database for every matching
invoice (not only the page shown), and the page that keeps the filters while paging."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from rapport.billing import filters, services
from rapport.billing.models import Invoice
from tests.billing.factories import billable_client, make_billable
from tests.conftest import make_workspace

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def kunde(workspace):
    make_billable(workspace)
    return billable_client(workspace)


def invoice(client, price, *, issued_days_ago=0, currency="EUR", paid=(), term=14):
    """An issued invoice for one line at `price` (19 % VAT on top), with payments."""
    draft = services.new_draft(client.workspace, client, currency=currency)
    Invoice.objects.filter(pk=draft.pk).update(payment_term_days=term)
    draft.refresh_from_db()
    services.add_line(draft, "Work", 1, price)
    issued = services.issue(draft, today=TODAY - dt.timedelta(days=issued_days_ago))
    for amount in paid:
        services.record_payment(issued, amount)
    issued.refresh_from_db()
    return issued


def numbers(workspace, **chosen):
    return {i.number for i in filters.matching(workspace, chosen, today=TODAY)}


def test_the_database_tells_the_same_payment_status_as_the_invoice(kunde):
    workspace = kunde.workspace
    draft = services.new_draft(workspace, kunde)
    examples = [
        invoice(kunde, "100.00"),                                    # open
        invoice(kunde, "100.00", paid=["50.05"]),                    # partially paid
        invoice(kunde, "100.00", paid=["59.50", "59.50"]),           # paid in two parts
        invoice(kunde, "100.00", paid=["200.00"]),                   # paid too much
        invoice(kunde, "100.00", issued_days_ago=30),                # overdue
        invoice(kunde, "100.00", issued_days_ago=30, paid=["10"]),   # overdue, part paid
        invoice(kunde, "33.33", paid=["13.33", "13.33", "13.00"]),   # cents add up exactly
    ]
    cancelled = invoice(kunde, "80.00")
    cancellation = services.cancel(cancelled)
    rows = {i.pk: i for i in filters.matching(workspace, {}, today=TODAY)}
    for each in [draft, *examples, Invoice.objects.get(pk=cancelled.pk), cancellation]:
        each = Invoice.objects.get(pk=each.pk)
        assert rows[each.pk].payment_state == each.payment_status(TODAY), each
        assert rows[each.pk].balance == each.balance()
    assert [rows[i.pk].payment_state for i in examples] == [
        "open", "partially_paid", "paid", "paid", "overdue", "overdue", "paid"]


def test_filters_by_status_client_and_search(kunde):
    other = billable_client(kunde.workspace, name="Feinkost Valentin")
    paid = invoice(kunde, "100.00", paid=["119.00"])
    open_ = invoice(kunde, "100.00")
    theirs = invoice(other, "50.00")
    assert numbers(kunde.workspace, status="paid") == {paid.number}
    assert numbers(kunde.workspace, status="open") == {open_.number, theirs.number}
    assert numbers(kunde.workspace, client=other) == {theirs.number}
    assert numbers(kunde.workspace, q="valentin") == {theirs.number}
    assert numbers(kunde.workspace, q=open_.number) == {open_.number}


def test_due_means_unpaid_and_due_in_that_window(kunde):
    overdue = invoice(kunde, "100.00", issued_days_ago=20)               # due 6 days ago
    this_week = invoice(kunde, "100.00", issued_days_ago=10)             # due in 4 days
    this_month = invoice(kunde, "100.00", term=30)                       # due in 30 days
    invoice(kunde, "100.00", issued_days_ago=20, paid=["119.00"])        # overdue but paid
    invoice(kunde, "100.00", term=60)                                    # due later
    assert numbers(kunde.workspace, due="overdue") == {overdue.number}
    assert numbers(kunde.workspace, due="week") == {this_week.number}
    assert numbers(kunde.workspace, due="30days") == {this_week.number, this_month.number}


def test_balance_tells_owed_settled_and_paid_too_much(kunde):
    owed = invoice(kunde, "100.00", paid=["100.00"])
    settled = invoice(kunde, "100.00", paid=["119.00"])
    overpaid = invoice(kunde, "100.00", paid=["120.00"])
    services.new_draft(kunde.workspace, kunde)  # a draft owes nothing yet: in none of them
    assert numbers(kunde.workspace, balance="owed") == {owed.number}
    assert numbers(kunde.workspace, balance="settled") == {settled.number}
    assert numbers(kunde.workspace, balance="overpaid") == {overpaid.number}


def test_totals_are_per_currency_and_cover_every_matching_invoice(kunde, outsider):
    for _ in range(30):
        invoice(kunde, "100.00", paid=["19.00"])          # 119 each, 100 still owed
    invoice(kunde, "200.00", currency="USD")              # 238 owed, in dollars
    invoice(kunde, "100.00", paid=["119.00"])             # paid: counts in the total only
    services.new_draft(kunde.workspace, kunde)            # a draft counts in neither sum
    elsewhere = make_workspace(outsider, name="Elsewhere")
    make_billable(elsewhere)
    invoice(billable_client(elsewhere), "999.00")
    rows = filters.totals(filters.matching(kunde.workspace, {}, today=TODAY))
    assert rows == [
        {"currency": "EUR", "count": 32, "total": Decimal("3689.00"), "owed": Decimal("3000.00")},
        {"currency": "USD", "count": 1, "total": Decimal("238.00"), "owed": Decimal("238.00")},
    ]
    cards = filters.open_by_status(filters.matching(kunde.workspace, {}, today=TODAY))
    assert [(c["status"], c["currency"], c["amount"]) for c in cards] == [
        ("open", "USD", Decimal("238.00")), ("partially_paid", "EUR", Decimal("3000.00"))]


def test_the_list_pages_and_the_pager_keeps_the_filters(owner_http, kunde):
    for _ in range(27):
        invoice(kunde, "10.00")
    invoice(kunde, "10.00", paid=["11.90"])
    first = owner_http.get("/invoices/?status=open")
    assert len(first.context["invoices"].rows) == 25
    html = first.content.decode()
    assert "?status=open&amp;page=2" in html
    assert "27 invoices" in html and "€321.30 invoiced, €321.30 still owed" in html
    second = owner_http.get("/invoices/?status=open&page=2")
    assert len(second.context["invoices"].rows) == 2
    assert owner_http.get("/invoices/?status=open&page=99").context["invoices"].page.number == 2
    refused = owner_http.get("/invoices/?status=nonsense&due=tomorrow&client=abc")
    assert refused.status_code == 200 and refused.context["invoices"].count == 28


def test_a_bad_filter_value_is_marked_and_the_good_ones_still_apply(owner_http, kunde):
    invoice(kunde, "10.00")
    invoice(kunde, "10.00", paid=["11.90"])
    page = owner_http.get("/invoices/?status=paid&due=tomorrow")
    assert page.context["invoices"].count == 1  # still only the paid one, not all
    assert page.context["form"].errors.keys() == {"due"}
    assert 'class="errorlist"' in page.content.decode()
