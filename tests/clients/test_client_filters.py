"""The client list: search and status in the database, one row per client, paged."""

import pytest

from rapport.clients import filters
from rapport.clients.models import Client, Contact, ContactEmail, Note
from tests.conftest import make_client, make_workspace

pytestmark = pytest.mark.django_db


def names(workspace, **chosen):
    return [c.name for c in filters.matching(workspace, **chosen)]


def test_search_finds_clients_by_name_contact_or_email_once_each(workspace):
    kranich = make_client(workspace, "Kranich Verlag", status=Client.Status.ACTIVE)
    for name in ("Klara Kranich", "Klaus Kranich"):
        contact = Contact.objects.create(workspace=workspace, client=kranich, name=name)
        ContactEmail.objects.create(workspace=workspace, contact=contact,
                                    address=f"{name.split()[0].lower()}@kranich.example")
    make_client(workspace, "Feinkost Valentin")
    assert names(workspace, q="klaus") == ["Kranich Verlag"]
    assert names(workspace, q="kranich") == ["Kranich Verlag"]   # two contacts, one row
    assert names(workspace, q="@KRANICH.example") == ["Kranich Verlag"]
    assert names(workspace, q="valentin") == ["Feinkost Valentin"]
    assert names(workspace, q="  ") == ["Feinkost Valentin", "Kranich Verlag"]


def test_status_narrows_and_an_unknown_status_is_ignored(workspace, outsider):
    make_client(workspace, "Active One", status=Client.Status.ACTIVE)
    make_client(workspace, "Prospect One")
    make_client(make_workspace(outsider, "Elsewhere"), "Not Ours", status=Client.Status.ACTIVE)
    assert names(workspace, status="active") == ["Active One"]
    assert names(workspace, status="prospect") == ["Prospect One"]
    assert names(workspace, status="bogus") == ["Active One", "Prospect One"]


def test_each_row_counts_its_incidents(workspace):
    client = make_client(workspace, "Kranich Verlag")
    for kind in (Note.Kind.INCIDENT, Note.Kind.INCIDENT, Note.Kind.NOTE):
        Note.objects.create(workspace=workspace, client=client, kind=kind, text="x")
    assert filters.matching(workspace).get().incident_count == 2


def test_the_list_pages_and_the_pager_keeps_the_search(owner_http, workspace):
    Client.objects.bulk_create(Client(workspace=workspace, name=f"Client {n:02d}",
                                      status=Client.Status.ACTIVE) for n in range(60))
    page = owner_http.get("/clients/?q=client&status=active")
    html = page.content.decode()
    assert "60 clients" in html and "Page 1 of 3" in html
    assert "?q=client&amp;status=active&amp;page=2" in html
    assert "Client 24" in html and "Client 25" not in html
    fifty = owner_http.get("/clients/?q=client&per_page=50&page=2").content.decode()
    assert "Client 50" in fifty and "Client 49" not in fifty and "Page 2 of 2" in fifty
