"""The offboarding pages as a signed-in user meets them: confirmations, refusals that
change nothing, downloads that are real files."""

from __future__ import annotations

import io
import json
import zipfile
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rapport.clients.models import Client
from rapport.offboarding.models import ChecklistItem, Erasure, Procedure, Screenshot
from tests.offboarding.factories import ending_client
from tests.offboarding.isolation import PNG

pytestmark = pytest.mark.django_db
Kind = ChecklistItem.Kind


@pytest.fixture
def ending(workspace):
    return ending_client(workspace)


def test_the_client_page_offers_offboarding_and_asks_before_starting(owner_http, ending):
    client = ending.client
    page = owner_http.get(client.get_absolute_url()).content.decode()
    assert f'href="/offboarding/{client.pk}/start/"' in page
    confirm = owner_http.get(f"/offboarding/{client.pk}/start/").content.decode()
    assert "Start offboarding Kranich Verlag GmbH?" in confirm
    client.refresh_from_db()
    assert client.status == Client.Status.ACTIVE  # looking changes nothing
    response = owner_http.post(f"/offboarding/{client.pk}/start/")
    assert response["Location"] == f"/offboarding/{client.pk}/"
    client.refresh_from_db()
    assert client.status == Client.Status.OFFBOARDING


def test_a_skip_without_a_reason_is_refused_and_the_item_stays_open(owner_http, ending):
    client = ending.client
    owner_http.post(f"/offboarding/{client.pk}/start/")
    item = ChecklistItem.objects.get(client=client, kind=Kind.RETURN_FILES)
    response = owner_http.post(f"/offboarding/{client.pk}/items/{item.pk}/skip/",
                               {"reason": " "}, follow=True)
    assert "Say why you skip this item." in response.content.decode()
    item.refresh_from_db()
    assert item.state == "open"


def test_finishing_early_says_how_many_items_are_open(owner_http, ending, owner):
    owner.language = "de"
    owner.save()
    client = ending.client
    owner_http.post(f"/offboarding/{client.pk}/start/")
    page = owner_http.post(f"/offboarding/{client.pk}/finish/", follow=True).content.decode()
    assert "10 Punkte sind noch offen" in page
    client.refresh_from_db()
    assert client.status == Client.Status.OFFBOARDING


def test_a_screenshot_must_be_an_image(owner_http, ending):
    client = ending.client
    procedure = Procedure.objects.create(workspace=client.workspace, client=client,
                                         title="Deploy", steps="1. Push")
    url = f"/offboarding/{client.pk}/handover/{procedure.pk}/"
    fake = SimpleUploadedFile("shot.png", b"GIF89a not really", content_type="image/png")
    page = owner_http.post(url, {"image": fake, "caption": "Der Knopf"}).content.decode()
    assert "The screenshot must be a PNG or JPEG image." in page
    assert "Der Knopf" in page  # what was typed is kept
    assert not Screenshot.objects.exists()
    real = SimpleUploadedFile("shot.png", PNG, content_type="image/png")
    owner_http.post(url, {"image": real, "caption": "Der Knopf"})
    assert Screenshot.objects.get().caption == "Der Knopf"


def test_the_handover_pdf_and_the_export_are_real_files(owner_http, ending):
    client = ending.client
    pdf = owner_http.get(f"/offboarding/{client.pk}/handover/pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    export = owner_http.get(f"/offboarding/{client.pk}/personal-data/export")
    assert export["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(export.streaming_content)))
    assert json.loads(archive.read("data.json"))["client"][0]["name"] == client.name


def test_erasure_refuses_a_wrong_name_and_erases_with_the_right_one(owner_http, ending):
    client = ending.client
    url = f"/offboarding/{client.pk}/personal-data/erase/"
    response = owner_http.post(url, {"name": "Kranich"})
    assert response.status_code == 422
    assert "That is not the client's name; nothing was erased." in unescape(
        response.content.decode())
    assert not Erasure.objects.exists()
    assert client.contacts.exists()
    response = owner_http.post(url, {"name": "kranich verlag gmbh"}, follow=True)
    assert "The client's personal data is erased." in unescape(response.content.decode())
    assert Erasure.objects.filter(client=client).exists()
    assert not client.contacts.exists()
