"""Creating and changing clients, contacts and projects through the API: the pages' rules,
the client lifecycle, the follow-up of a new address, and the token user in the audit log."""

import pytest
from django.utils import timezone

from rapport.audit.models import AuditEntry
from rapport.clients.models import Client, Contact, Project, StatusChange
from rapport.comms.models import Message, Source
from tests.conftest import make_client
from tests.health.test_pipeline import queued, run_queued

pytestmark = pytest.mark.django_db


def _fields(response) -> dict[str, str]:
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    return {f["field"]: f["message"] for f in error["fields"]}


# Clients

def test_a_new_client_is_a_prospect_in_the_workspaces_language(writer, workspace):
    response = writer.post("clients", {"name": "Kranich Verlag GmbH", "city": "Leipzig",
                                       "vat_id": "DE123456789"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["status"], body["city"]) == ("Kranich Verlag GmbH",
                                                             "prospect", "Leipzig")
    client = Client.objects.get(pk=body["id"], workspace=workspace)
    assert client.language == workspace.language and client.time_zone == workspace.time_zone


def test_a_client_without_a_name_or_with_an_unknown_language_is_refused_by_field(writer):
    fields = _fields(writer.post("clients", {"name": "", "language": "klingon"}))
    assert set(fields) == {"name", "language"}
    assert not Client.objects.exists()


def test_a_client_is_changed_only_in_the_fields_sent(writer, client_obj):
    client_obj.city = "Hamburg"
    client_obj.save()
    response = writer.patch(f"clients/{client_obj.pk}", {"name": "Acme AG", "language": "en",
                                                         "country": "AT"})
    assert response.status_code == 200, response.content
    client_obj.refresh_from_db()
    assert (client_obj.name, client_obj.language, client_obj.country, client_obj.city) == (
        "Acme AG", "en", "AT", "Hamburg")


def test_a_status_change_follows_the_lifecycle_and_is_the_token_users_in_the_audit_log(
        writer, client_obj, owner):
    response = writer.patch(f"clients/{client_obj.pk}", {"status": "active",
                                                         "status_reason": "Signed"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "active"
    change = StatusChange.objects.get(client=client_obj)
    assert (change.from_status, change.to_status, change.reason, change.changed_by) == (
        "prospect", "active", "Signed", owner)
    entry = AuditEntry.objects.get(object_type="clients.client", object_id=client_obj.pk,
                                   action="client.status_changed")
    assert (entry.actor, entry.user_id) == ("user", owner.pk)
    assert (entry.before["status"], entry.after["status"]) == ("prospect", "active")


def test_a_skipped_lifecycle_step_is_refused_with_the_reason_and_changes_nothing(
        writer, client_obj):
    response = writer.patch(f"clients/{client_obj.pk}", {"name": "Renamed",
                                                         "status": "former"})
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "refused", "message": "A client cannot go from “Prospect” to “Former”."}
    client_obj.refresh_from_db()
    assert (client_obj.name, client_obj.status) == ("Acme GmbH", "prospect")
    assert not StatusChange.objects.exists()


# Contacts

def test_a_new_contact_address_links_its_mail_to_the_client(
        writer, client_obj, workspace, django_capture_on_commit_callbacks):
    mail = Message.objects.create(
        workspace=workspace, dedup_key="api-contact-1", thread_key="t", date=timezone.now(),
        from_address="frida@kunde.example", subject="Angebot", direction="in",
        source=Source.EML)
    with django_capture_on_commit_callbacks(execute=True):
        response = writer.post(f"clients/{client_obj.pk}/contacts", {
            "name": "Frida Kunde", "role": "CTO", "emails": ["Frida@Kunde.example"]})
    assert response.status_code == 201, response.content
    assert response.json()["emails"] == ["frida@kunde.example"]
    assert queued() == [(workspace.pk, [client_obj.pk], None)]
    run_queued()
    mail.refresh_from_db()
    assert mail.client_id == client_obj.pk


def test_a_contact_address_of_another_client_is_refused_under_emails(writer, workspace,
                                                                       client_obj):
    other = make_client(workspace, "Other GmbH")
    first = writer.post(f"clients/{other.pk}/contacts", {"name": "Sam",
                                                         "emails": ["sam@x.example"]})
    assert first.status_code == 201
    fields = _fields(writer.post(f"clients/{client_obj.pk}/contacts",
                                 {"name": "Sam", "emails": ["sam@x.example", "nonsense"]}))
    assert list(fields) == ["emails"]
    assert Contact.objects.count() == 1


def test_a_contact_patch_replaces_its_addresses_and_keeps_its_name(
        writer, client_obj, workspace, django_capture_on_commit_callbacks):
    contact = writer.post(f"clients/{client_obj.pk}/contacts",
                          {"name": "Frida", "emails": ["frida@acme.example"]}).json()
    with django_capture_on_commit_callbacks(execute=True):
        response = writer.patch(f"contacts/{contact['id']}",
                                {"emails": ["frida@acme.example", "f.k@acme.example"]})
    assert response.status_code == 200, response.content
    assert (response.json()["name"], sorted(response.json()["emails"])) == (
        "Frida", ["f.k@acme.example", "frida@acme.example"])
    assert (workspace.pk, [client_obj.pk], None) in queued()
    assert _fields(writer.patch(f"contacts/{contact['id']}", {"name": ""})).keys() == {
        "name"}


# Projects

def test_a_new_project_takes_money_as_amount_and_currency(writer, client_obj):
    response = writer.post(f"clients/{client_obj.pk}/projects", {
        "name": "Relaunch", "rate_type": "daily",
        "amount": {"amount": "950.00", "currency": "CHF"}, "start_date": "2026-01-05"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["rate_type"], body["amount"]) == (
        "planned", "daily", {"amount": "950.00", "currency": "CHF"})
    changed = writer.patch(f"projects/{body['id']}", {"status": "active"})
    assert changed.status_code == 200
    assert changed.json()["amount"] == {"amount": "950.00", "currency": "CHF"}
    assert Project.objects.get(pk=body["id"]).status == "active"


def test_a_project_ending_before_it_starts_or_with_a_negative_amount_is_refused(
        writer, client_obj):
    fields = _fields(writer.post(f"clients/{client_obj.pk}/projects", {
        "name": "Relaunch", "amount": {"amount": "-1", "currency": "EUR"},
        "start_date": "2026-02-01", "end_date": "2026-01-01"}))
    assert "amount.amount" in fields
    fields = _fields(writer.post(f"clients/{client_obj.pk}/projects", {
        "name": "Relaunch", "amount": {"amount": "10", "currency": "XYZ"}}))
    assert list(fields) == ["amount.currency"]
    assert not Project.objects.exists()
    project = Project.objects.create(workspace=client_obj.workspace, client=client_obj,
                                     name="Old", amount=5)
    assert "amount.amount" in _fields(writer.patch(f"projects/{project.pk}", {"amount": None}))
    project.refresh_from_db()
    assert project.amount == 5


# Scope and workspace

def _every_write(client: Client, contact: Contact, project: Project) -> list[tuple]:
    return [("post", "clients", {"name": "New"}),
            ("patch", f"clients/{client.pk}", {"name": "New"}),
            ("post", f"clients/{client.pk}/contacts", {"name": "New"}),
            ("patch", f"contacts/{contact.pk}", {"name": "New"}),
            ("post", f"clients/{client.pk}/projects",
             {"name": "New", "amount": {"amount": "1", "currency": "EUR"}}),
            ("patch", f"projects/{project.pk}", {"name": "New"})]


def test_a_read_only_token_may_not_create_or_change_anything(reader, client_obj):
    contact = Contact.objects.create(workspace=client_obj.workspace, client=client_obj,
                                     name="Old")
    project = Project.objects.create(workspace=client_obj.workspace, client=client_obj,
                                     name="Old", amount=1)
    for method, path, data in _every_write(client_obj, contact, project):
        response = getattr(reader, method)(path, data)
        assert response.status_code == 403, path
        assert response.json()["error"]["code"] == "read_only_token"
    assert Client.objects.get().name == "Acme GmbH"
    assert Contact.objects.get().name == "Old" and Project.objects.get().name == "Old"


def test_another_workspaces_client_contact_and_project_cannot_be_changed(writer, elsewhere):
    theirs = make_client(elsewhere, "Secret Ltd")
    contact = Contact.objects.create(workspace=elsewhere, client=theirs, name="Old")
    project = Project.objects.create(workspace=elsewhere, client=theirs, name="Old", amount=1)
    for method, path, data in _every_write(theirs, contact, project)[1:]:
        response = getattr(writer, method)(path, data)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"
    assert Client.objects.get(pk=theirs.pk).name == "Secret Ltd"
    assert theirs.contacts.get().name == "Old" and theirs.projects.get().name == "Old"


def test_another_workspaces_id_is_not_found_even_with_a_body_that_is_not_valid(writer,
                                                                              elsewhere):
    theirs = make_client(elsewhere, "Secret Ltd")
    for path in (f"clients/{theirs.pk}/contacts", f"clients/{theirs.pk}/projects"):
        response = writer.http.post(f"/api/v1/{path}", "not json",
                                    content_type="application/json")
        assert response.status_code == 404, path
    assert writer.patch(f"clients/{theirs.pk}", {"status": "former"}).status_code == 404
