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
    assert '<a href="/workspace/settings/">Open workspace settings</a>' in page
    assert "The client&#x27;s address is incomplete." in page
    assert f'<a href="/clients/{client.pk}/edit/">Edit the client</a>' in page
    assert "The invoice has no lines." in page  # fixed right here: no link needed


def test_the_links_read_in_german(owner_http, workspace, owner):
    owner.language = "de"
    owner.save()
    draft = services.new_draft(workspace, make_client(workspace))
    page = owner_http.post(f"/invoices/{draft.pk}/issue/", follow=True).content.decode()
    assert "Arbeitsbereich-Einstellungen öffnen</a>" in page
    assert "Kunden bearbeiten</a>" in page
