"""Mail the app sends for a workspace goes only to the client's people, in moderation,
under the workspace's own name.

The operator's SMTP server sends in the operator's name, so a user must not be able to
turn it into a relay: every email a user triggers (scripts, invoices) goes only to the
client's contact addresses or an address the user confirmed once for that client; a
workspace sends at most `MAIL_LIMIT_PER_HOUR` recipients per hour; the From display name
is the workspace's own name (never free text) and replies go to the user.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import BadHeaderError, EmailMessage
from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rapport.clients.models import Client, ConfirmedRecipient, ContactEmail, OutboundMail
from rapport.core import clock
from rapport.core.models import Workspace


class RecipientsRefused(ValidationError):
    """Some addresses are not the client's; `unknown` lists them for a confirmation."""

    def __init__(self, client: Client, unknown: list[str]) -> None:
        self.unknown = unknown
        super().__init__(ngettext(
            "%(addresses)s is not a contact address of %(client)s. Check it, then tick "
            "“Send to new addresses too” to confirm it once; it is remembered for this "
            "client.",
            "%(addresses)s are not contact addresses of %(client)s. Check them, then tick "
            "“Send to new addresses too” to confirm them once; they are remembered for this "
            "client.", len(unknown)) % {"addresses": ", ".join(unknown), "client": client.name})


def known_addresses(client: Client) -> set[str]:
    """The client's contact addresses and those confirmed for it, in lower case."""
    known = set(ContactEmail.objects.filter(contact__client=client)
                .values_list("address", flat=True))
    known |= set(client.confirmed_recipients.values_list("address", flat=True))
    return {address.lower() for address in known}


def unknown_recipients(client: Client, addresses: Iterable[str],
                       also_known: Iterable[str] = ()) -> list[str]:
    known = known_addresses(client) | {a.lower() for a in also_known if a}
    return [address for address in addresses if address.lower() not in known]


def check_recipients(client: Client, addresses: Iterable[str], *, confirm: bool = False,
                     user: object = None, also_known: Iterable[str] = ()) -> None:
    """Refuse addresses that are not the client's, unless the user confirms them now
    (then they are remembered)."""
    unknown = unknown_recipients(client, addresses, also_known)
    if not unknown:
        return
    if not confirm:
        raise RecipientsRefused(client, unknown)
    for address in unknown:
        ConfirmedRecipient.objects.get_or_create(
            workspace=client.workspace, client=client, address=address.lower(),
            defaults={"confirmed_by": user if getattr(user, "pk", None) else None})


def limit_per_hour() -> int:
    return int(getattr(settings, "MAIL_LIMIT_PER_HOUR", 100))


def check_quota(workspace: Workspace, recipients: int, now: dt.datetime | None = None) -> None:
    """Refuse when this mail would exceed the workspace's hourly sending limit."""
    now = now or clock.now()
    since = now - dt.timedelta(hours=1)
    sent = OutboundMail.objects.filter(workspace=workspace, sent_at__gt=since)
    used = sent.aggregate(total=Sum("recipients"))["total"] or 0
    limit = limit_per_hour()
    if used + recipients <= limit:
        return
    oldest = sent.order_by("sent_at").values_list("sent_at", flat=True).first() or now
    again = timezone.localtime(oldest + dt.timedelta(hours=1))
    raise ValidationError(ngettext(
        "This workspace may send to %(limit)s recipient per hour, and that is used up. "
        "Please try again after %(time)s.",
        "This workspace may send to %(limit)s recipients per hour, and that is used up. "
        "Please try again after %(time)s.", limit) % {
        "limit": limit, "time": formats.time_format(again, "TIME_FORMAT")})


def record(workspace: Workspace, kind: str, recipients: int) -> None:
    OutboundMail.objects.create(workspace=workspace, kind=kind, recipients=recipients)


def sender_name(workspace: Workspace) -> str:
    """The name the client sees: the workspace's business name, on one line."""
    return " ".join(workspace.name.split())


def from_address(workspace: Workspace) -> str:
    """The operator's sending address under the workspace's name."""
    _default_name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((sender_name(workspace), address))


def reply_to_for(workspace: Workspace, user: object = None) -> list[str]:
    """Replies reach the user who sent it, else the workspace's business address."""
    address = getattr(user, "email", "") or workspace.email
    return [address] if address else []


def send(message: EmailMessage, *, workspace: Workspace, kind: str) -> None:
    """Send a message whose recipients and quota were checked; a header that would
    smuggle a line break is refused as a ValidationError, not a server error."""
    try:
        message.send()
    except BadHeaderError as exc:
        raise ValidationError(_("The subject or an address contains a line break; please "
                                "remove it.")) from exc
    record(workspace, kind, len(message.recipients()))
