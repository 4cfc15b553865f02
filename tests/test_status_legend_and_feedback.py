"""Coloured status badges come with a legend; dismissing a signal and sending a script
say what happened."""

from __future__ import annotations

import pytest
from django.core import mail

from rapport.billing.models import Invoice
from rapport.clients.models import Client
from rapport.signals import services as signals
from tests.conftest import make_client
from tests.signals.helpers import at, message

pytestmark = pytest.mark.django_db


def _legend(page: str, kind: str) -> str:
    return page.split(f'data-testid="legend-{kind}"')[1].split("</details>")[0]


def test_the_client_list_explains_every_status_colour(owner_http, workspace):
    make_client(workspace, "Acme")
    legend = _legend(owner_http.get("/clients/").content.decode(), "client")
    for value, label in Client.Status.choices:
        assert f'<span class="badge status-{value}">{label}</span>' in legend
    assert "you are working together; counts in health" in legend


def test_the_invoice_list_explains_every_payment_colour_in_german(owner_http, owner):
    owner.language = "de"
    owner.save()
    legend = _legend(owner_http.get("/invoices/").content.decode(), "payment")
    assert len(Invoice.PaymentStatus.choices) == legend.count('class="badge pay-')
    assert "Fälligkeit überschritten und nicht vollständig bezahlt" in legend


def test_the_client_page_explains_both_kinds_of_badges(owner_http, workspace):
    client = make_client(workspace, "Acme")
    page = owner_http.get(client.get_absolute_url()).content.decode()
    assert 'data-testid="legend-client"' in page and 'data-testid="legend-payment"' in page


def test_dismissing_a_signal_says_so_on_the_page_it_returns_to(owner_http, workspace):
    client = make_client(workspace, "Feinkost Valentin")
    msg = message(workspace, client, "Das ist uns zu teuer.", at(2026, 11, 4, 10))
    [signal] = signals.detect_for_message(msg)
    back = f"/inbox/messages/{msg.pk}/"
    page = owner_http.post(f"/signals/{signal.pk}/dismiss/", {"next": back},
                           follow=True)
    assert page.redirect_chain[-1][0] == back
    assert "Marked as not a red flag. It no longer counts." in page.content.decode()


def test_sending_a_script_says_so_on_the_client_health_page(owner_http, full_client):
    url = f"/health/clients/{full_client.pk}/script/?key=check_in&language=en"
    page = owner_http.post(url, {"to": "frida@fullhouse.example", "subject": "Check-in",
                                 "body": "Hello Frida, all well?"}, follow=True)
    assert len(mail.outbox) == 1
    assert "Sent and recorded on the client&#x27;s timeline." in page.content.decode()
