"""Invitations to a workspace: the way in when sign-up is closed (`SIGNUP_OPEN=false`)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from rapport.accounts import throttle
from rapport.accounts.models import Invitation, User
from rapport.clients import outbound
from rapport.clients.models import OutboundMail
from rapport.core import clock
from rapport.core.models import Membership, Workspace

VALID_DAYS = 14


def may_invite(user: User, workspace: Workspace) -> bool:
    return Membership.objects.filter(workspace=workspace, user=user,
                                     role=Membership.Role.OWNER).exists()


def invite(workspace: Workspace, email: str, *, invited_by: User, base_url: str,
           ip: str = "") -> Invitation:
    """Create the invitation and mail its link; refused for non-owners, for people who
    are members already and above the hourly limits."""
    email = email.strip().lower()
    if not may_invite(invited_by, workspace):
        raise ValidationError(_("Only an owner of the workspace can invite people."))
    if Membership.objects.filter(workspace=workspace, user__email__iexact=email).exists():
        raise ValidationError(_("%(email)s is already a member of this workspace.")
                              % {"email": email})
    if not throttle.allow("invitation", {email: throttle.per_address(),
                                         ip: throttle.per_ip()}):
        raise ValidationError(_("Too many invitation emails in the last hour; please try "
                                "again later."))
    outbound.check_quota(workspace, 1)
    now = clock.now()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            workspace=workspace, email=email, invited_by=invited_by,
            expires_at=now + dt.timedelta(days=VALID_DAYS))
    url = base_url.rstrip("/") + reverse("accounts:invitation", args=[invitation.token])
    with translation.override(invited_by.language or workspace.language):
        context = {"workspace": workspace, "inviter": invited_by, "url": url,
                   "expires_at": invitation.expires_at}
        subject = _("Invitation to join %(workspace)s on Rapport") % {
            "workspace": outbound.sender_name(workspace)}
        body = render_to_string("accounts/invitation_email.txt", context)
    message = EmailMessage(subject=subject, body=body, to=[email],
                           from_email=outbound.from_address(workspace),
                           reply_to=outbound.reply_to_for(workspace, invited_by) or None)
    outbound.send(message, workspace=workspace, kind=OutboundMail.Kind.INVITATION)
    return invitation


def usable(token: str) -> Invitation | None:
    invitation = (Invitation.objects.select_related("workspace").filter(token=token).first()
                  if token else None)
    return invitation if invitation and invitation.is_usable() else None


def accept(invitation: Invitation, user: User) -> Membership:
    """Make the invited person a member; only the address the invitation went to."""
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(_("This invitation is for %(email)s. Log in with that address "
                                "to accept it.") % {"email": invitation.email})
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_usable():
            raise ValidationError(_("This invitation has been used, withdrawn or has "
                                    "expired."))
        membership, _created = Membership.objects.get_or_create(
            workspace=locked.workspace, user=user,
            defaults={"role": Membership.Role.MEMBER})
        locked.accepted_at = clock.now()
        locked.save(update_fields=["accepted_at"])
    return membership


def revoke(invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        revoked_at=clock.now())
