"""Demo data of this app, added to the demo workspace by `rapport demo`.

Lena's ideal-client profile; the prospect Radwerk Kollektiv eG (already in the demo) with
an interview that fits; a new prospect whose questionnaire came back with a dealbreaker
(regular weekend calls against "Keine Arbeit am Sonntag"); and a waiting list.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from rapport.clients.models import Client, Contact, Note, Project
from rapport.clients.services import set_contact_emails, set_tags
from rapport.core.models import Membership, Workspace
from rapport.intake import content, services
from rapport.intake.models import Interview, WaitingListEntry


def add_demo_data(workspace: Workspace, today: dt.date) -> None:
    _profile(workspace)
    content.ensure_questions(workspace, "de")
    content.ensure_questions(workspace, "en")
    _good_fit(workspace, today)
    _weekend_caller(workspace, today)
    _waiting_list(workspace, today)


def _profile(workspace: Workspace) -> None:
    ideal = services.profile_of(workspace)
    ideal.wanted_clients = ("Genossenschaften, Verlage und kleine Agenturen mit einer festen "
                            "Ansprechperson und klaren Briefings.")
    ideal.wanted_work = "Jahresberichte, Verlagstexte, Lektorat, Website-Texte auf Deutsch."
    ideal.avoid_list = ["Glücksspiel", "Tabak", "Kaltakquise"]
    ideal.core_values = ["Ehrlichkeit", "Familie zuerst", "Gute Arbeit statt schneller Arbeit"]
    ideal.strengths = ["Klare, warme Sprache", "Lektorat", "Struktur für lange Texte"]
    ideal.wont_do = ["Infografiken", "Social-Media-Betreuung"]
    ideal.cant_yet = ["Videoskripte", "UX-Writing"]
    ideal.working_styles = ["hands_off", "regular_updates"]
    ideal.response_time = "next_day"
    ideal.minimum_budget = Decimal("1500.00")
    ideal.min_lead_days = 14
    ideal.min_overlap_hours = 3
    ideal.save()


def _owner(workspace: Workspace) -> object:
    membership = Membership.objects.filter(workspace=workspace,
                                           role=Membership.Role.OWNER).first()
    return membership.user if membership else None


def _at(today: dt.date, days_ago: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=days_ago),
                                                   dt.time(10, 0)))


def _good_fit(workspace: Workspace, today: dt.date) -> None:
    client = Client.objects.filter(workspace=workspace, name="Radwerk Kollektiv eG",
                                   status=Client.Status.PROSPECT).first()
    if client is None:
        return
    interview = services.start_interview(client, by=_owner(workspace))
    interview.answers = {
        "business": "Fahrrad-Genossenschaft mit Werkstatt und Verleih, rund 400 Mitglieder.",
        "task": "Texte und Lektorat für unseren Jahresbericht, etwa 24 Seiten.",
        "working_style": "regular_updates", "calls_per_week": 1,
        "channels": ["email", "video"], "response_time": "next_day", "weekends": "never",
        "budget_min": "3000", "budget_max": "3500", "day_start": "08:00",
        "time_zone": "Europe/Berlin", "deadline": (today + dt.timedelta(days=75)).isoformat(),
        "decider": "with_team",
    }
    interview.state = Interview.State.LOCKED
    interview.submitted_at = interview.locked_at = _at(today, 9)
    interview.gut_rating = 4
    interview.gut_note = "Eine feste Ansprechpartnerin und realistische Erwartungen."
    interview.need_money = Interview.NeedMoney.NO
    interview.save()


def _weekend_caller(workspace: Workspace, today: dt.date) -> Client:
    user = _owner(workspace)
    client = Client.objects.create(
        workspace=workspace, name="Nachtschicht Events GmbH", kind=Client.Kind.COMPANY,
        street="Große Elbstraße 212", postal_code="22767", city="Hamburg", country="DE",
        language="de", time_zone="Europe/Berlin",
    )
    contact = Contact.objects.create(workspace=workspace, client=client, name="Timo Brandt",
                                     role="Geschäftsführer", phone="+49 40 23125 881")
    set_contact_emails(contact, ["timo.brandt@nachtschicht-events.example"])
    set_tags(client, ["Agentur", "Events"])
    Project.objects.create(
        workspace=workspace, client=client, name="Website-Texte Festivalsaison",
        rate_type=Project.RateType.FIXED, amount=Decimal("1800.00"),
        status=Project.Status.PLANNED, start_date=today + dt.timedelta(days=10),
        description="Anfrage: Texte für sechs Event-Seiten, laufende Anpassungen während "
                    "der Saison.",
    )
    for days, text in [
        (6, "Anfrage per Telefon am Samstagabend: Texte für die Festivalsaison, "
            "„am liebsten gestern“."),
        (3, "Fragebogen über den Link geschickt; Timo hat am selben Abend geantwortet."),
    ]:
        Note.objects.create(workspace=workspace, client=client, text=text, created_by=user,
                            happened_on=today - dt.timedelta(days=days))
    interview = services.start_interview(client, by=user)
    services.send(interview, now=_at(today, 3))
    services.mark_sent(interview)
    interview.answers = {
        "business": "Eventagentur für Clubnächte und Open-Air-Festivals in Hamburg.",
        "task": "Website-Texte für sechs Events und laufende Anpassungen während der Saison.",
        "working_style": "close", "calls_per_week": 3,
        "channels": ["phone", "chat", "email"], "response_time": "within_hour",
        "weekends": "regularly", "budget_min": "1200", "budget_max": "2000",
        "day_start": "11:00", "time_zone": "Europe/Berlin",
        "deadline": (today + dt.timedelta(days=10)).isoformat(), "decider": "me",
    }
    interview.state = Interview.State.ANSWERED
    interview.answered_by_prospect = True
    interview.submitted_at = _at(today, 3)
    interview.gut_rating = 2
    interview.gut_note = "Drängt schon im Erstgespräch auf Anrufe am Sonntag."
    interview.need_money = Interview.NeedMoney.PARTLY
    interview.save()
    return client


def _waiting_list(workspace: Workspace, today: dt.date) -> None:
    def day(offset: int) -> dt.date:
        return today + dt.timedelta(days=offset)

    former = Client.objects.filter(workspace=workspace, name="Seitenwind Verlag").first()
    entries = [
        WaitingListEntry(
            name="Seitenwind Verlag – Helene Marquardt", client=former,
            email="h.marquardt@seitenwind-verlag.example",
            source=WaitingListEntry.Source.PAST_CLIENT,
            note="Hat eine Redakteurin eingestellt, bucht aber gern wieder für "
                 "Sachbuch-Spitzentitel.",
            last_contact=day(-40), contact_again_on=day(-2),
        ),
        WaitingListEntry(
            name="Dr. Jonas Albers (Physiotherapie Albers)",
            email="kontakt@physio-albers.example", source=WaitingListEntry.Source.REFERRAL,
            note="Empfehlung von Helene: neue Website-Texte, frühestens im Frühjahr.",
            last_contact=day(-12), contact_again_on=day(25),
        ),
        WaitingListEntry(
            name="Förderverein Stadtteilbibliothek",
            email="vorstand@foerderverein-bibliothek.example",
            source=WaitingListEntry.Source.NOT_TAKEN,
            note="Festschrift zum Jubiläum – im Herbst keine Kapazität, freundlich vertröstet.",
            last_contact=day(-95), contact_again_on=day(-5),
        ),
    ]
    for entry in entries:
        entry.workspace = workspace
        entry.full_clean()
        entry.save()
