"""Sending a proposal to the client by email, so "sent" means the client has it.

The freelancer sees a draft (subject and text in the proposal's language), may edit it,
and sends. The client link is added below the text. Recording the sending (status, link,
timeline note) and the SMTP conversation happen in one transaction: if the mail server
refuses, nothing is recorded and the proposal stays as it was. The mail is plain text
and small, so holding the transaction while it leaves is acceptable.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from dataclasses import dataclass

from babel.dates import format_date
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from rapport.agreements import services
from rapport.agreements.models import AgreementLink, ChangeOrder, Proposal
from rapport.clients import outbound
from rapport.clients.models import Client, Note, OutboundMail
from rapport.core.money import babel_locale


@dataclass(frozen=True)
class Draft:
    """What the preview form starts with."""

    to: list[str]
    subject: str
    body: str


def client_addresses(client: Client) -> list[str]:
    return [address for contact in client.contacts.prefetch_related("emails")
            for address in contact.addresses()]


def _greeting(client: Client) -> str:
    contact = client.contacts.first()
    return _("Hello %(name)s,") % {"name": contact.name} if contact else _("Hello,")


def draft(proposal: Proposal, sender: str = "") -> Draft:
    """Subject and text in the proposal's language, for the freelancer to edit."""
    workspace = proposal.workspace
    signature = sender.strip() or workspace.legal_name or workspace.name
    with translation.override(proposal.language):
        subject = _("Proposal: %(title)s") % {"title": proposal.title}
        body = "\n\n".join([
            _greeting(proposal.client),
            _("as discussed, here is my proposal “%(title)s”. You can read it online, ask "
              "for changes there and accept it with one click. The offer is valid until "
              "%(date)s.") % {"title": proposal.title,
                              "date": format_date(proposal.valid_until, format="long",
                                                  locale=babel_locale(proposal.language))},
            _("Kind regards") + f"\n{signature}",
        ])
    return Draft(to=client_addresses(proposal.client), subject=subject, body=body)


def draft_change_order(change: ChangeOrder, sender: str = "") -> Draft:
    """Subject and text for a change order, in the language of the contract's proposal."""
    proposal = change.contract.proposal
    workspace = change.workspace
    signature = sender.strip() or workspace.legal_name or workspace.name
    with translation.override(proposal.language):
        subject = _("Change order for “%(title)s”") % {"title": proposal.title}
        body = "\n\n".join([
            _greeting(change.contract.client),
            _("as agreed, here is the change order for “%(title)s”: %(description)s. You "
              "can read and accept it online.") % {"title": proposal.title,
                                                   "description": change.description},
            _("Kind regards") + f"\n{signature}",
        ])
    return Draft(to=client_addresses(change.contract.client), subject=subject, body=body)


def link_paragraph(language: str, url: str, label: str = "") -> str:
    with translation.override(language):
        return (label or _("Your proposal online:")) + f"\n{url}"


def _send(client: Client, *, make_link: Callable[[], AgreementLink], language: str,
          link_label: str, note_title: str, kind: str, to: list[str], subject: str,
          body: str, base_url: str, user: object, confirm: bool) -> AgreementLink:
    """Guard, record and send in one transaction; an SMTP failure undoes the record."""
    workspace = client.workspace
    outbound.check_recipients(client, to, confirm=confirm, user=user)
    outbound.check_quota(workspace, len(to))
    try:
        with transaction.atomic():
            link = make_link()
            url = base_url.rstrip("/") + link.get_absolute_url()
            text = body.rstrip() + "\n\n" + link_paragraph(language, url, link_label) + "\n"
            message = EmailMessage(subject=subject, body=text, to=to,
                                   from_email=outbound.from_address(workspace),
                                   reply_to=outbound.reply_to_for(workspace, user) or None)
            Note.objects.create(
                workspace=workspace, client=client, kind=Note.Kind.NOTE,
                created_by=user if getattr(user, "pk", None) else None,
                text=f"{note_title} — {subject}\n{', '.join(to)}\n\n{text}")
            outbound.send(message, workspace=workspace, kind=kind)
    except services.AcceptanceRefused as exc:
        raise ValidationError(str(exc)) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise ValidationError(
            _("The email could not be sent (%(reason)s). Nothing was marked as sent; "
              "please try again later.") % {"reason": exc}) from exc
    return link


def send_proposal(proposal: Proposal, *, to: list[str], subject: str, body: str,
                  base_url: str, user: object = None, confirm: bool = False) -> AgreementLink:
    """Email the proposal's client link; only a mail that left is recorded as sent.

    Refuses addresses that are not the client's (unless confirmed), an exhausted hourly
    quota and a withdrawn proposal with a ValidationError; an SMTP failure becomes a
    ValidationError naming the reason, with the proposal left unsent.
    """
    try:
        return _send(proposal.client, make_link=lambda: services.send(proposal),
                     language=proposal.language, link_label="",
                     note_title=_("Proposal sent by email"), kind=OutboundMail.Kind.PROPOSAL, to=to,
                     subject=subject, body=body, base_url=base_url, user=user,
                     confirm=confirm)
    finally:
        proposal.refresh_from_db()


def send_change_order(change: ChangeOrder, *, to: list[str], subject: str, body: str,
                      base_url: str, user: object = None,
                      confirm: bool = False) -> AgreementLink:
    """Email a change order's client link; as `send_proposal`, "sent" only once it left."""
    language = change.contract.proposal.language
    with translation.override(language):
        label = _("The change order online:")
    try:
        return _send(change.contract.client, make_link=lambda: services.send_change_order(change),
                     language=language, link_label=label,
                     note_title=_("Change order sent by email"),
                     kind=OutboundMail.Kind.CHANGE_ORDER, to=to,
                     subject=subject, body=body, base_url=base_url, user=user,
                     confirm=confirm)
    finally:
        change.refresh_from_db()
