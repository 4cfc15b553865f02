"""Demo data of this app, added to the demo workspace by `rapport demo`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from rapport.clients.models import Client
from rapport.core.models import Workspace
from rapport.extras.models import ExtraRequest
from rapport.extras.services import put_on_invoice

FAVOUR, PAID, CREEP = (ExtraRequest.Kind.FAVOUR, ExtraRequest.Kind.PAID,
                       ExtraRequest.Kind.SCOPE_CREEP)

# client -> [(days ago, kind, kind of request, what was asked, minutes, price)]
EXTRAS: dict[str, list[tuple[int, str, str, str, int, str | None]]] = {
    # The weekly "nur noch schnell" – until the extras got their own, paid project.
    "Grünwerk Solar GmbH": [
        (104, CREEP, "Social-Media-Post", "Nur noch schnell einen LinkedIn-Post zum Relaunch?",
         40, None),
        (97, CREEP, "Social-Media-Post", "Könnten Sie den Text auch für Instagram kürzen?",
         30, None),
        (90, CREEP, "Social-Media-Post", "Noch ein kurzer Post zur Messe, bitte.", 35, None),
        (20, PAID, "Social-Media-Post", "Drei Posts zur Produktneuheit", 120, "170.00"),
    ],
    # Still going on: the proposal is waiting on the client page.
    "Feinkost Valentin GmbH": [
        (33, CREEP, "Produkttexte kürzen", "Die Texte für den Onlineshop bitte noch kürzen.",
         45, None),
        (19, CREEP, "Produkttexte kürzen", "Können Sie die Weihnachtstexte auch kürzen?",
         40, None),
        (6, CREEP, "Produkttexte kürzen", "Und die neuen Feinkostkörbe, nur schnell kürzen.",
         50, None),
    ],
    # A favour for a client who values the work: fine.
    "Annette Sommer – Physiotherapie am Park": [
        (12, FAVOUR, "Flyer gegenlesen", "Den Flyer für den Tag der offenen Tür gegenlesen.",
         20, None),
    ],
}


def add_demo_data(workspace: Workspace, today: dt.date) -> None:
    """Logged extra requests for three demo clients: an old pattern at Grünwerk that
    became paid work, a current one at Feinkost Valentin, a favour for Annette Sommer."""
    clients = {c.name: c for c in Client.objects.filter(workspace=workspace, name__in=EXTRAS)}
    for name, rows in EXTRAS.items():
        client = clients.get(name)
        if client is None:
            continue
        for days_ago, kind, label, description, minutes, price in rows:
            extra = ExtraRequest.objects.create(
                workspace=workspace, client=client, kind=kind, label=label,
                description=description, minutes=minutes,
                amount=Decimal(price) if price else None,
                currency=workspace.default_currency,
                requested_on=today - dt.timedelta(days=days_ago))
            if kind == PAID:
                put_on_invoice(extra)
