"""Demo data of this app: two journal entries of the demo freelancer, in German."""

from __future__ import annotations

import datetime as dt

from rapport.clients.models import Client
from rapport.core.models import Workspace
from rapport.journal.models import JournalEntry, Lesson, Occasion


def add_demo_data(workspace: Workspace, today: dt.date) -> None:
    haggler = Client.objects.filter(workspace=workspace, name="Feinkost Valentin GmbH").first()
    entry = JournalEntry.objects.create(
        workspace=workspace, client=haggler, occasion=Occasion.INCIDENT,
        written_on=today - dt.timedelta(days=12), answers={
            "gut_feeling": "Ja. Schon im Erstgespräch ging es mehr um Rabatte als um den "
                           "Inhalt.",
            "conditions": "Den Tagessatz habe ich genannt, die Zahl der Korrekturschleifen "
                          "nicht.",
            "patterns": "Ich habe zweimal nachgegeben – jetzt wird jede Rechnung verhandelt.",
        })
    for text in ("Korrekturschleifen und Preis im Angebot festschreiben",
                 "Im Erstgespräch nach dem Budget fragen, bevor ich ein Angebot schreibe"):
        Lesson.objects.create(workspace=workspace, entry=entry, text=text)
    calm = JournalEntry.objects.create(
        workspace=workspace, occasion=Occasion.ANY_TIME,
        written_on=today - dt.timedelta(days=40), answers={
            "scarcity": "Nein. Die Warteliste hilft – ich sage leichter Nein.",
        })
    Lesson.objects.create(workspace=workspace, entry=calm,
                          text="Einmal im Quartal die Rücklagen prüfen")
