"""Client pages as a user meets them: forms, errors next to fields, htmx timeline."""

import pytest

from rapport.clients.models import Client, Contact, Note, Project

pytestmark = pytest.mark.django_db


def test_creating_a_client_with_tags_and_domains(owner_http, workspace):
    response = owner_http.post("/clients/new/", {
        "kind": "company", "name": "Kranich Verlag", "language": "de",
        "time_zone": "Europe/Berlin", "preferred_channel": "email", "country": "DE",
        "tags_text": "Verlag, Stammkunde", "domains_text": "kranich.example",
    })
    client = Client.objects.get(workspace=workspace, name="Kranich Verlag")
    assert response.status_code == 302 and response["Location"] == f"/clients/{client.pk}/"
    assert sorted(t.name for t in client.tags.all()) == ["Stammkunde", "Verlag"]
    assert client.email_domains() == ["kranich.example"]


def test_a_bad_domain_is_reported_next_to_the_field_and_nothing_is_saved(owner_http, workspace):
    response = owner_http.post("/clients/new/", {
        "kind": "company", "name": "Nope", "language": "de", "time_zone": "Europe/Berlin",
        "country": "DE", "domains_text": "gmail.com",
    })
    assert response.status_code == 200
    assert "free-mail" in response.content.decode()
    assert response.context["form"].errors["domains_text"]
    assert not Client.objects.filter(name="Nope").exists()


def test_adding_a_contact_with_two_addresses(owner_http, client_obj):
    response = owner_http.post(f"/clients/{client_obj.pk}/contacts/new/", {
        "name": "Jana Kraus", "role": "Marketing", "phone": "",
        "emails_text": "jana@acme.example\njana.kraus@acme.example",
    })
    assert response.status_code == 302
    contact = Contact.objects.get(client=client_obj)
    assert sorted(contact.addresses()) == ["jana.kraus@acme.example", "jana@acme.example"]
    page = owner_http.get(f"/clients/{client_obj.pk}/").content.decode()
    assert "jana@acme.example" in page and "acme.example" in page


def test_an_invalid_address_is_reported(owner_http, client_obj):
    response = owner_http.post(f"/clients/{client_obj.pk}/contacts/new/", {
        "name": "Jana", "emails_text": "jana-at-acme",
    })
    assert response.status_code == 200
    assert "is not an email address" in response.content.decode()
    assert not Contact.objects.exists()


def test_an_incident_added_with_htmx_appears_on_the_timeline(owner_http, client_obj):
    response = owner_http.post(
        f"/clients/{client_obj.pk}/notes/new/",
        {"kind": "incident", "happened_on": "2026-11-02", "text": "Rewrote my copy himself",
         "incident_category": "did_not_listen", "severity": "2"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Rewrote my copy himself" in body and "Did not listen" in body
    note = Note.objects.get(client=client_obj)
    assert (note.kind, note.incident_category, note.severity) == ("incident", "did_not_listen", 2)


def test_an_incident_without_category_shows_the_error_in_the_timeline_form(owner_http, client_obj):
    response = owner_http.post(
        f"/clients/{client_obj.pk}/notes/new/",
        {"kind": "incident", "happened_on": "2026-11-02", "text": "Something"},
        HTTP_HX_REQUEST="true",
    )
    assert "An incident needs a category." in response.content.decode()
    assert not Note.objects.exists()


def test_a_check_in_without_htmx_redirects_to_the_timeline(owner_http, client_obj):
    response = owner_http.post(f"/clients/{client_obj.pk}/notes/new/", {
        "kind": "check_in", "happened_on": "2026-11-02", "check_in_outcome": "all_good",
        "text": "Asked if everything is OK — it was.",
    })
    assert response.status_code == 302 and response["Location"].endswith("#timeline")


def test_changing_the_status_through_the_page(owner_http, client_obj, owner):
    response = owner_http.post(f"/clients/{client_obj.pk}/status/", {
        "to_status": "active", "changed_on": "2026-10-01", "reason": "Signed",
    })
    assert response.status_code == 302
    client_obj.refresh_from_db()
    assert client_obj.status == "active"
    assert client_obj.status_changes.get().changed_by == owner


def test_a_status_the_lifecycle_does_not_allow_is_refused(owner_http, client_obj):
    response = owner_http.post(f"/clients/{client_obj.pk}/status/", {
        "to_status": "former", "changed_on": "2026-10-01",
    })
    assert response.status_code == 422
    client_obj.refresh_from_db()
    assert client_obj.status == "prospect"


def test_a_project_with_dates_in_the_wrong_order_is_refused(owner_http, client_obj):
    response = owner_http.post(f"/clients/{client_obj.pk}/projects/new/", {
        "name": "Relaunch", "status": "planned", "rate_type": "daily", "amount": "650",
        "currency": "EUR", "start_date": "2026-12-10", "end_date": "2026-12-01",
    })
    assert "The end date is before the start date." in response.content.decode()
    assert not Project.objects.exists()


def test_deleting_a_client_asks_first(owner_http, full_client):
    page = owner_http.get(f"/clients/{full_client.pk}/delete/")
    assert "cannot be undone" in page.content.decode()
    assert Client.objects.filter(pk=full_client.pk).exists()
    owner_http.post(f"/clients/{full_client.pk}/delete/")
    assert not Client.objects.filter(pk=full_client.pk).exists()
    assert not Note.objects.filter(client_id=full_client.pk).exists()


def test_the_list_filters_by_status_and_search(owner_http, workspace, full_client):
    Client.objects.create(workspace=workspace, name="Zebra Media")
    full_client.change_status("active")
    page = owner_http.get("/clients/?status=active").content.decode()
    assert "Fullhouse AG" in page and "Zebra Media" not in page
    page = owner_http.get("/clients/?q=frida@full", HTTP_HX_REQUEST="true").content.decode()
    assert "Fullhouse AG" in page and "Zebra Media" not in page and "<html" not in page


def test_amounts_follow_the_ui_language(owner_http, owner, full_client):
    Project.objects.filter(client=full_client).update(amount="1234.50")
    owner.language = "de"
    owner.save()
    assert "1.234,50" in owner_http.get(f"/clients/{full_client.pk}/").content.decode()
    owner.language = "en"
    owner.save()
    assert "€1,234.50" in owner_http.get(f"/clients/{full_client.pk}/").content.decode()


def test_a_client_with_invoices_cannot_be_deleted(owner_http, workspace):
    from rapport.billing import services
    from tests.billing.factories import billable_client, make_billable

    make_billable(workspace)
    client = billable_client(workspace)
    invoice = services.new_draft(workspace, client)
    services.add_line(invoice, "Text", 1, 10)
    services.issue(invoice)
    page = owner_http.post(f"/clients/{client.pk}/delete/", follow=True).content.decode()
    assert "must be kept for eight years" in page
    assert Client.objects.filter(pk=client.pk).exists()


def test_a_new_client_starts_as_active_when_already_working_together(owner_http, workspace,
                                                                      owner):
    form = owner_http.get("/clients/new/").content.decode()
    assert 'name="working_together"' in form and "checked" in form  # asked, yes by default
    owner_http.post("/clients/new/", {
        "kind": "company", "name": "Kranich Verlag", "language": "de",
        "time_zone": "Europe/Berlin", "preferred_channel": "email", "country": "DE",
        "working_together": "on",
    })
    client = Client.objects.get(workspace=workspace, name="Kranich Verlag")
    assert client.status == "active"
    assert client.status_changes.get().changed_by == owner  # on the record like any change
    health = owner_http.get("/health/").content.decode()
    assert "Kranich Verlag" in health


def test_a_new_client_not_yet_working_together_stays_a_prospect(owner_http, workspace):
    owner_http.post("/clients/new/", {
        "kind": "company", "name": "Maybe GmbH", "language": "de",
        "time_zone": "Europe/Berlin", "preferred_channel": "email", "country": "DE",
    })
    client = Client.objects.get(workspace=workspace, name="Maybe GmbH")
    assert client.status == "prospect" and not client.status_changes.exists()


def test_adding_a_client_from_the_invoice_form_returns_to_it_with_the_client_chosen(
        owner_http, workspace):
    page = owner_http.get("/invoices/new/").content.decode()
    assert 'href="/clients/new/?next=/invoices/new/"' in page
    response = owner_http.post("/clients/new/?next=/invoices/new/", {
        "kind": "company", "name": "Kranich Verlag", "language": "de",
        "time_zone": "Europe/Berlin", "preferred_channel": "email", "country": "DE",
        "working_together": "on", "next": "/invoices/new/",
    })
    client = Client.objects.get(workspace=workspace, name="Kranich Verlag")
    assert response["Location"] == f"/invoices/new/?client={client.pk}"
    page = owner_http.get(response["Location"]).content.decode()
    assert f'<option value="{client.pk}" selected>' in page


def test_adding_a_client_never_returns_to_another_site(owner_http, workspace):
    response = owner_http.post("/clients/new/", {
        "kind": "company", "name": "Kranich Verlag", "language": "de",
        "time_zone": "Europe/Berlin", "preferred_channel": "email", "country": "DE",
        "next": "https://evil.example/",
    })
    client = Client.objects.get(workspace=workspace, name="Kranich Verlag")
    assert response["Location"] == f"/clients/{client.pk}/"
