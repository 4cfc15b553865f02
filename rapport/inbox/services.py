"""Sorting the inbox: ignoring senders, domains and private calendar entries, turning an
unknown sender into a prospect, finding a message among all of them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext as _

from rapport.clients.models import Client
from rapport.clients.services import freemail_domains
from rapport.comms.linking import own_addresses, relink_matching
from rapport.comms.models import Direction, Meeting, Message
from rapport.core.models import Workspace
from rapport.inbox.models import IgnoredMeeting, IgnoredSender, InboxSettings


def ignored_patterns(workspace: Workspace) -> set[str]:
    """The ignored addresses and "@domains" of a workspace, lower case."""
    return set(IgnoredSender.objects.filter(workspace=workspace)
               .values_list("pattern", flat=True))


def from_ignored(patterns: set[str]) -> Q:
    """Messages whose sender is one of `patterns` (an address or a whole "@domain")."""
    query = Q(pk__in=[])
    addresses = [p for p in patterns if not p.startswith("@")]
    if addresses:
        query |= Q(from_address__in=addresses)
    for domain in (p for p in patterns if p.startswith("@")):
        query |= Q(from_address__iendswith=domain)
    return query


def domain_of(address: str) -> str:
    return address.strip().lower().rpartition("@")[2]


def ignore_sender(workspace: Workspace, address: str, *, whole_domain: bool = False
                  ) -> IgnoredSender:
    """Stop showing the sender (or everyone at the sender's domain) in "Who is this?".

    Their mail stays stored but is never linked to a client by its domain, so it does not
    count in warning signs or health. A free-mail domain cannot be ignored as a whole:
    that would hide every private person who writes from it.
    """
    address = address.strip().lower()
    domain = domain_of(address)
    if "@" not in address or not domain:
        raise ValidationError(_("“%(value)s” is not an email address.") % {"value": address})
    if whole_domain and domain in freemail_domains():
        raise ValidationError(_("Many people write from %(domain)s; ignore the address "
                                "instead.") % {"domain": domain})
    pattern = f"@{domain}" if whole_domain else address
    ignored, _created = IgnoredSender.objects.get_or_create(workspace=workspace,
                                                            pattern=pattern)
    return ignored


@transaction.atomic
def stop_ignoring(workspace: Workspace, pk: int) -> str:
    """Undo an ignore; mail that matches a client's domain by now is linked again."""
    ignored = IgnoredSender.objects.filter(workspace=workspace, pk=pk).first()
    if ignored is None:
        return ""
    pattern = ignored.pattern
    ignored.delete()
    relink_matching(workspace, pattern)
    return pattern


def unknown_senders(workspace: Workspace, limit: int = 50) -> list[dict[str, object]]:
    """Inbound senders that belong to no client and are not ignored, most frequent first."""
    rows = (
        Message.objects.filter(workspace=workspace, client__isnull=True,
                               direction=Direction.INBOUND)
        .exclude(from_address="").exclude(from_address__in=own_addresses(workspace))
        .exclude(from_ignored(ignored_patterns(workspace)))
        .values("from_address").annotate(count=Count("pk"), last=Max("date"),
                                         name=Max("from_name"))
        .order_by("-count", "from_address")[:limit]
    )
    senders = list(rows)
    free = freemail_domains()
    for sender in senders:
        sender["domain"] = domain_of(str(sender["from_address"]))
        sender["freemail"] = sender["domain"] in free
    return senders


def settings_of(workspace: Workspace) -> InboxSettings:
    found, _created = InboxSettings.objects.get_or_create(workspace=workspace)
    return found


def loose_meetings(workspace: Workspace, limit: int = 20) -> QuerySet[Meeting]:
    """Calendar entries without a client, minus ignored ones (and private ones, if asked)."""
    meetings = Meeting.objects.filter(workspace=workspace, client__isnull=True,
                                      ignored__isnull=True)
    if settings_of(workspace).ignore_private:
        meetings = meetings.filter(private=False)
    return meetings.order_by("-start")[:limit]


def ignore_meeting(meeting: Meeting) -> IgnoredMeeting:
    ignored, _created = IgnoredMeeting.objects.get_or_create(
        meeting=meeting, defaults={"workspace_id": meeting.workspace_id})
    return ignored


def stop_ignoring_meeting(workspace: Workspace, meeting_pk: int) -> int:
    return IgnoredMeeting.objects.filter(workspace=workspace, meeting_id=meeting_pk).delete()[0]


def search_messages(workspace: Workspace, query: str = "") -> QuerySet[Message]:
    """All messages, newest first; `query` looks in subject, sender and text."""
    messages = Message.objects.filter(workspace=workspace).select_related("client")
    query = query.strip()
    if query:
        messages = messages.filter(
            Q(subject__icontains=query) | Q(from_address__icontains=query)
            | Q(from_name__icontains=query) | Q(body_text__icontains=query))
    return messages.defer("body_text").order_by("-date", "-pk")


def prospect_suggestion(workspace: Workspace, address: str, name: str = "") -> dict[str, str]:
    """What the new-prospect form starts with for an unknown sender.

    A company address names the company after its domain ("mail.radwerk.de" → "Radwerk");
    a free-mail address is most likely a private person, named as they sign.
    """
    address = address.strip().lower()
    domain = domain_of(address)
    person = domain in freemail_domains() or not domain
    if person:
        company = name or address.partition("@")[0]
    else:
        labels = domain.split(".")
        company = (labels[-2] if len(labels) > 1 else labels[0]).replace("-", " ").title()
    return {"name": company, "contact_name": name, "email": address,
            "kind": Client.Kind.PERSON if person else Client.Kind.COMPANY,
            "language": workspace.language}


def link_new_prospect(workspace: Workspace, address: str) -> int:
    """After the sender became a prospect's contact: link their mail (and their domain's)."""
    count = relink_matching(workspace, address.strip().lower())
    domain = domain_of(address)
    if domain and domain not in freemail_domains():
        count += relink_matching(workspace, f"@{domain}")
    return count
