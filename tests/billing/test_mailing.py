"""Sending invoices by email: through a real SMTP server, after commit, in the client's language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext

from rapport.billing import services
from rapport.billing.mailing import PORTAL_LINK_DAYS, send_invoice
from rapport.billing.models import Invoice, InvoiceEvent, PortalLink
from rapport.clients.models import Contact, ContactEmail
from rapport.clients.services import set_contact_emails
from tests.billing.factories import billable_client, make_billable
from tests.billing.smtp import free_port, smtp_server  # noqa: F401

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 2)
BASE_URL = "https://rapport.example/"


@pytest.fixture
def ws(workspace):
    return make_billable(workspace)


def _issued(ws, client) -> Invoice:
    invoice = services.new_draft(ws, client)
    services.add_line(invoice, "Copy editing", "10", "95.00", vat_rate="19")
    return services.issue(invoice, TODAY)  # 950.00 (+ 180.50 VAT in Germany), due 16 March


@pytest.fixture
def german_invoice(ws) -> Invoice:
    client = billable_client(ws)  # Kranich Verlag GmbH, language "de"
    contact = Contact.objects.create(workspace=ws, client=client, name="Frida Kranich")
    set_contact_emails(contact, ["frida@kranich.example"])
    return _issued(ws, client)


@pytest.fixture
def english_invoice(ws) -> Invoice:
    client = billable_client(ws, "Heron Press Ltd", language="en", country="GB",
                             street="1 Quay Street", postal_code="BS1 4DJ", city="Bristol")
    contact = Contact.objects.create(workspace=ws, client=client, name="Accounts")
    set_contact_emails(contact, ["ap@heron.example", "boss@heron.example"])
    return _issued(ws, client)


def _send(invoice: Invoice, capture, **kwargs: object) -> InvoiceEvent:
    kwargs.setdefault("to", [ContactEmail.objects.filter(
        contact__client=invoice.client).values_list("address", flat=True).first()])
    with capture(execute=True) as callbacks:
        event = send_invoice(invoice, base_url=BASE_URL, **kwargs)
    assert len(callbacks) == 1  # the mail is an after-commit side effect
    return event


def _body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_it_delivers_the_pdf_and_a_portal_link_through_smtp(
    smtp_server, english_invoice, django_capture_on_commit_callbacks  # noqa: F811
):
    event = _send(english_invoice, django_capture_on_commit_callbacks,
                  to=["ap@heron.example", "boss@heron.example"],
                  message="Thank you for the smooth project!", sender_name="Olga Owner")

    [delivery] = smtp_server.deliveries
    assert sorted(delivery.rcpt_tos) == ["ap@heron.example", "boss@heron.example"]
    message = delivery.message
    assert message["Subject"] == "Invoice RE-2026-0001 from Studio Nord"
    # The workspace's name, never a name the user typed; "Olga Owner" only signs the text.
    assert message["From"].addresses[0].display_name == "Studio Nord"
    assert "Olga Owner" in _body(message)
    assert str(message["Reply-To"]) == "olga@studio-nord.example"  # answers reach Olga
    body = _body(message)
    link = PortalLink.objects.get(invoice=english_invoice)
    assert f"https://rapport.example{link.get_absolute_url()}" in body
    assert "€950.00" in body and "16 March 2026" in body  # export: no German VAT
    assert "RE-2026-0001" in body
    assert "Thank you for the smooth project!" in body
    assert body.rstrip().endswith("Olga Owner")
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "RE-2026-0001.pdf"
    assert attachment.get_content().startswith(b"%PDF")

    event.refresh_from_db()
    assert event.kind == InvoiceEvent.Kind.SENT
    assert event.detail == "to ap@heron.example, boss@heron.example"
    english_invoice.refresh_from_db()
    assert english_invoice.sent_at == event.at
    assert english_invoice.state == Invoice.State.ISSUED
    expected_expiry = event.at + dt.timedelta(days=PORTAL_LINK_DAYS)
    assert abs(link.expires_at - expected_expiry) < dt.timedelta(seconds=5)


def test_without_an_address_of_the_seller_there_is_no_reply_to(
    smtp_server, ws, django_capture_on_commit_callbacks  # noqa: F811
):
    ws.email = ""
    ws.save(update_fields=["email"])
    client = billable_client(ws)
    contact = Contact.objects.create(workspace=ws, client=client, name="Frida Kranich")
    set_contact_emails(contact, ["frida@kranich.example"])
    _send(_issued(ws, client), django_capture_on_commit_callbacks)
    [delivery] = smtp_server.deliveries
    assert delivery.message["Reply-To"] is None


def test_a_german_client_gets_german_amounts_and_dates(
    smtp_server, german_invoice, django_capture_on_commit_callbacks  # noqa: F811
):
    _send(german_invoice, django_capture_on_commit_callbacks)

    [message] = smtp_server.messages
    body = _body(message)
    assert "1.130,50\xa0€" in body  # German grouping, decimal comma, sign after the amount
    assert "16. März 2026" in body
    assert "€1,130.50" not in body and "March" not in body


def test_a_german_client_gets_german_text(
    smtp_server, german_invoice, django_capture_on_commit_callbacks  # noqa: F811
):
    _send(german_invoice, django_capture_on_commit_callbacks)

    [message] = smtp_server.messages
    with translation.override("de"):
        title = gettext("Invoice")
        greeting = gettext("Hello %(name)s,") % {"name": "Frida Kranich"}
    assert message["Subject"].startswith(f"{title} RE-2026-0001 ")
    assert "from Studio Nord" not in message["Subject"]
    body = _body(message)
    assert body.startswith(greeting)
    assert "please find attached" not in body and "Kind regards" not in body


def test_the_mail_waits_for_the_commit(
    smtp_server, english_invoice, django_capture_on_commit_callbacks  # noqa: F811
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        event = send_invoice(english_invoice, to=["ap@heron.example"], base_url=BASE_URL)
    # Recorded inside the transaction, but nothing has left while it is open.
    assert event.pk and len(callbacks) == 1
    assert smtp_server.messages == []
    callbacks[0]()
    assert len(smtp_server.messages) == 1


@pytest.mark.parametrize("state", ["draft", "cancelled"])
def test_it_refuses_drafts_and_cancelled_invoices(
    smtp_server, ws, english_invoice, django_capture_on_commit_callbacks, state  # noqa: F811
):
    if state == "draft":
        invoice = services.new_draft(ws, english_invoice.client)
        services.add_line(invoice, "More", "1", "10")
    else:
        services.cancel(english_invoice, TODAY)
        invoice = Invoice.objects.get(pk=english_invoice.pk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, \
            pytest.raises(ValidationError):
        send_invoice(invoice, to=["ap@heron.example"], base_url=BASE_URL)
    assert callbacks == []
    assert smtp_server.messages == []
    assert not invoice.events.filter(kind=InvoiceEvent.Kind.SENT).exists()
    assert not PortalLink.objects.filter(invoice=invoice).exists()
    invoice.refresh_from_db()
    assert invoice.sent_at is None


def test_the_cancellation_invoice_can_be_sent_and_asks_for_nothing(
    smtp_server, english_invoice, django_capture_on_commit_callbacks  # noqa: F811
):
    storno = services.cancel(english_invoice, TODAY)
    _send(storno, django_capture_on_commit_callbacks)

    [message] = smtp_server.messages
    assert message["Subject"] == "Cancellation invoice RE-2026-0002 from Studio Nord"
    body = _body(message)
    assert "cancels invoice RE-2026-0001" in body and "nothing to pay" in body
    assert "Please transfer" not in body


@pytest.mark.parametrize("to", [[], ["  "], ["not-an-address"], ["ok@x.example", "x@"]])
def test_it_refuses_missing_or_malformed_addresses(
    smtp_server, english_invoice, django_capture_on_commit_callbacks, to  # noqa: F811
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, \
            pytest.raises(ValidationError):
        send_invoice(english_invoice, to=to, base_url=BASE_URL)
    assert callbacks == [] and smtp_server.messages == []
    assert not english_invoice.events.filter(kind=InvoiceEvent.Kind.SENT).exists()


def test_a_usable_link_is_reused_and_one_about_to_expire_is_not(
    smtp_server, english_invoice, django_capture_on_commit_callbacks  # noqa: F811
):
    _send(english_invoice, django_capture_on_commit_callbacks)
    _send(english_invoice, django_capture_on_commit_callbacks)
    first, second = (_body(m) for m in smtp_server.messages)
    [link] = PortalLink.objects.filter(invoice=english_invoice)
    assert link.get_absolute_url() in first and link.get_absolute_url() in second

    PortalLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() + dt.timedelta(days=3))
    _send(english_invoice, django_capture_on_commit_callbacks)
    newest = PortalLink.objects.filter(invoice=english_invoice).exclude(pk=link.pk).get()
    assert newest.get_absolute_url() in _body(smtp_server.messages[-1])
    assert english_invoice.events.filter(kind=InvoiceEvent.Kind.SENT).count() == 3


def test_a_failed_delivery_is_reported_and_not_recorded_as_sent(
    settings, english_invoice, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port("127.0.0.1")
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    with pytest.raises(ValidationError, match="could not be sent"), \
            django_capture_on_commit_callbacks(execute=True):
        send_invoice(english_invoice, to=["ap@heron.example"], base_url=BASE_URL)
    assert not english_invoice.events.filter(kind=InvoiceEvent.Kind.SENT).exists()
    english_invoice.refresh_from_db()
    assert english_invoice.sent_at is None

