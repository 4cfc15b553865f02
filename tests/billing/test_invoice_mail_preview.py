"""The invoice email is previewed and can be changed before it leaves; the client's
timeline keeps what was sent."""

from __future__ import annotations

import datetime as dt

import pytest

from rapport.billing import services
from rapport.billing.models import InvoiceEvent, PortalLink
from rapport.clients.models import Contact, Note
from rapport.clients.services import set_contact_emails
from tests.billing.factories import billable_client, make_billable
from tests.billing.smtp import smtp_server  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def invoice(workspace):
    ws = make_billable(workspace)
    client = billable_client(ws, "Heron Press Ltd", language="en", country="GB",
                             street="1 Quay Street", postal_code="BS1 4DJ", city="Bristol")
    contact = Contact.objects.create(workspace=ws, client=client, name="Accounts")
    set_contact_emails(contact, ["ap@heron.example"])
    draft = services.new_draft(ws, client)
    services.add_line(draft, "Copy editing", "10", "95.00", vat_rate="19")
    return services.issue(draft, dt.date(2026, 3, 2))


@pytest.fixture
def owner_http(owner_http):
    owner_http.defaults["HTTP_HOST"] = "rapport.example"  # a host a client could open
    return owner_http


def _body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_the_preview_shows_the_real_email_and_the_changed_text_is_what_leaves(
        smtp_server, owner_http, invoice):  # noqa: F811
    preview = owner_http.get(f"/invoices/{invoice.pk}/send/",
                             {"message": "Thanks for a smooth project!"})
    form = preview.context["form"]
    link = PortalLink.objects.get(invoice=invoice)
    assert form.initial["to"] == "ap@heron.example"
    assert form.initial["subject"] == "Invoice RE-2026-0001 from Studio Nord"
    assert f"http://rapport.example{link.get_absolute_url()}" in form.initial["body"]
    assert "Thanks for a smooth project!" in form.initial["body"]
    assert smtp_server.messages == []  # a preview sends nothing

    body = form.initial["body"].replace("Hello Accounts,", "Dear Ms Heron,")
    response = owner_http.post(f"/invoices/{invoice.pk}/send/", {
        "to": "ap@heron.example", "subject": "Your invoice for March", "body": body})
    assert response.status_code == 302
    [message] = smtp_server.messages
    assert message["Subject"] == "Your invoice for March"
    assert _body(message).startswith("Dear Ms Heron,")
    assert f"http://rapport.example{link.get_absolute_url()}" in _body(message)
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "RE-2026-0001.pdf"
    assert PortalLink.objects.filter(invoice=invoice).count() == 1  # the previewed link

    note = Note.objects.get(client=invoice.client)
    assert note.text.startswith("Invoice sent by email RE-2026-0001 — Your invoice for March")
    assert "Dear Ms Heron," in note.text and "ap@heron.example" in note.text
    assert invoice.events.filter(kind=InvoiceEvent.Kind.SENT).exists()
    page = owner_http.get(invoice.client.get_absolute_url()).content.decode()
    assert "Your invoice for March" in page


def test_an_empty_text_or_a_two_line_subject_is_refused_and_nothing_is_sent(
        smtp_server, owner_http, invoice):  # noqa: F811
    response = owner_http.post(f"/invoices/{invoice.pk}/send/", {
        "to": "ap@heron.example", "subject": "A\nB", "body": ""})
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "subject" in errors and "body" in errors
    assert response.context["form"]["to"].value() == "ap@heron.example"  # nothing lost
    assert smtp_server.messages == [] and not Note.objects.exists()


def test_a_failed_delivery_leaves_no_note_on_the_timeline(settings, owner_http, invoice):
    from tests.billing.smtp import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port("127.0.0.1")
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    response = owner_http.post(f"/invoices/{invoice.pk}/send/", {
        "to": "ap@heron.example", "subject": "Invoice", "body": "Hello"})
    assert "could not be sent" in response.content.decode()
    assert not Note.objects.exists()
    assert not invoice.events.filter(kind=InvoiceEvent.Kind.SENT).exists()


def test_a_draft_has_no_email_preview(owner_http, workspace):
    ws = make_billable(workspace)
    draft = services.new_draft(ws, billable_client(ws))
    response = owner_http.get(f"/invoices/{draft.pk}/send/", follow=True)
    assert "A draft cannot be sent; issue it first." in response.content.decode()
