"""The client list's filters: search and status (and tag), narrowed in the database."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from rapport.clients.models import Client, Contact, ContactEmail, Note
from rapport.core.models import Workspace


def search(clients: QuerySet[Client], text: str) -> QuerySet[Client]:
    """Clients whose name, a contact's name or a contact's email address contains `text`.

    Subqueries rather than joins: a client with three matching contacts is still one row,
    without a DISTINCT over the whole list."""
    text = text.strip()
    if not text:
        return clients
    by_contact = Contact.objects.filter(client=OuterRef("pk"), name__icontains=text)
    by_email = ContactEmail.objects.filter(contact__client=OuterRef("pk"),
                                           address__icontains=text)
    return clients.filter(Q(name__icontains=text) | Exists(by_contact) | Exists(by_email))


def matching(workspace: Workspace, *, q: str = "", status: str = "",
             tag: str = "") -> QuerySet[Client]:
    """The workspace's clients matching the list's filters (each optional), by name,
    with their tags and incident count for the rows."""
    clients = Client.objects.filter(workspace=workspace)
    if status in Client.Status.values:
        clients = clients.filter(status=status)
    if tag:
        clients = clients.filter(tags__name=tag)
    clients = search(clients, q)
    # A subquery, not a join with GROUP BY: the count of all matching clients leaves it out,
    # and it runs for the rows of the page shown only.
    incidents = (Note.objects.filter(client=OuterRef("pk"), kind=Note.Kind.INCIDENT)
                 .order_by().values("client").annotate(n=Count("pk")).values("n"))
    return (clients.prefetch_related("tags")
            .annotate(incident_count=Coalesce(Subquery(incidents), 0))
            .order_by("name", "pk"))

