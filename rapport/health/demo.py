"""Demo data of this app, added to the demo workspace by `rapport demo`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from rapport.clients.models import Client
from rapport.core.models import Workspace
from rapport.health.models import Enjoyment, Reserve

# How Lena feels about each demo client (1–5), with a word on why.
ENJOYMENT = {
    "Nordlicht Kommunikation GmbH": (5, "Klare Briefings, pünktliche Zahlung, Wertschätzung."),
    "Möbelmanufaktur Brandt KG": (3, "Nett, aber ich laufe jedem Euro hinterher."),
    "Grünwerk Solar GmbH": (2, "Jede Woche ein „nur noch schnell“."),
    "Annette Sommer – Physiotherapie am Park": (4, "Herzlich – die Telefonate ufern aus."),
    "Brightloop Ltd": (2, "Auftrag erteilt, dann Funkstille."),
    "Meridian Lane Events, Inc.": (1, "Dauernd Notfall, auch sonntags."),
    "Feinkost Valentin GmbH": (2, "Jede Rechnung wird verhandelt."),
}


def add_demo_data(workspace: Workspace, today: dt.date) -> None:
    """Enjoyment ratings for the active demo clients and Lena's reserves: a business
    fund of 6,000 € and a personal one of 4,000 € against 2,500 € of monthly expenses."""
    clients = {c.name: c for c in Client.objects.filter(workspace=workspace,
                                                        name__in=ENJOYMENT)}
    for name, (rating, note) in ENJOYMENT.items():
        if name in clients:
            Enjoyment.objects.update_or_create(
                workspace=workspace, client=clients[name],
                defaults={"rating": rating, "note": note})
    Reserve.objects.update_or_create(workspace=workspace, defaults={
        "business_fund": Decimal("6000.00"), "personal_fund": Decimal("4000.00"),
        "monthly_expenses": Decimal("2500.00"), "savings_percent": Decimal("5"),
        "target_months": 6})
