"""Client operations: contacts' addresses, mail domains and tags, each kept unique per workspace."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from rapport.clients.models import Client, ClientDomain, Contact, ContactEmail, Tag
from rapport.core.pipeline import follow_up

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


@cache
def freemail_domains() -> frozenset[str]:
    path = Path(__file__).parent / "data" / "freemail_domains.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def split_items(text: str, separators: str = r"[\s,;]+") -> list[str]:
    """Split user input (by default on commas, semicolons and white space); drop duplicates."""
    seen: dict[str, None] = {}
    for item in re.split(separators, text or ""):
        if item.strip():
            seen[item.strip()] = None
    return list(seen)


def normalise_domain(value: str) -> str:
    domain = value.strip().lower().lstrip("@")
    if not _DOMAIN.match(domain):
        raise ValidationError(_("“%(value)s” is not a domain name.") % {"value": value})
    if domain in freemail_domains():
        raise ValidationError(
            _("%(domain)s is a free-mail provider; add the person's address to a contact instead.")
            % {"domain": domain}
        )
    return domain


def clean_domains(client: Client, values: list[str]) -> list[str]:
    domains = [normalise_domain(v) for v in values]
    taken = ClientDomain.objects.filter(workspace=client.workspace, domain__in=domains)
    if client.pk:
        taken = taken.exclude(client=client)
    for other in taken.select_related("client"):
        raise ValidationError(
            _("%(domain)s already belongs to %(client)s.")
            % {"domain": other.domain, "client": other.client.name}
        )
    return domains


@transaction.atomic
def set_client_domains(client: Client, domains: list[str]) -> None:
    wanted = set(clean_domains(client, domains))
    client.domains.exclude(domain__in=wanted).delete()
    existing = set(client.domains.values_list("domain", flat=True))
    ClientDomain.objects.bulk_create(
        ClientDomain(workspace=client.workspace, client=client, domain=d)
        for d in sorted(wanted - existing)
    )
    if wanted - existing:
        _mail_may_link(client)


def clean_addresses(contact: Contact, values: list[str]) -> list[str]:
    addresses = []
    for value in values:
        try:
            validate_email(value)
        except ValidationError as exc:
            raise ValidationError(
                _("“%(value)s” is not an email address.") % {"value": value}
            ) from exc
        addresses.append(value.lower())
    taken = ContactEmail.objects.filter(workspace=contact.workspace, address__in=addresses)
    if contact.pk:
        taken = taken.exclude(contact=contact)
    for other in taken.select_related("contact__client"):
        raise ValidationError(
            _("%(address)s is already a contact address of %(client)s.")
            % {"address": other.address, "client": other.contact.client.name}
        )
    return addresses


@transaction.atomic
def set_contact_emails(contact: Contact, addresses: list[str]) -> None:
    """Store the contact's addresses and learn the client's company domains from them."""
    wanted = set(clean_addresses(contact, addresses))
    contact.emails.exclude(address__in=wanted).delete()
    existing = set(contact.emails.values_list("address", flat=True))
    ContactEmail.objects.bulk_create(
        ContactEmail(workspace=contact.workspace, contact=contact, address=a)
        for a in sorted(wanted - existing)
    )
    learn_domains(contact.client, wanted)
    if wanted - existing:
        _mail_may_link(contact.client)


def _mail_may_link(client: Client) -> None:
    """A new address or domain is known: once committed, the follow-up links the mail
    already imported from it to the client and reads it for signals."""
    follow_up(client.workspace_id, [client.pk])


def learn_domains(client: Client, addresses: set[str]) -> None:
    """Add company domains seen in addresses, unless free-mail or another client's."""
    domains = {a.rsplit("@", 1)[1] for a in addresses if "@" in a}
    domains -= freemail_domains()
    taken = set(
        ClientDomain.objects.filter(workspace=client.workspace, domain__in=domains)
        .values_list("domain", flat=True)
    )
    ClientDomain.objects.bulk_create(
        ClientDomain(workspace=client.workspace, client=client, domain=d)
        for d in sorted(domains - taken)
    )


@transaction.atomic
def set_tags(client: Client, names: list[str]) -> None:
    tags = []
    for name in names:
        tag, _created = Tag.objects.get_or_create(workspace=client.workspace, name=name[:50])
        tags.append(tag)
    client.tags.set(tags)
