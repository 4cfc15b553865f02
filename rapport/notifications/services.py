"""Telling the freelancer what a client did: a dashboard entry and, unless turned off, a mail.

The client's action must never fail because of this: a mail server that refuses is logged
and the entry on the dashboard still appears.
"""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from rapport.agreements.models import ChangeOrder, Proposal
from rapport.billing.models import Invoice
from rapport.core import clock
from rapport.core.models import Membership, Workspace
from rapport.intake.models import Interview
from rapport.notifications.models import Notification, Preference

logger = logging.getLogger(__name__)


def _headline(kind: str, client: str, title: str) -> str:
    """One sentence in the active language."""
    texts = {
        Notification.Kind.VIEWED: _("%(client)s opened the proposal “%(title)s”."),
        Notification.Kind.CHANGES_REQUESTED: _("%(client)s asked for changes to the proposal "
                                               "“%(title)s”."),
        Notification.Kind.ACCEPTED: _("%(client)s accepted the proposal “%(title)s”."),
        Notification.Kind.CHANGE_ACCEPTED: _("%(client)s accepted the change order for "
                                             "“%(title)s”."),
        Notification.Kind.ANSWERED: _("%(client)s answered the questionnaire."),
        Notification.Kind.INVOICE_VIEWED: _("%(client)s opened invoice %(title)s."),
    }
    return texts[kind] % {"client": client, "title": title}


def headline(notification: Notification) -> str:
    return _headline(notification.kind, notification.client.name, notification.subject)


def wants_email(user: object) -> bool:
    preference = Preference.objects.filter(user=user).first()
    return preference.email if preference else True


def on_proposal(proposal: Proposal, kind: str, detail: str = "",
                base_url: str = "") -> Notification | None:
    """Record what the client did with a proposal; a repeated view while the last one is
    unread adds nothing (a client reloading the page is not news)."""
    if kind == Notification.Kind.VIEWED and Notification.objects.filter(
            workspace=proposal.workspace, proposal=proposal, kind=kind,
            read_at__isnull=True).exists():
        return None
    notification = Notification.objects.create(
        workspace=proposal.workspace, kind=kind, client=proposal.client, proposal=proposal,
        subject=proposal.title, detail=detail, url=proposal.get_absolute_url())
    mail_members(notification, base_url)
    return notification


def on_change_order(change: ChangeOrder, base_url: str = "") -> Notification:
    """The client accepted a change order: the contract page has the details."""
    contract = change.contract
    notification = Notification.objects.create(
        workspace=change.workspace, kind=Notification.Kind.CHANGE_ACCEPTED,
        client=contract.client, proposal=contract.proposal, subject=contract.proposal.title,
        detail=change.description, url=contract.get_absolute_url())
    mail_members(notification, base_url)
    return notification


def on_answers(interview: Interview, base_url: str = "") -> Notification | None:
    """A prospect sent the questionnaire; a correction while the last one is unread is
    not news again."""
    url = interview.get_absolute_url()
    if Notification.objects.filter(workspace=interview.workspace, url=url,
                                   kind=Notification.Kind.ANSWERED,
                                   read_at__isnull=True).exists():
        return None
    notification = Notification.objects.create(
        workspace=interview.workspace, kind=Notification.Kind.ANSWERED,
        client=interview.client, subject=interview.client.name[:200], url=url)
    mail_members(notification, base_url)
    return notification


def on_invoice_viewed(invoice: Invoice, base_url: str = "") -> Notification:
    """The client opened an invoice link for the first time (the caller knows it is the
    first view)."""
    notification = Notification.objects.create(
        workspace=invoice.workspace, kind=Notification.Kind.INVOICE_VIEWED,
        client=invoice.client, subject=invoice.number or "", url=invoice.get_absolute_url())
    mail_members(notification, base_url)
    return notification


def mail_members(notification: Notification, base_url: str = "") -> int:
    """Mail every member of the workspace who has not turned it off; returns how many."""
    sent = 0
    memberships = Membership.objects.filter(workspace_id=notification.workspace_id) \
        .select_related("user")
    for membership in memberships:
        user = membership.user
        if not user.is_active or not user.email or not wants_email(user):
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            text = headline(notification)
            body = [text]
            if notification.detail:
                body.append(f"„{notification.detail}“" if user.language == "de"
                            else f"“{notification.detail}”")
            if base_url and notification.url:
                body.append(base_url.rstrip("/") + notification.url)
            body.append(_("You can turn these emails off in your notification settings."))
            message = EmailMessage(subject=text, body="\n\n".join(body) + "\n",
                                   to=[user.email])
        try:
            message.send()
        except (smtplib.SMTPException, OSError) as exc:
            logger.warning("Notification mail to %s failed: %s", user.email, exc)
            continue
        sent += 1
    return sent


def unread(workspace: Workspace) -> QuerySet[Notification]:
    return Notification.objects.filter(workspace=workspace, read_at__isnull=True) \
        .select_related("client")


def mark_read(workspace: Workspace, pk: int | None = None) -> int:
    """Mark one notification (or all) of the workspace read."""
    rows = unread(workspace)
    if pk is not None:
        rows = rows.filter(pk=pk)
    return rows.update(read_at=clock.now())
