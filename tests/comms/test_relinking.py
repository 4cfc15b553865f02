"""Mail imported before its sender was known is linked when the address or domain becomes
known — as a queued follow-up of that change, not while someone reads a page."""

import pytest

from rapport.clients.models import Client, Contact, ContactEmail
from rapport.clients.services import set_client_domains, set_contact_emails
from rapport.comms.mailimport import import_mail_file
from rapport.comms.models import Message
from tests.comms.helpers import DATA, OWN
from tests.health.test_pipeline import queued, run_queued

pytestmark = pytest.mark.django_db
ANNA = "<idea-1@kranich.example>"
BERND = "<approve-1@kranich.example>"


@pytest.fixture
def imported(workspace):
    workspace.email = OWN
    workspace.save()
    import_mail_file(workspace, DATA / "sample.mbox")
    assert not Message.objects.filter(message_id__in=[ANNA, BERND], client__isnull=False)
    return workspace


def test_a_new_contact_address_queues_the_linking_of_its_earlier_mail(
        imported, django_capture_on_commit_callbacks):
    client = Client.objects.create(workspace=imported, name="Kranich Verlag")
    anna = Contact.objects.create(workspace=imported, client=client, name="Anna König")
    with django_capture_on_commit_callbacks(execute=True):
        set_contact_emails(anna, ["anna@kranich.example"])
    assert (imported.pk, [client.pk], None) in queued()
    run_queued()
    linked = Message.objects.get(message_id=ANNA)
    assert (linked.client, linked.contact) == (client, anna)


def test_a_new_client_domain_queues_the_linking_of_its_mail(
        imported, django_capture_on_commit_callbacks):
    client = Client.objects.create(workspace=imported, name="Kranich Verlag")
    with django_capture_on_commit_callbacks(execute=True):
        set_client_domains(client, ["kranich.example"])
    run_queued()
    assert Message.objects.get(message_id=BERND).client == client


def test_saving_the_same_addresses_again_queues_nothing(
        imported, django_capture_on_commit_callbacks):
    client = Client.objects.create(workspace=imported, name="Kranich Verlag")
    anna = Contact.objects.create(workspace=imported, client=client, name="Anna König")
    set_contact_emails(anna, ["anna@kranich.example"])
    run_queued()
    with django_capture_on_commit_callbacks(execute=True):
        set_contact_emails(anna, ["anna@kranich.example"])
    assert queued() == []


def test_reading_the_inbox_changes_no_message(imported, owner_http):
    client = Client.objects.create(workspace=imported, name="Kranich Verlag")
    anna = Contact.objects.create(workspace=imported, client=client, name="Anna König")
    ContactEmail.objects.create(workspace=imported, contact=anna,
                                address="anna@kranich.example")  # bypassing the services
    assert owner_http.get("/inbox/").status_code == 200
    assert owner_http.get(f"/inbox/clients/{client.pk}/").status_code == 200
    assert Message.objects.get(message_id=ANNA).client is None
