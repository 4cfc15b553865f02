"""Messages: one raw message imported the way an uploaded .eml is, then listed."""

import pytest

from rapport.clients.models import ClientDomain
from rapport.comms.models import Message
from tests.signals.helpers import message

pytestmark = pytest.mark.django_db

RAW = ("From: Anna Kranich <anna@kranich.example>\r\nTo: me@studio.example\r\n"
       "Subject: Angebot\r\nMessage-ID: <a1@kranich.example>\r\n"
       "Date: Tue, 03 Nov 2026 23:40:00 +0100\r\n\r\nBitte bis morgen, dringend!\r\n")


def test_an_imported_message_is_stored_once_and_linked_to_its_client(writer, client_obj):
    ClientDomain.objects.create(workspace=client_obj.workspace, client=client_obj,
                                domain="kranich.example")
    first = writer.post("messages/import", {"raw": RAW})
    assert first.status_code == 201
    body = first.json()
    assert body["imported"] and not body["duplicate"]
    assert body["message"]["client_id"] == client_obj.pk
    assert body["message"]["subject"] == "Angebot"
    assert body["message"]["date"] == "2026-11-03T22:40:00Z"
    again = writer.post("messages/import", {"raw": RAW})
    assert again.status_code == 200 and again.json()["duplicate"]
    assert Message.objects.count() == 1


def test_a_latin_1_message_comes_through_base64_unchanged(writer):
    import base64

    raw = ("From: kunde@example.com\r\nSubject: =?iso-8859-1?q?Gr=FC=DFe?=\r\n"
           "Message-ID: <l1@example.com>\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
           "Date: Tue, 03 Nov 2026 10:00:00 +0100\r\n\r\nSch\xf6ne Gr\xfc\xdfe\r\n"
           ).encode("latin-1")
    response = writer.post("messages/import", {"raw_base64": base64.b64encode(raw).decode()})
    assert response.status_code == 201
    assert response.json()["message"]["subject"] == "Grüße"
    assert response.json()["message"]["body_text"].strip() == "Schöne Grüße"


def test_raw_and_base64_together_or_broken_base64_are_refused(writer):
    for body in ({"raw": RAW, "raw_base64": "QQ=="}, {"raw_base64": "not base64!"}):
        response = writer.post("messages/import", body)
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "invalid"
    assert not Message.objects.exists()


def test_a_message_that_cannot_be_read_is_refused_and_nothing_is_stored(writer):
    response = writer.post("messages/import", {"raw": "just a sentence, no headers"})
    assert response.status_code == 422
    assert response.json()["error"] == {"code": "unreadable", "message": "no headers"}
    assert not Message.objects.exists()
    missing = writer.post("messages/import", {})
    assert missing.status_code == 422
    [error] = missing.json()["error"]["fields"]
    assert error["field"] == "body" and "raw" in error["message"]


def test_a_read_token_cannot_import(reader):
    assert reader.post("messages/import", {"raw": RAW}).status_code == 403
    assert not Message.objects.exists()


def test_messages_are_listed_by_client_and_direction_one_workspace_only(
        reader, client_obj, elsewhere):
    from tests.conftest import make_client

    message(client_obj.workspace, client_obj, "Hallo")
    message(client_obj.workspace, client_obj, "Antwort", outbound=True)
    theirs = message(elsewhere, make_client(elsewhere, "Secret"), "Geheim")
    assert reader.get("messages").json()["count"] == 2
    inbound = reader.get("messages", client_id=client_obj.pk, direction="in").json()
    assert [m["body_text"] for m in inbound["items"]] == ["Hallo"]
    assert reader.get(f"messages/{theirs.pk}").status_code == 404
