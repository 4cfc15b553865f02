"""Which client a message belongs to: by contact address, then by the client's domains."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from rapport.clients.models import Client, ClientDomain, Contact, ContactEmail
from rapport.clients.services import freemail_domains
from rapport.comms.models import Direction, MailAccount, Message
from rapport.core.models import Membership, Workspace
from rapport.core.pipeline import follow_up


def own_addresses(workspace: Workspace) -> set[str]:
    """The freelancer's addresses: business email, members' logins, IMAP user names."""
    found = {workspace.email.lower()} if workspace.email else set()
    found |= {e.lower() for e in Membership.objects.filter(workspace=workspace)
              .values_list("user__email", flat=True) if e}
    found |= {u.lower() for u in MailAccount.objects.filter(workspace=workspace)
              .values_list("username", flat=True) if "@" in u}
    return found


@dataclass
class Linker:
    """A snapshot of the workspace's addresses and domains, for fast linking in bulk."""

    own: set[str]
    by_address: dict[str, tuple[int, int]] = field(default_factory=dict)
    by_domain: dict[str, int] = field(default_factory=dict)
    # Addresses and "@domains" the freelancer chose to ignore: never linked by domain.
    ignored: set[str] = field(default_factory=set)

    @classmethod
    def for_workspace(cls, workspace: Workspace) -> Linker:
        from rapport.inbox.services import ignored_patterns

        linker = cls(own=own_addresses(workspace), ignored=ignored_patterns(workspace))
        for address, contact_id, client_id in ContactEmail.objects.filter(
            workspace=workspace
        ).values_list("address", "contact_id", "contact__client_id"):
            linker.by_address[address.lower()] = (client_id, contact_id)
        free = freemail_domains()
        for domain, client_id in ClientDomain.objects.filter(workspace=workspace).values_list(
            "domain", "client_id"
        ):
            if domain not in free:
                linker.by_domain[domain.lower()] = client_id
        return linker

    def find(self, address: str) -> tuple[int | None, int | None]:
        """(client id, contact id) for one address; contact id only for a known contact."""
        address = address.lower()
        if address in self.by_address:
            return self.by_address[address]
        domain = address.rpartition("@")[2]
        if self.ignored and (address in self.ignored or f"@{domain}" in self.ignored):
            return None, None
        if domain and domain not in freemail_domains() and domain in self.by_domain:
            return self.by_domain[domain], None
        return None, None

    def classify(self, sender: str, recipients: list[str]) -> tuple[str, int | None, int | None]:
        """Direction, client id and contact id of a message."""
        if sender in self.own:
            for address in recipients:
                client_id, contact_id = self.find(address)
                if client_id:
                    return Direction.OUTBOUND, client_id, contact_id
            return Direction.OUTBOUND, None, None
        client_id, contact_id = self.find(sender)
        return Direction.INBOUND, client_id, contact_id


def relink_matching(workspace: Workspace, pattern: str) -> int:
    """Link unlinked messages from or to an address (or `@domain`) that is now known."""
    pattern = pattern.lower()
    if pattern.startswith("@"):
        sender = Q(from_address__endswith=pattern)
    else:
        sender = Q(from_address=pattern)
    candidates = Message.objects.filter(workspace=workspace, client__isnull=True).filter(
        sender | Q(to_addresses__contains=pattern) | Q(cc_addresses__contains=pattern))
    if not candidates.exists():
        return 0
    linker = Linker.for_workspace(workspace)
    changed = 0
    for message in candidates.only("pk", "from_address", "to_addresses", "cc_addresses"):
        recipients = message.recipients + [a for a in message.cc_addresses.split(",") if a]
        direction, client_id, contact_id = linker.classify(message.from_address, recipients)
        if client_id:
            changed += Message.objects.filter(pk=message.pk).update(
                client_id=client_id, contact_id=contact_id, direction=direction)
    return changed


def relink_known(workspace: Workspace) -> int:
    """Link unlinked mail whose sender (or, for my mail, recipient) is known by now, e.g.
    after a contact address or domain was added on the client page. Cheap: one grouped
    query over unlinked mail, then one update per newly known address."""
    linker = Linker.for_workspace(workspace)
    unlinked = Message.objects.filter(workspace=workspace, client__isnull=True)
    changed = 0
    senders = (unlinked.filter(direction=Direction.INBOUND).values_list("from_address", flat=True)
               .distinct().order_by())
    for address in senders:
        client_id, contact_id = linker.find(address)
        if client_id:
            changed += unlinked.filter(from_address=address).update(
                client_id=client_id, contact_id=contact_id)
    recipients = (unlinked.filter(direction=Direction.OUTBOUND)
                  .values_list("to_addresses", flat=True).distinct().order_by())
    for to_addresses in recipients:
        for address in to_addresses.split(","):
            client_id, _contact_id = linker.find(address)
            if client_id:
                changed += unlinked.filter(direction=Direction.OUTBOUND,
                                           to_addresses=to_addresses).update(
                    client_id=client_id)
                break
    return changed


@transaction.atomic
def assign_sender(workspace: Workspace, address: str, client: Client, name: str = "") -> int:
    """Make `address` a contact of `client` and link all its messages; returns the count."""
    address = address.strip().lower()
    contact = Contact.objects.create(workspace=workspace, client=client,
                                     name=(name or address.split("@")[0])[:200])
    ContactEmail.objects.create(workspace=workspace, contact=contact, address=address)
    linked = Message.objects.filter(workspace=workspace, from_address=address).update(
        client=client, contact=contact, direction=Direction.INBOUND
    )
    follow_up(workspace.pk, [client.pk])
    return linked + relink_matching(workspace, address)
