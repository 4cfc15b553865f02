"""When to offer a journal entry (DOMAIN.md §10): after an incident or a warning sign
turning red, after an ending, after declining a prospect. An offer is a link on the
client's pages and a line on the dashboard — never a pop-up — and it goes away once an
entry about that client is written, when the user says "not now", or after a while
(`DAYS`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from rapport.clients.models import Client, Note, StatusChange
from rapport.core import clock
from rapport.core.models import Workspace
from rapport.health.models import HealthSnapshot, HealthStatus
from rapport.journal.models import DismissedOffer, JournalEntry, Occasion

# How long an occasion stays on offer.
DAYS = {Occasion.TERMINATION: 60, Occasion.DECLINED: 30, Occasion.INCIDENT: 30}
ORDER = [Occasion.TERMINATION, Occasion.DECLINED, Occasion.INCIDENT]


@dataclass(frozen=True)
class Offer:
    occasion: str
    client: Client
    since: dt.date

    @property
    def occasion_label(self) -> str:
        return str(Occasion(self.occasion).label)

    @property
    def url(self) -> str:
        query = urlencode({"client": self.client.pk, "occasion": self.occasion})
        return f"{reverse('journal:entry_create')}?{query}"


def offers(workspace: Workspace, today: dt.date | None = None,
           client: Client | None = None) -> list[Offer]:
    """The open offers, newest occasion first, one per client."""
    today = today or clock.today()
    found: list[Offer] = []
    scope = {"workspace": workspace, **({"client": client} if client else {})}
    for change in (StatusChange.objects.filter(
            **scope, to_status__in=[Client.Status.FORMER, Client.Status.DECLINED],
            changed_on__gte=today - dt.timedelta(days=DAYS[Occasion.TERMINATION]))
            .select_related("client")):
        occasion = (Occasion.TERMINATION if change.to_status == Client.Status.FORMER
                    else Occasion.DECLINED)
        if change.client.status != change.to_status:
            continue  # hired again, or back as a prospect
        if change.changed_on >= today - dt.timedelta(days=DAYS[occasion]):
            found.append(Offer(occasion, change.client, change.changed_on))
    since = today - dt.timedelta(days=DAYS[Occasion.INCIDENT])
    for note in (Note.objects.filter(**scope, kind=Note.Kind.INCIDENT, happened_on__gte=since)
                 .select_related("client")):
        found.append(Offer(Occasion.INCIDENT, note.client, note.happened_on))
    # A snapshot's status is its worst sign: the database picks the red ones, so the
    # dashboard does not read every client's signs to find the few that turned red.
    for snapshot in (HealthSnapshot.objects.filter(
            **scope, status=HealthStatus.PRESENT, client__status__in=(
                Client.Status.ACTIVE, Client.Status.PAUSED, Client.Status.OFFBOARDING))
            .select_related("client").only("client")):
        found.append(Offer(Occasion.INCIDENT, snapshot.client, since))
    if not found:
        return []  # nothing on offer: no entries or dismissals to read
    # Only the clients with an occasion: the latest entry and dismissal of each.
    ids = {offer.client.pk for offer in found}
    written: dict[int, dt.date] = {}
    for client_id, day in (JournalEntry.objects.filter(**scope, client_id__in=ids)
                           .values_list("client_id", "written_on")):
        written[client_id] = max(day, written.get(client_id, day))
    put_away: dict[int, dt.date] = {}
    for client_id, day in (DismissedOffer.objects.filter(**scope, client_id__in=ids)
                           .values_list("client_id", "since")):
        put_away[client_id] = max(day, put_away.get(client_id, day))
    best: dict[int, Offer] = {}
    for offer in found:
        if (written.get(offer.client.pk, dt.date.min) >= offer.since
                or put_away.get(offer.client.pk, dt.date.min) >= offer.since):
            continue
        current = best.get(offer.client.pk)
        if current is None or (ORDER.index(offer.occasion), -offer.since.toordinal()) < (
                ORDER.index(current.occasion), -current.since.toordinal()):
            best[offer.client.pk] = offer
    return sorted(best.values(), key=lambda o: (-o.since.toordinal(), o.client.name))


def offer_for(client: Client, today: dt.date | None = None) -> Offer | None:
    found = offers(client.workspace, today, client=client)
    return found[0] if found else None


def dismiss(client: Client, today: dt.date | None = None) -> bool:
    """Put the client's open offer away; a later occasion is offered again."""
    offer = offer_for(client, today)
    if offer is None:
        return False
    DismissedOffer.objects.create(workspace=client.workspace, client=client,
                                  occasion=offer.occasion, since=offer.since)
    return True
