"""Mail sent from the app reaches only the client's people, in moderation, under the
workspace's own name — the operator's SMTP server is nobody's relay. Through a real
SMTP server (aiosmtpd)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient

from rapport.billing import services as billing
from rapport.billing.models import InvoiceEvent
from rapport.clients.models import ConfirmedRecipient
from rapport.health.scripts import send_script
from tests.billing.factories import billable_client, make_billable
from tests.billing.smtp import smtp_server  # noqa: F401

pytestmark = pytest.mark.django_db


def _script_url(client):
    return f"/health/clients/{client.pk}/script/?key=check_in&language=en"


def _post_script(http, client, to, **extra):
    return http.post(_script_url(client), {"to": to, "subject": "Check-in",
                                           "body": "All well?", **extra})


def test_a_script_to_a_stranger_is_refused_naming_the_address(
        owner_http, full_client, smtp_server):  # noqa: F811
    response = _post_script(owner_http, full_client, "victim@elsewhere.example")
    page = response.content.decode()
    assert response.status_code == 200
    assert "victim@elsewhere.example is not a contact address of Fullhouse AG" in page
    assert smtp_server.messages == []


def test_a_confirmed_address_is_sent_to_and_remembered_for_the_client(
        owner_http, full_client, smtp_server):  # noqa: F811
    response = _post_script(owner_http, full_client, "assistant@fullhouse.example",
                            confirm="on")
    assert response.status_code == 302
    assert ConfirmedRecipient.objects.filter(client=full_client,
                                             address="assistant@fullhouse.example").exists()
    # Next time no confirmation is needed.
    assert _post_script(owner_http, full_client, "assistant@fullhouse.example"
                        ).status_code == 302
    assert [d.rcpt_tos for d in smtp_server.deliveries] == [
        ["assistant@fullhouse.example"]] * 2


def test_the_sender_name_is_the_workspace_and_replies_go_to_the_user(
        owner, owner_http, full_client, smtp_server):  # noqa: F811
    owner.name = "PayPal Security Team"
    owner.save()
    _post_script(owner_http, full_client, "frida@fullhouse.example")
    [message] = smtp_server.messages
    assert message["From"].addresses[0].display_name == "Studio Nord"
    assert message["Reply-To"].addresses[0].addr_spec == "owner@example.com"


def test_the_hourly_limit_stops_a_workspace_with_a_clear_message(
        settings, owner_http, full_client, smtp_server):  # noqa: F811
    settings.MAIL_LIMIT_PER_HOUR = 2
    for _ in range(2):
        assert _post_script(owner_http, full_client, "frida@fullhouse.example"
                            ).status_code == 302
    response = _post_script(owner_http, full_client, "frida@fullhouse.example")
    assert "may send to 2 recipients per hour" in response.content.decode()
    assert "try again after" in response.content.decode()
    assert len(smtp_server.messages) == 2


def test_a_line_break_in_the_subject_is_refused_by_the_form_and_the_service(
        owner_http, full_client, smtp_server):  # noqa: F811
    response = _post_script(owner_http, full_client, "frida@fullhouse.example",
                            subject="Hi\r\nBcc: many@elsewhere.example")
    assert response.status_code == 200
    assert "The subject must be a single line." in response.content.decode()
    with pytest.raises(ValidationError, match="line break"):
        send_script(full_client, subject="Hi\nBcc: x@elsewhere.example", body="B",
                    to=["frida@fullhouse.example"], title="T")
    assert smtp_server.messages == []


def test_an_invoice_to_a_stranger_is_refused_and_not_recorded_as_sent(
        owner_http, workspace, smtp_server, django_capture_on_commit_callbacks):  # noqa: F811
    make_billable(workspace)
    client = billable_client(workspace)
    invoice = billing.new_draft(workspace, client)
    billing.add_line(invoice, "Work", 1, "100.00")
    invoice = billing.issue(invoice, dt.date(2026, 3, 2))
    response = owner_http.post(f"/invoices/{invoice.pk}/send/",
                               {"to": "victim@elsewhere.example"}, follow=True,
                               HTTP_HOST="rapport.example")
    assert "victim@elsewhere.example is not a contact address of Kranich Verlag GmbH" in (
        response.content.decode())
    assert smtp_server.messages == []
    assert not invoice.events.filter(kind=InvoiceEvent.Kind.SENT).exists()
    with django_capture_on_commit_callbacks(execute=True):
        owner_http.post(f"/invoices/{invoice.pk}/send/",
                        {"to": "victim@elsewhere.example", "confirm": "on"},
                        HTTP_HOST="rapport.example")
    [message] = smtp_server.messages
    assert message["From"].addresses[0].display_name == "Studio Nord"
    assert message["Reply-To"].addresses[0].addr_spec == "owner@example.com"


def _confirm_once(http, client, address):
    assert _post_script(http, client, address, confirm="on").status_code == 302
    return ConfirmedRecipient.objects.get(client=client, address=address)


def test_the_client_page_lists_confirmed_addresses_with_a_way_to_remove_them(
        owner_http, full_client, smtp_server):  # noqa: F811
    recipient = _confirm_once(owner_http, full_client, "assistant@fullhouse.example")
    page = owner_http.get(f"/clients/{full_client.pk}/").content.decode()
    assert "Confirmed addresses" in page
    assert "assistant@fullhouse.example" in page
    assert f"/clients/{full_client.pk}/confirmed/{recipient.pk}/delete/" in page


def test_removing_a_confirmed_address_asks_first_then_needs_a_new_confirmation(
        owner_http, full_client, smtp_server):  # noqa: F811
    recipient = _confirm_once(owner_http, full_client, "assistant@fullhouse.example")
    url = f"/clients/{full_client.pk}/confirmed/{recipient.pk}/delete/"
    question = owner_http.get(url)
    assert "Remove the confirmed address “assistant@fullhouse.example”?" in (
        question.content.decode())
    assert ConfirmedRecipient.objects.filter(pk=recipient.pk).exists()

    assert owner_http.post(url).status_code == 302
    assert not ConfirmedRecipient.objects.filter(pk=recipient.pk).exists()
    refused = _post_script(owner_http, full_client, "assistant@fullhouse.example")
    assert "is not a contact address of Fullhouse AG" in refused.content.decode()
    assert len(smtp_server.messages) == 1


def test_another_workspace_cannot_remove_a_confirmed_address(
        owner_http, outsider, full_client, smtp_server):  # noqa: F811
    recipient = _confirm_once(owner_http, full_client, "assistant@fullhouse.example")
    stranger = HttpClient()
    stranger.force_login(outsider)
    response = stranger.post(f"/clients/{full_client.pk}/confirmed/{recipient.pk}/delete/")
    assert response.status_code == 404
    assert ConfirmedRecipient.objects.filter(pk=recipient.pk).exists()
