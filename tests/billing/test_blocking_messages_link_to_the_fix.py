"""A refused issue names what is missing and links to the form where it is fixed."""

from __future__ import annotations

import pytest

from rapport.billing import services
from tests.conftest import make_client

pytestmark = pytest.mark.django_db


def test_missing_business_and_client_data_link_to_their_forms(owner_http, workspace):
    client = make_client(workspace)  # no address
    draft = services.new_draft(workspace, client)
    response = owner_http.post(f"/invoices/{draft.pk}/issue/", follow=True)
    page = response.content.decode()
    assert "Your business address is incomplete" in page
    back = f"?next=/invoices/{draft.pk}/"
    assert f'<a href="/workspace/settings/{back}">Open workspace settings</a>' in page
    assert "The client&#x27;s address is incomplete." in page
    assert f'<a href="/clients/{client.pk}/edit/{back}">Edit the client</a>' in page
    assert "The invoice has no lines." in page  # fixed right here: no link needed


def test_the_links_read_in_german(owner_http, workspace, owner):
    owner.language = "de"
    owner.save()
    draft = services.new_draft(workspace, make_client(workspace))
    page = owner_http.post(f"/invoices/{draft.pk}/issue/", follow=True).content.decode()
    assert "Arbeitsbereich-Einstellungen öffnen</a>" in page
    assert "Kunden bearbeiten</a>" in page


def test_fixing_the_client_returns_to_the_invoice(owner_http, workspace):
    client = make_client(workspace)
    draft = services.new_draft(workspace, client)
    form = owner_http.get(f"/clients/{client.pk}/edit/?next=/invoices/{draft.pk}/")
    assert f'name="next" value="/invoices/{draft.pk}/"' in form.content.decode()
    response = owner_http.post(f"/clients/{client.pk}/edit/", {
        "kind": "company", "name": client.name, "language": "de",
        "time_zone": "Europe/Berlin", "preferred_channel": "email", "country": "DE",
        "street": "Am Hafen 5", "postal_code": "20457", "city": "Hamburg",
        "next": f"/invoices/{draft.pk}/",
    })
    assert response["Location"] == f"/invoices/{draft.pk}/"
    client.refresh_from_db()
    assert client.city == "Hamburg"


def test_a_settings_form_never_returns_to_another_site(owner_http, workspace):
    response = owner_http.post("/invoices/settings/", {
        "number_format": "RE-{YYYY}-{seq:04}", "payment_term_days": "14",
        "tax_regime": "standard", "deposit_percent": "50", "retainer_day": "25",
        "next": "//evil.example/",
    })
    assert response["Location"] == "/invoices/settings/"
