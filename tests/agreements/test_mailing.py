"""A proposal goes out by email from the app; "sent" means the mail left."""

import pytest
from babel.dates import format_date

from rapport.agreements.models import AgreementLink, Proposal
from rapport.clients.models import Contact, ContactEmail, Note
from tests.agreements.factories import make_proposal
from tests.billing.factories import billable_client, make_billable
from tests.billing.smtp import free_port, smtp_server  # noqa: F401

pytestmark = pytest.mark.django_db


def _client(workspace, language="en"):
    make_billable(workspace)
    client = billable_client(workspace, "Kranich Verlag GmbH", language=language)
    contact = Contact.objects.create(workspace=workspace, client=client, name="Klara Kranich")
    ContactEmail.objects.create(workspace=workspace, contact=contact,
                                address="klara@kranich.example")
    return client


def test_the_preview_offers_subject_and_text_in_the_clients_language(owner_http, workspace):
    proposal = make_proposal(_client(workspace), title="Autumn catalogue")
    proposal.language = "de"
    proposal.save()
    form = owner_http.get(f"/proposals/{proposal.pk}/send/").context["form"]
    assert form.initial["to"] == "klara@kranich.example"
    assert form.initial["subject"] == "Angebot: Autumn catalogue"
    assert form.initial["body"].startswith("Guten Tag Klara Kranich,")
    german_date = format_date(proposal.valid_until, format="long", locale="de_DE")
    assert f"Das Angebot gilt bis {german_date}." in form.initial["body"]
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT


def test_sending_mails_the_link_with_reply_to_the_freelancer_and_records_it(
    smtp_server, owner_http, owner, workspace  # noqa: F811
):
    client = _client(workspace)
    proposal = make_proposal(client, title="Autumn catalogue")
    response = owner_http.post(f"/proposals/{proposal.pk}/send/", {
        "to": "klara@kranich.example", "subject": "Our proposal",
        "body": "Hello Klara,\n\nhere it is, edited by me."})
    assert response.status_code == 302
    [delivery] = smtp_server.deliveries
    message = delivery.message
    link = AgreementLink.objects.get(proposal=proposal)
    body = message.get_content()
    assert delivery.rcpt_tos == ["klara@kranich.example"]
    assert message["Subject"] == "Our proposal"
    assert message["Reply-To"] == owner.email
    assert "edited by me." in body and link.get_absolute_url() in body
    assert body.index("edited by me.") < body.index(link.get_absolute_url())
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SENT
    note = Note.objects.get(client=client)
    assert "Our proposal" in note.text and "klara@kranich.example" in note.text


def test_a_refusing_mail_server_leaves_the_proposal_unsent_and_says_why(
    settings, owner_http, workspace
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port("127.0.0.1")
    settings.EMAIL_TIMEOUT = 5
    client = _client(workspace)
    proposal = make_proposal(client)
    response = owner_http.post(f"/proposals/{proposal.pk}/send/", {
        "to": "klara@kranich.example", "subject": "Our proposal", "body": "Hello"})
    assert response.status_code == 200
    assert "The email could not be sent" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT
    assert not AgreementLink.objects.filter(proposal=proposal).exists()
    assert not Note.objects.filter(client=client).exists()


def test_an_address_that_is_not_the_clients_needs_a_confirmation(
    smtp_server, owner_http, workspace  # noqa: F811
):
    proposal = make_proposal(_client(workspace))
    response = owner_http.post(f"/proposals/{proposal.pk}/send/", {
        "to": "someone@elsewhere.example", "subject": "Our proposal", "body": "Hello"})
    assert response.status_code == 200 and smtp_server.messages == []
    assert "is not a contact address" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT


def test_a_change_order_is_mailed_in_the_contracts_language_and_only_then_sent(
    smtp_server, owner_http, workspace  # noqa: F811
):
    from rapport.agreements import services
    from tests.agreements.factories import EVIDENCE

    client = _client(workspace)
    proposal = make_proposal(client, title="Autumn catalogue")
    services.send(proposal)
    version = proposal.current_version
    contract = services.accept(proposal, version.number, version.sha256, EVIDENCE)
    change = services.new_change_order(contract, "Ten extra captions", "150", None)
    form = owner_http.get(f"/proposals/changes/{change.pk}/send/").context["form"]
    assert form.initial["subject"] == "Change order for “Autumn catalogue”"
    assert "Ten extra captions" in form.initial["body"]
    change.refresh_from_db()
    assert change.status == "draft"
    response = owner_http.post(f"/proposals/changes/{change.pk}/send/", {
        "to": form.initial["to"], "subject": form.initial["subject"],
        "body": form.initial["body"]})
    assert response.status_code == 302
    [message] = smtp_server.messages
    link = AgreementLink.objects.get(change_order=change)
    assert "The change order online:" in message.get_content()
    assert link.get_absolute_url() in message.get_content()
    change.refresh_from_db()
    assert change.status == "sent"
    assert Note.objects.filter(client=client, text__contains="Change order sent by email")
