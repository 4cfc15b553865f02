"""Scripts: shipped DE + EN, filled in, editable per workspace, sent and recorded."""

import pytest
from django.core import mail

from rapport.clients.models import Note
from rapport.health import scripts
from rapport.health.models import Script

pytestmark = pytest.mark.django_db

KEYS = {"office_hours_reminder", "back_to_agenda", "late_fee_policy", "change_order_offer",
        "check_in", "another_contact", "pause_until_inputs", "termination", "handover",
        "decline_prospect", "recurring_extra_change_order", "recurring_extra_rate_increase"}


def test_every_shipped_script_exists_in_both_languages():
    data = scripts.shipped()
    assert set(data) == KEYS
    for texts in data.values():
        assert set(texts) == {"de", "en"}
        assert all(texts[lang]["body"] and texts[lang]["subject"] for lang in texts)


def test_fill_uses_client_and_workspace_data(full_client):
    context = scripts.context_for(full_client, "Olga", language="en")
    text = scripts.fill(scripts.get_script(full_client.workspace, "office_hours_reminder",
                                           "en").body, context)
    assert "Hello Frida" in text
    assert "Mon–Fri 09:00-12:00, 13:00-17:00" in text
    assert "{" not in text
    assert scripts.fill("{unknown} {client}", context) == "{unknown} Fullhouse AG"


def test_a_workspace_copy_replaces_the_shipped_text(workspace):
    Script.objects.create(workspace=workspace, key="check_in", language="en",
                          title="My check-in", subject="Hi", body="Hi {contact}")
    Script.objects.create(workspace=workspace, key="thanks", language="en",
                          title="Thank you", subject="Thanks", body="Thanks")
    library = {s.key: s for s in scripts.library(workspace, "en")}
    assert library["check_in"].title == "My check-in" and library["check_in"].custom
    assert "thanks" in library and len(library) == len(KEYS) + 1


def test_preview_send_and_record_on_the_timeline(owner_http, full_client):
    url = f"/health/clients/{full_client.pk}/script/?key=check_in&language=en"
    page = owner_http.get(url).content.decode()
    assert "frida@fullhouse.example" in page and "Hello Frida" in page
    response = owner_http.post(url, {"to": "frida@fullhouse.example", "subject": "Check-in",
                                     "body": "Hello Frida, all well?"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["frida@fullhouse.example"]
    note = Note.objects.filter(client=full_client).first()
    assert note.kind == Note.Kind.NOTE and "all well?" in note.text


def test_sending_refuses_bad_addresses(owner_http, full_client):
    url = f"/health/clients/{full_client.pk}/script/?key=check_in"
    response = owner_http.post(url, {"to": "not an address", "subject": "S", "body": "B"})
    assert response.status_code == 200
    assert not mail.outbox


def test_script_pages_edit_a_copy_and_delete_it(owner_http, workspace):
    page = owner_http.get("/health/scripts/new/?key=handover&language=de").content.decode()
    assert "Übergabeschreiben" in page
    response = owner_http.post("/health/scripts/new/", {
        "key": "handover", "language": "de", "title": "Meine Übergabe", "subject": "Ü",
        "body": "Text"})
    assert response.status_code == 302
    own = Script.objects.get(workspace=workspace)
    assert "Meine Übergabe" in owner_http.get("/health/scripts/?language=de").content.decode()
    owner_http.post(f"/health/scripts/{own.pk}/delete/")
    assert not Script.objects.filter(workspace=workspace).exists()
