"""Clients, contacts and projects: lists with filters and pages, one workspace only."""

import pytest

from rapport.clients.models import Contact, Project
from rapport.clients.services import set_contact_emails
from tests.conftest import make_client

pytestmark = pytest.mark.django_db


def test_clients_are_listed_by_name_with_their_status(reader, workspace, elsewhere):
    make_client(workspace, "Zeta AG")
    make_client(workspace, "Alpha GmbH").change_status("active")
    make_client(elsewhere, "Secret Ltd")
    body = reader.get("clients").json()
    assert body["count"] == 2
    assert [(c["name"], c["status"]) for c in body["items"]] == [
        ("Alpha GmbH", "active"), ("Zeta AG", "prospect")]
    assert [c["name"] for c in reader.get("clients", status="active").json()["items"]] == [
        "Alpha GmbH"]


def test_pages_have_a_limit_an_offset_and_a_maximum_size(reader, workspace):
    for i in range(5):
        make_client(workspace, f"Client {i}")
    page = reader.get("clients", limit=2, offset=2).json()
    assert page["count"] == 5
    assert [c["name"] for c in page["items"]] == ["Client 2", "Client 3"]
    too_big = reader.get("clients", limit=201)
    assert too_big.status_code == 422
    assert too_big.json()["error"]["fields"][0]["field"] == "limit"


def test_a_filter_with_an_unknown_value_is_a_validation_error_naming_the_field(reader):
    response = reader.get("clients", status="vip", created_from="yesterday")
    assert response.status_code == 422
    assert {f["field"] for f in response.json()["error"]["fields"]} == {"status",
                                                                          "created_from"}


def test_another_workspaces_client_contact_and_project_are_not_found(reader, elsewhere):
    theirs = make_client(elsewhere, "Secret Ltd")
    contact = Contact.objects.create(workspace=elsewhere, client=theirs, name="Sam")
    project = Project.objects.create(workspace=elsewhere, client=theirs, name="P", amount=1)
    for path in (f"clients/{theirs.pk}", f"contacts/{contact.pk}", f"projects/{project.pk}",
                 f"clients/{theirs.pk}/health"):
        response = reader.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}
    assert reader.get("contacts", client_id=theirs.pk).json()["count"] == 0
    assert reader.get("projects", client_id=theirs.pk).json()["count"] == 0


def test_a_contact_comes_with_its_addresses(reader, client_obj):
    contact = Contact.objects.create(workspace=client_obj.workspace, client=client_obj,
                                     name="Frida", role="CTO")
    set_contact_emails(contact, ["frida@acme.example"])
    body = reader.get(f"contacts/{contact.pk}").json()
    assert body["emails"] == ["frida@acme.example"] and body["client_id"] == client_obj.pk


def test_a_project_amount_is_a_string_with_its_currency(reader, client_obj):
    project = Project.objects.create(workspace=client_obj.workspace, client=client_obj,
                                     name="Relaunch", amount="4000.5", currency="CHF",
                                     status="active")
    body = reader.get(f"projects/{project.pk}").json()
    assert body["amount"] == {"amount": "4000.50", "currency": "CHF"}
    assert reader.get("projects", status="active").json()["count"] == 1
    assert reader.get("projects", status="completed").json()["count"] == 0


def test_an_offset_beyond_any_list_is_a_validation_error_not_a_crash(reader):
    response = reader.get("clients", offset=10**30)
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "offset"
    assert reader.get("clients", offset=10**9).json() == {"items": [], "count": 0}
