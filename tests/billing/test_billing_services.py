"""Deleting drafts, removing payments, client links and held deliverables: the rules the
invoice pages call, at the service level."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from rapport.billing import portal, services
from rapport.billing.models import Deliverable, Invoice
from rapport.core.pipeline import facts_committed
from tests.billing.factories import billable_client, make_billable, project_for

pytestmark = pytest.mark.django_db
ISSUED = dt.date(2026, 3, 2)


@pytest.fixture
def kunde(workspace):
    make_billable(workspace)
    return billable_client(workspace)


def _issued(client, net="100.00", project=None):
    invoice = services.new_draft(client.workspace, client, project=project)
    services.add_line(invoice, "Texte", 1, net)
    return services.issue(invoice, ISSUED)


@pytest.fixture
def heard():
    clients = []

    def listen(sender, **kwargs):
        clients.append(kwargs["client_ids"])

    facts_committed.connect(listen)
    yield clients
    facts_committed.disconnect(listen)


def test_a_removed_payment_reopens_the_balance_and_announces_the_client(
        kunde, heard, django_capture_on_commit_callbacks):
    invoice = _issued(kunde)
    payment = services.record_payment(invoice, "119.00", ISSUED)
    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_payment(payment)
    assert invoice.balance() == 119
    assert heard == [[kunde.pk]]


def test_a_deleted_draft_is_gone_and_an_issued_invoice_cannot_be_deleted(kunde):
    draft = services.new_draft(kunde.workspace, kunde)
    services.delete_draft(draft)
    assert not Invoice.objects.filter(pk=draft.pk).exists()
    issued = _issued(kunde)
    with pytest.raises(ValidationError):
        services.delete_draft(issued)
    assert Invoice.objects.filter(pk=issued.pk).exists()


def test_a_client_link_works_for_sixty_days_and_a_draft_gets_none(kunde):
    now = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    with pytest.raises(ValidationError, match="Issue the invoice"):
        portal.create_portal_link(services.new_draft(kunde.workspace, kunde), now)
    invoice = _issued(kunde)
    link = portal.create_portal_link(invoice, now)
    assert link.expires_at == now + dt.timedelta(days=portal.PORTAL_LINK_DAYS)
    assert portal.portal_link_for(invoice, now) == link  # an email reuses it
    portal.revoke_portal_link(link, now)
    assert not link.is_usable(now)
    fresh = portal.portal_link_for(invoice, now)
    assert fresh != link and fresh.is_usable(now)


def test_a_projects_deliverables_list_the_invoices_holding_them_in_a_few_queries(
        kunde, django_assert_max_num_queries):
    project = project_for(kunde)
    invoice = _issued(kunde, project=project)
    names = ["Texts", "Images", "Layout", "Print files"]
    for name in names:
        Deliverable.objects.create(workspace=kunde.workspace, project=project, name=name,
                                   status=Deliverable.Status.FINISHED)
    Deliverable.objects.create(workspace=kunde.workspace, project=project, name="Sketches",
                               release_after_full_payment=False)
    with django_assert_max_num_queries(3):
        rows = services.deliverables_with_blocking(project)
    assert [(item.name, blocking) for item, blocking in rows] == [
        ("Images", [invoice]), ("Layout", [invoice]), ("Print files", [invoice]),
        ("Sketches", []), ("Texts", [invoice])]
    services.record_payment(invoice, "119.00", ISSUED)
    assert all(blocking == [] for _item, blocking in services.deliverables_with_blocking(project))


def test_finished_work_is_held_until_the_project_invoices_are_paid(kunde):
    project = project_for(kunde)
    invoice = _issued(kunde, project=project)
    item = Deliverable.objects.create(workspace=kunde.workspace, project=project,
                                      name="Final texts", status=Deliverable.Status.FINISHED)
    held = list(Deliverable.objects.filter(workspace=kunde.workspace).held())
    assert held == [item] and held[0].project.unpaid_invoices == [invoice]
    with pytest.raises(ValidationError, match="Held until"):
        services.set_deliverable_status(item, Deliverable.Status.RELEASED)
    item.refresh_from_db()
    assert item.status == Deliverable.Status.FINISHED
    services.record_payment(invoice, "119.00", ISSUED)
    assert not Deliverable.objects.filter(workspace=kunde.workspace).held().exists()
    services.set_deliverable_status(item, Deliverable.Status.RELEASED)
    item.refresh_from_db()
    assert item.status == Deliverable.Status.RELEASED
