"""The audit log of an invoice, written by the real pages: issued, paid, cancelled."""

import json

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from rapport.audit import guard
from rapport.audit.models import AppendOnlyError, AuditEntry
from rapport.billing import services
from rapport.billing.models import Invoice
from tests.billing.factories import billable_client, make_billable

pytestmark = pytest.mark.django_db


@pytest.fixture
def kunde(workspace):
    make_billable(workspace)
    return billable_client(workspace)


@pytest.fixture
def draft(kunde):
    invoice = services.new_draft(kunde.workspace, kunde)
    services.add_line(invoice, "Copywriting", 1, 100)
    return invoice


def _actions(invoice):
    return list(AuditEntry.objects.for_object("billing.invoice", invoice.pk)
                .order_by("at", "pk").values_list("action", flat=True))


def test_issuing_through_the_page_records_who_issued_what_from_where(owner_http, owner, draft):
    owner_http.post(f"/invoices/{draft.pk}/issue/", REMOTE_ADDR="203.0.113.7",
                    HTTP_X_REQUEST_ID="req-42")
    draft.refresh_from_db()
    entry = AuditEntry.objects.get(action="invoice.issued")
    assert (entry.object_type, entry.object_id) == ("billing.invoice", draft.pk)
    assert entry.user_id == owner.pk and entry.actor == "user"
    assert entry.actor_name == "Olga Owner"
    assert entry.ip_address == "203.0.113.7" and entry.request_id == "req-42"
    assert entry.object_label == draft.number
    assert entry.before["state"] == "draft" and entry.after["state"] == "issued"
    assert entry.after["number"] == draft.number and entry.before["number"] == ""
    assert entry.after["gross_total"] == "119.00"
    assert "client" not in entry.after  # only the fields that changed


def test_paying_in_two_parts_records_part_paid_then_paid(owner_http, draft):
    invoice = services.issue(draft)
    owner_http.post(f"/invoices/{invoice.pk}/payments/new/",
                    {"amount": "50.00", "paid_on": "2026-11-20"})
    owner_http.post(f"/invoices/{invoice.pk}/payments/new/",
                    {"amount": "69.00", "paid_on": "2026-11-21"})
    assert _actions(invoice)[-4:] == ["payment.recorded", "invoice.partially_paid",
                                      "payment.recorded", "invoice.paid"]
    paid = AuditEntry.objects.get(action="invoice.paid")
    assert paid.before == {"payment_status": "partially_paid"}
    assert paid.after == {"payment_status": "paid"}
    first = AuditEntry.objects.filter(action="payment.recorded").order_by("pk").first()
    assert first.object_type == "billing.payment"
    assert (first.parent_type, first.parent_id) == ("billing.invoice", invoice.pk)
    assert first.after["amount"] == "50.00" and first.after["paid_on"] == "2026-11-20"


def test_removing_a_payment_is_recorded_with_what_was_removed(owner_http, draft):
    invoice = services.issue(draft)
    payment = services.record_payment(invoice, "30.00")
    owner_http.post(f"/invoices/{invoice.pk}/payments/{payment.pk}/delete/")
    removed = AuditEntry.objects.get(action="payment.removed")
    assert removed.before["amount"] == "30.00" and removed.parent_id == invoice.pk


def test_cancelling_records_the_cancellation_on_both_invoices(owner_http, draft):
    invoice = services.issue(draft)
    owner_http.post(f"/invoices/{invoice.pk}/cancel/")
    storno = Invoice.objects.get(kind="cancellation")
    cancelled = AuditEntry.objects.get(action="invoice.cancelled")
    assert cancelled.object_id == invoice.pk
    assert cancelled.before == {"state": "issued"} and cancelled.after == {"state": "cancelled"}
    assert _actions(storno) == ["invoice.created", "invoice.issued"]


def test_deleting_a_draft_is_recorded(owner_http, draft):
    owner_http.post(f"/invoices/{draft.pk}/delete/")
    assert _actions(draft) == ["invoice.created", "invoice.deleted"]


def test_the_invoice_page_shows_the_history_in_the_readers_language(owner_http, owner, draft):
    invoice = services.issue(draft)
    services.record_payment(invoice, "119.00")
    page = owner_http.get(f"/invoices/{invoice.pk}/").content.decode()
    assert "Change history" in page and "Invoice paid in full" in page
    assert "Draft → Issued" in page
    owner.language = "de"
    owner.save()
    page = owner_http.get(f"/invoices/{invoice.pk}/").content.decode()
    assert "Änderungsverlauf" in page and "Rechnung vollständig bezahlt" in page
    assert "Entwurf → Ausgestellt" in page


def test_work_outside_a_request_is_recorded_as_the_system(draft):
    services.issue(draft)
    entry = AuditEntry.objects.get(action="invoice.issued")
    assert entry.actor == "system" and entry.user_id is None and entry.ip_address is None


def test_an_entry_cannot_be_changed_or_deleted_through_the_model(draft):
    entry = AuditEntry.objects.get(action="invoice.created")
    entry.action = "invoice.paid"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="invoice.paid")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "invoice.created"


def test_the_database_itself_refuses_to_change_or_delete_an_entry(draft):
    guard.install(connection, force=True)  # rolled back with the test on both databases
    entry = AuditEntry.objects.get(action="invoice.created")
    table = AuditEntry._meta.db_table
    for statement in (f"UPDATE {table} SET action = 'x' WHERE id = %s",
                      f"DELETE FROM {table} WHERE id = %s"):
        with (pytest.raises(DatabaseError, match="append-only"), transaction.atomic(),
              connection.cursor() as cursor):
            cursor.execute(statement, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "invoice.created"


def test_the_export_filters_by_type_and_period_as_csv_and_json(owner_http, kunde, draft):
    invoice = services.issue(draft)
    services.record_payment(invoice, "119.00")
    kunde.change_status("active")
    response = owner_http.get("/audit/export.json", {"object_type": "billing.invoice"})
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    actions = [e["action"] for e in json.loads(response.content)["entries"]]
    assert actions == ["invoice.created", "invoice.issued", "invoice.paid"]
    everything = owner_http.get("/audit/export.csv").content.decode("utf-8-sig")
    assert "client.status_changed" in everything and "payment.recorded" in everything
    assert everything.splitlines()[0].startswith("When,Who,Object,Action")
    nothing = owner_http.get("/audit/export.json", {"date_from": "2001-01-01",
                                                    "date_to": "2001-12-31"})
    assert json.loads(nothing.content) == {"entries": []}


def test_another_workspaces_entries_stay_out_of_page_and_export(owner_http, outsider, draft):
    from rapport.core.models import Workspace

    other = Workspace.objects.get(name="Elsewhere Ltd")
    foreign = billable_client(other, name="Geheim AG")
    foreign.change_status("active")
    page = owner_http.get("/audit/").content.decode()
    assert "Geheim AG" not in page
    exported = owner_http.get("/audit/export.csv").content.decode("utf-8-sig")
    assert "Geheim AG" not in exported


def test_the_clients_first_look_in_the_portal_is_recorded_as_the_client(owner_http, draft):
    from django.test import Client as HttpClient

    invoice = services.issue(draft)
    owner_http.post(f"/invoices/{invoice.pk}/links/new/")
    link = invoice.portal_links.get()
    portal = HttpClient(REMOTE_ADDR="198.51.100.9")
    portal.get(link.get_absolute_url())
    portal.get(link.get_absolute_url())
    viewed = AuditEntry.objects.get(action="invoice.viewed")
    assert (viewed.object_type, viewed.object_id) == ("billing.invoice", invoice.pk)
    assert viewed.actor == "portal" and viewed.ip_address == "198.51.100.9"
