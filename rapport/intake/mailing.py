"""Sending the questionnaire link from Rapport instead of the user's own mail program."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.utils.translation import gettext as _

from rapport.clients import outbound
from rapport.clients.models import Note, OutboundMail
from rapport.intake import services
from rapport.intake.models import Interview


def send_invitation(interview: Interview, *, to: list[str], subject: str, body: str,
                    user: object = None, confirm: bool = False) -> Note:
    """Mail the invitation (its text carries the link) and note it on the timeline.

    Only a mail that left is noted: the recipient guard, the hourly quota and a refusing
    mail server all raise a ValidationError before anything is recorded.
    """
    if not interview.link_is_usable():
        raise ValidationError(_("This questionnaire link no longer works; create a new one."))
    client = interview.client
    workspace = interview.workspace
    outbound.check_recipients(client, to, confirm=confirm, user=user)
    outbound.check_quota(workspace, len(to))
    message = EmailMessage(subject=subject, body=body, to=to,
                           from_email=outbound.from_address(workspace),
                           reply_to=outbound.reply_to_for(workspace, user) or None)
    try:
        outbound.send(message, workspace=workspace, kind=OutboundMail.Kind.QUESTIONNAIRE)
    except OSError as exc:  # smtplib.SMTPException is an OSError
        raise ValidationError(
            _("The email could not be sent (%(reason)s). Nothing was marked as sent; "
              "please try again later.") % {"reason": exc}) from exc
    services.mark_sent(interview)
    return Note.objects.create(
        workspace=workspace, client=client, kind=Note.Kind.NOTE,
        created_by=user if getattr(user, "pk", None) else None,
        text=f"{_('Questionnaire sent by email')} — {subject}\n{', '.join(to)}\n\n{body}")
