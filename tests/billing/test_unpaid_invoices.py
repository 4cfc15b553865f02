"""Which invoices still ask for money, decided by the database: `unpaid()`, `overdue()`
and the finished work they hold back (`Deliverable.objects.held()`) agree with the rules
each invoice applies to itself (`payment_status()`, `balance()`, `blocking_invoices()`)."""

import datetime as dt
from decimal import Decimal

import pytest

from rapport.billing import services
from rapport.billing.models import Deliverable, Invoice
from tests.billing.factories import billable_client, make_billable, project_for

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def kunde(workspace):
    make_billable(workspace)
    return billable_client(workspace)


def _issued(client, amount: str, issued_on: dt.date, project=None) -> Invoice:
    draft = services.new_draft(client.workspace, client, project=project)
    services.add_line(draft, "Texte", 1, Decimal(amount), vat_rate="0.00")
    return services.issue(draft, today=issued_on)  # due 14 days later


@pytest.fixture
def invoices(kunde):
    """One invoice per case, all issued on 1 October (due 15 October) unless said."""
    early, late = dt.date(2026, 10, 1), dt.date(2026, 11, 15)
    cases = {name: _issued(kunde, amount, day) for name, amount, day in [
        ("unpaid", "500.00", early), ("partly_paid", "500.00", early),
        ("paid_in_thirds", "999.99", early), ("overpaid", "100.00", early),
        ("not_due_yet", "300.00", late), ("cancelled", "200.00", early)]}
    services.record_payment(cases["partly_paid"], "499.99")
    for _ in range(3):  # 3 × 333.33: the database must not lose the last cent
        services.record_payment(cases["paid_in_thirds"], "333.33")
    services.record_payment(cases["overpaid"], "150.00")
    cases["cancellation"] = services.cancel(cases["cancelled"], today=early)
    cases["draft"] = services.new_draft(kunde.workspace, kunde)
    return {name: Invoice.objects.get(pk=inv.pk) for name, inv in cases.items()}


def _names(found, invoices) -> set[str]:
    pks = {inv.pk for inv in found}
    return {name for name, inv in invoices.items() if inv.pk in pks}


def test_unpaid_invoices_are_those_with_money_still_owed(invoices):
    unpaid = Invoice.objects.unpaid()
    assert _names(unpaid, invoices) == {"unpaid", "partly_paid", "not_due_yet"}
    assert _names(unpaid, invoices) == {n for n, inv in invoices.items()
                                        if inv.is_draft is False and inv.balance() > 0
                                        and inv.payment_status() not in ("cancelled",)}


def test_overdue_invoices_match_each_invoices_own_payment_status(invoices):
    overdue = Invoice.objects.overdue(TODAY)
    assert _names(overdue, invoices) == {"unpaid", "partly_paid"}
    assert _names(overdue, invoices) == {n for n, inv in invoices.items()
                                         if inv.payment_status(TODAY) == "overdue"}


def test_an_invoice_is_not_overdue_on_its_due_date(invoices):
    due = invoices["unpaid"].due_date
    assert "unpaid" not in _names(Invoice.objects.overdue(due), invoices)
    assert "unpaid" in _names(Invoice.objects.overdue(due + dt.timedelta(days=1)), invoices)


def test_paying_the_rest_takes_an_invoice_off_the_overdue_list(invoices):
    services.record_payment(invoices["partly_paid"], "0.01")
    assert _names(Invoice.objects.overdue(TODAY), invoices) == {"unpaid"}


def test_finished_work_is_held_while_its_projects_invoices_are_unpaid(kunde):
    held_project, paid_project = project_for(kunde, "800.00"), project_for(kunde, "400.00")
    blocking = _issued(kunde, "800.00", dt.date(2026, 11, 1), project=held_project)
    paid = _issued(kunde, "400.00", dt.date(2026, 11, 1), project=paid_project)
    services.record_payment(paid, paid.amount_due)
    items = {name: Deliverable.objects.create(workspace=kunde.workspace, project=project,
                                              name=name, status=status, **extra)
             for name, project, status, extra in [
                 ("held", held_project, "finished", {}),
                 ("not finished", held_project, "in_progress", {}),
                 ("released anyway", held_project, "finished",
                  {"release_after_full_payment": False}),
                 ("paid for", paid_project, "finished", {})]}
    held = list(Deliverable.objects.held())
    assert [item.name for item in held] == ["held"]
    assert held[0].project.unpaid_invoices == [blocking]
    assert {name for name, item in items.items() if item.blocking_invoices()
            and item.status == "finished"} == {"held"}
