"""Model rules: the status lifecycle, notes, contacts' addresses and domains, projects."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from rapport.clients.models import Client, ClientDomain, Contact, Note, Project
from rapport.clients.services import set_client_domains, set_contact_emails
from tests.conftest import make_client

pytestmark = pytest.mark.django_db


def test_a_new_client_starts_as_prospect(client_obj):
    assert client_obj.status == Client.Status.PROSPECT


def test_status_changes_are_recorded_with_date_and_reason(client_obj, owner):
    client_obj.change_status("active", reason="Contract signed", by=owner, on=date(2026, 3, 1))
    client_obj.refresh_from_db()
    assert client_obj.status == "active"
    change = client_obj.status_changes.get()
    assert (change.from_status, change.to_status) == ("prospect", "active")
    assert change.changed_on == date(2026, 3, 1)
    assert change.reason == "Contract signed"
    assert change.changed_by == owner


def test_the_full_lifecycle_is_walkable(client_obj):
    for status in ["active", "paused", "active", "offboarding", "former", "active"]:
        client_obj.change_status(status)
    assert client_obj.status_changes.count() == 6


def test_a_prospect_can_be_declined_and_return(client_obj):
    client_obj.change_status("declined", reason="Weekend calls required")
    client_obj.change_status("prospect", reason="Came back with a new brief")
    assert client_obj.status == "prospect"


@pytest.mark.parametrize(
    ("path", "refused"),
    [([], "paused"), ([], "former"), (["active"], "prospect"), (["declined"], "active"),
     (["active", "offboarding"], "paused")],
)
def test_skipping_steps_of_the_lifecycle_is_refused(client_obj, path, refused):
    for status in path:
        client_obj.change_status(status)
    before = client_obj.status_changes.count()
    with pytest.raises(ValidationError, match="cannot go from"):
        client_obj.change_status(refused)
    client_obj.refresh_from_db()
    assert client_obj.status == (path[-1] if path else "prospect")
    assert client_obj.status_changes.count() == before


def test_an_incident_needs_category_and_severity(client_obj):
    note = Note(workspace=client_obj.workspace, client=client_obj, kind="incident", text="x")
    with pytest.raises(ValidationError) as info:
        note.full_clean()
    assert set(info.value.message_dict) == {"incident_category", "severity"}


def test_a_check_in_needs_its_outcome(client_obj):
    note = Note(workspace=client_obj.workspace, client=client_obj, kind="check_in",
                text="Asked if all is well")
    with pytest.raises(ValidationError) as info:
        note.full_clean()
    assert "check_in_outcome" in info.value.message_dict


def test_a_plain_note_drops_incident_fields(client_obj):
    note = Note(workspace=client_obj.workspace, client=client_obj, kind="note", text="x",
                incident_category="integrity", severity=3)
    note.full_clean()
    assert note.incident_category == "" and note.severity is None


def test_contact_addresses_teach_the_client_its_company_domain(client_obj):
    contact = Contact.objects.create(workspace=client_obj.workspace, client=client_obj, name="A")
    set_contact_emails(contact, ["anna@acme.example", "anna.private@gmail.com"])
    assert client_obj.email_domains() == ["acme.example"]
    assert sorted(contact.addresses()) == ["anna.private@gmail.com", "anna@acme.example"]


def test_an_address_belongs_to_one_client_per_workspace(workspace, client_obj):
    other = make_client(workspace, "Other Co")
    first = Contact.objects.create(workspace=workspace, client=client_obj, name="A")
    second = Contact.objects.create(workspace=workspace, client=other, name="B")
    set_contact_emails(first, ["shared@acme.example"])
    with pytest.raises(ValidationError, match="already a contact address of Acme GmbH"):
        set_contact_emails(second, ["shared@acme.example"])


def test_free_mail_domains_are_refused_as_client_domains(client_obj):
    with pytest.raises(ValidationError, match="free-mail"):
        set_client_domains(client_obj, ["gmail.com"])
    with pytest.raises(ValidationError, match="not a domain"):
        set_client_domains(client_obj, ["not a domain"])
    set_client_domains(client_obj, ["@ACME.example"])
    assert ClientDomain.objects.get(client=client_obj).domain == "acme.example"


def test_a_domain_belongs_to_one_client(workspace, client_obj):
    set_client_domains(client_obj, ["acme.example"])
    with pytest.raises(ValidationError, match="already belongs to Acme GmbH"):
        set_client_domains(make_client(workspace, "Copycat"), ["acme.example"])


def test_a_project_cannot_end_before_it_starts(client_obj):
    project = Project(workspace=client_obj.workspace, client=client_obj, name="Book",
                      amount=100, start_date=date(2026, 5, 2), end_date=date(2026, 5, 1))
    with pytest.raises(ValidationError) as info:
        project.full_clean()
    assert "end_date" in info.value.message_dict
