"""Demo data: one freelancer with a realistic mix of good and difficult clients.

The demo exists so that someone trying Rapport sees every practice at work at once —
a healthy retainer, a slow payer, scope creep, a ghosting client, permanent panic mode —
instead of an empty screen. All dates are relative to today, so the timeline looks
fresh whenever the demo is (re)built. People, companies, addresses and numbers are
invented; domains use the reserved `.example` top-level domain and phone numbers come
from ranges reserved for fiction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from rapport.accounts.models import User
from rapport.agreements.demo import add_demo_data as add_demo_agreements
from rapport.audit.context import Actor, acting
from rapport.banking.demo import add_demo_data as add_demo_bank
from rapport.billing.demo import add_demo_invoices
from rapport.billing.services import purge_workspace_billing
from rapport.clients.models import Client, Contact, Note, Project
from rapport.clients.services import set_contact_emails, set_tags
from rapport.comms.demo import add_demo_data as add_demo_comms
from rapport.core import clock
from rapport.core.choices import Channel, Language, Weekday
from rapport.core.models import Membership, Workspace
from rapport.core.office_hours import TimeRange
from rapport.core.services import create_workspace, set_office_hours
from rapport.dunning.demo import add_demo_data as add_demo_reminders
from rapport.extras.demo import add_demo_data as add_demo_extras
from rapport.front.demo_history import date_the_records
from rapport.health.demo import add_demo_data as add_demo_health
from rapport.intake.demo import add_demo_data as add_demo_intake
from rapport.journal.demo import add_demo_data as add_demo_journal
from rapport.signals.demo import add_demo_data as add_demo_signals
from rapport.timetracking.demo import add_demo_data as add_demo_time

DEMO_EMAIL = "demo@rapport.example"
DEMO_PASSWORD = "rapport-demo"
DEMO_URL = "http://127.0.0.1:8000/"
DEMO_WORKSPACE = "Lena Hoffmann · Text & Gestaltung"
FIRST_DAY = 720  # days ago: the workspace was set up before the oldest client's story
USER = "user"

Status = Client.Status
Kind = Note.Kind
Category = Note.IncidentCategory
Severity = Note.Severity
Outcome = Note.Outcome
Rate = Project.RateType
ProjectStatus = Project.Status


@dataclass(frozen=True)
class DemoLogin:
    """What the command prints: how to log in, and whether anything was built."""

    email: str
    password: str
    url: str
    created: bool
    workspace: str = DEMO_WORKSPACE
    clients: int = 0


@dataclass(frozen=True)
class ContactSpec:
    name: str
    role: str
    phone: str = ""
    emails: list[str] = field(default_factory=list)


@dataclass
class _Builder:
    """Holds the workspace, the author and "today" so each client reads like a story."""

    workspace: Workspace
    user: User
    today: dt.date

    def ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    def ahead(self, days: int) -> dt.date:
        return self.today + dt.timedelta(days=days)

    def client(
        self,
        name: str,
        *,
        contacts: list[ContactSpec],
        tags: list[str],
        history: list[tuple[int, str, str]],
        **fields: object,
    ) -> Client:
        """Create a client with contacts and tags, then walk it through its status history.

        `history` is a list of (days ago, new status, reason), oldest first, so the
        status log shows why and when the relationship changed.
        """
        # Added on the day of its first step, so its history starts where its story does.
        first = max([days for days, _status, _reason in history], default=10)
        with clock.travel(self.ago(first)):
            client = Client(workspace=self.workspace, name=name, **fields)
            client.full_clean()
            client.save()
            for spec in contacts:
                contact = Contact(
                    workspace=self.workspace, client=client, name=spec.name, role=spec.role,
                    phone=spec.phone,
                )
                contact.full_clean()
                contact.save()
                set_contact_emails(contact, spec.emails)
            set_tags(client, tags)
        for days, status, reason in history:
            with clock.travel(self.ago(days)):
                client.change_status(status, reason=reason, by=self.user, on=self.ago(days))
        return client

    def _add_note(self, client: Client, days: int, text: str, **fields: object) -> Note:
        note = Note(
            workspace=self.workspace, client=client, happened_on=self.ago(days), text=text,
            created_by=self.user, **fields,
        )
        note.full_clean()
        note.save()
        return note

    def note(self, client: Client, days: int, text: str) -> Note:
        return self._add_note(client, days, text, kind=Kind.NOTE)

    def check_in(self, client: Client, days: int, outcome: str, text: str) -> Note:
        return self._add_note(client, days, text, kind=Kind.CHECK_IN, check_in_outcome=outcome)

    def incident(
        self, client: Client, days: int, category: str, severity: int, text: str
    ) -> Note:
        return self._add_note(
            client, days, text, kind=Kind.INCIDENT, incident_category=category,
            severity=severity,
        )

    def project(
        self,
        client: Client,
        name: str,
        *,
        rate_type: str,
        amount: str,
        status: str,
        start: dt.date | None,
        end: dt.date | None = None,
        currency: str = "EUR",
        description: str = "",
    ) -> Project:
        project = Project(
            workspace=self.workspace, client=client, name=name, rate_type=rate_type,
            amount=Decimal(amount), status=status, start_date=start, end_date=end,
            currency=currency, description=description,
        )
        project.full_clean()
        project.save()
        return project


def delete_demo(email: str = DEMO_EMAIL) -> bool:
    """Remove the demo user and the workspaces they own (everything in them cascades)."""
    user = User.objects.filter(email=email.lower()).first()
    if user is None:
        return False
    owned = Workspace.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.OWNER
    )
    for workspace in owned:
        purge_workspace_billing(workspace)
    owned.delete()
    user.delete()
    return True


@transaction.atomic
def build_demo(
    reset: bool = False, *, email: str = DEMO_EMAIL, password: str = DEMO_PASSWORD
) -> DemoLogin:
    """Create the demo account once; rebuild it only when asked, so reruns are harmless."""
    email = email.lower()
    if reset:
        delete_demo(email)
    elif User.objects.filter(email=email).exists():
        return DemoLogin(email=email, password=password, url=DEMO_URL, created=False)

    user = User.objects.create_user(email, password, name="Lena Hoffmann", language="de")
    # Everything the demo shows was done by its freelancer, so the change history says so.
    with acting(Actor(label=USER, user=user)):
        return _build(user, email, password)


def _build(user: User, email: str, password: str) -> DemoLogin:
    today = timezone.localdate()
    with clock.travel(today - dt.timedelta(days=FIRST_DAY)):
        workspace = _create_workspace(user)
    builder = _Builder(workspace=workspace, user=user, today=today)
    for add_client in CLIENTS:
        add_client(builder)
    add_demo_invoices(workspace, builder.today)
    add_demo_reminders(workspace, builder.today)
    add_demo_intake(workspace, builder.today)
    add_demo_comms(workspace, builder.today)
    add_demo_agreements(workspace, builder.today)
    add_demo_extras(workspace, builder.today)
    add_demo_signals(workspace, builder.today)
    add_demo_health(workspace, builder.today)
    add_demo_journal(workspace, builder.today)
    add_demo_time(workspace, builder.today)
    add_demo_bank(workspace, builder.today)
    date_the_records(workspace, builder.today)
    return DemoLogin(
        email=email, password=password, url=DEMO_URL, created=True,
        workspace=workspace.name,
        clients=Client.objects.filter(workspace=workspace).count(),
    )


def _create_workspace(user: User) -> Workspace:
    """A Berlin freelancer who prefers email, keeps calls rare and protects Sundays."""
    workspace = create_workspace(
        user,
        name=DEMO_WORKSPACE,
        legal_name="Lena Hoffmann",
        street="Pannierstraße 14",
        postal_code="12047",
        city="Berlin",
        country="DE",
        tax_number="16/245/01873",
        vat_id="DE318274659", email="hallo@lena-hoffmann.example", phone="+49 30 23125 4471",
        default_currency="EUR",
        language=Language.GERMAN,
        time_zone="Europe/Berlin",
        holiday_country="DE",
        holiday_subdivision="BE",
        preferred_channels=[Channel.EMAIL.value, Channel.VIDEO.value],
        max_calls_per_week=1,
        non_negotiables=[
            "Keine Arbeit am Sonntag",
            "Familiengeburtstage sind frei",
            "Keine Anrufe nach 18 Uhr",
            "Keine Texte, hinter denen ich nicht mit meinem Namen stehen kann",
        ],
    )
    long_day = [TimeRange(time(9, 0), time(12, 30)), TimeRange(time(13, 30), time(17, 0))]
    set_office_hours(
        workspace,
        {
            Weekday.MONDAY: long_day,
            Weekday.TUESDAY: long_day,
            Weekday.WEDNESDAY: long_day,
            Weekday.THURSDAY: long_day,
            Weekday.FRIDAY: [TimeRange(time(9, 0), time(13, 0))],
        },
    )
    return workspace


# --- The clients: one function each, so every case reads as one short story. ---


def _ideal_client(b: _Builder) -> None:
    """The agency everyone wants: clear briefs, on-time payment, a raise without a fight."""
    client = b.client(
        "Nordlicht Kommunikation GmbH",
        kind=Client.Kind.COMPANY,
        street="Stubbenhuk 7", postal_code="20459", city="Hamburg", country="DE",
        vat_id="DE274913586", preferred_channel=Channel.EMAIL,
        contacts=[
            ContactSpec("Katrin Albers", "Leitung Content", "+49 40 66969 142",
                        ["katrin.albers@nordlicht-kommunikation.example"]),
            ContactSpec("Jonas Petersen", "Projektmanagement", "+49 40 66969 187",
                        ["jonas.petersen@nordlicht-kommunikation.example"]),
        ],
        tags=["Agentur", "Retainer", "Wunschkunde"],
        history=[
            (400, Status.ACTIVE,
             "Probeauftrag (Pressemitteilung) pünktlich geliefert und innerhalb von "
             "einer Woche bezahlt. Rahmenvertrag über 12 Monate unterschrieben."),
        ],
    )
    b.project(
        client, "Redaktion Blog & Kundenmagazin (1. Laufzeit)",
        rate_type=Rate.RETAINER, amount="2400.00", status=ProjectStatus.COMPLETED,
        start=b.ago(395), end=b.ago(31),
        description="Vier Blogartikel (800–1.000 Wörter) und ein Magazinbeitrag pro Monat, "
                    "zwei Korrekturrunden. Nicht enthalten: Bildrecherche, Upload ins CMS. "
                    "Abrechnung jeweils zum Monatsende für den Folgemonat.",
    )
    b.project(
        client, "Redaktion Blog & Kundenmagazin (2. Laufzeit)",
        rate_type=Rate.RETAINER, amount="2800.00", status=ProjectStatus.ACTIVE,
        start=b.ago(30), end=b.ahead(335),
        description="Verlängerung nach dem Satz-Review zum Laufzeitende: gleicher Umfang, "
                    "neu ein Interview-Format pro Quartal. Nächstes Review in 12 Monaten.",
    )
    b.check_in(
        client, 190, Outcome.ALL_GOOD,
        "Quartals-Check-in mit Katrin: Tonalität und Timing passen, das Team liest die "
        "Entwürfe inzwischen ohne Änderungswünsche. Nach einem Testimonial gefragt – "
        "schreibt sie gern.",
    )
    b.note(
        client, 125,
        "Einmaliger Gefallen: am Donnerstagabend beim Geschäftsbericht ausgeholfen. Katrin "
        "hat danach unaufgefordert 300 € Bonus überwiesen. Bleibt eine Ausnahme, "
        "fühlt sich aber genau richtig an.",
    )
    b.check_in(
        client, 38, Outcome.ALL_GOOD,
        "Review vor Laufzeitende: Reichweite des Blogs verdoppelt. Satzerhöhung von "
        "2.400 € auf 2.800 € angesprochen – ohne Diskussion angenommen.",
    )
    b.check_in(
        client, 9, Outcome.ALL_GOOD,
        "Kurzer Check-in per Mail: alles rund. Jonas übernimmt die laufende Abstimmung, "
        "Katrin bleibt für Freigaben zuständig.",
    )


def _slow_payer(b: _Builder) -> None:
    """Friendly, but payments drift from "a bit late" to "always late" — plan ahead."""
    client = b.client(
        "Möbelmanufaktur Brandt KG",
        kind=Client.Kind.COMPANY,
        street="Klosterstraße 31", postal_code="13581", city="Berlin", country="DE",
        vat_id="DE281650937", preferred_channel=Channel.PHONE,
        contacts=[
            ContactSpec("Uwe Brandt", "Geschäftsführer", "+49 30 23125 318",
                        ["uwe.brandt@moebel-brandt.example"]),
            ContactSpec("Sabine Kowalski", "Buchhaltung", "+49 30 23125 319",
                        ["buchhaltung@moebel-brandt.example"]),
        ],
        tags=["Handwerk", "Zahlt spät", "Nur gegen Anzahlung"],
        history=[
            (300, Status.ACTIVE,
             "Empfehlung aus dem Netzwerk. Erst einmal klein angefangen: Produkttexte "
             "für den Onlineshop."),
        ],
    )
    b.project(
        client, "Produkttexte Onlineshop (120 Artikel)",
        rate_type=Rate.FIXED, amount="3600.00", status=ProjectStatus.COMPLETED,
        start=b.ago(290), end=b.ago(200),
        description="Festpreis in zwei Teilrechnungen, Zahlungsziel 14 Tage.",
    )
    b.project(
        client, "Frühjahrskatalog: Texte & Lektorat",
        rate_type=Rate.FIXED, amount="2200.00", status=ProjectStatus.ACTIVE,
        start=b.ago(25), end=b.ahead(20),
        description="50 % Anzahlung vor Start, Rest vor Übergabe der Druckdaten. "
                    "Die fertigen Texte gehen raus, sobald die Schlusszahlung da ist.",
    )
    b.note(
        client, 250,
        "Erste Teilrechnung erst nach der zweiten Erinnerung bezahlt, elf Tage nach "
        "Fälligkeit. Herr Brandt: „Ist im Tagesgeschäft untergegangen.“",
    )
    b.incident(
        client, 170, Category.INTEGRITY, Severity.MEDIUM,
        "Schlusszahlung für den 15. fest zugesagt – kam nach der dritten Erinnerung "
        "26 Tage zu spät. Zahlungszusagen nicht mehr einfach glauben.",
    )
    b.check_in(
        client, 95, Outcome.CONCERN,
        "Offen gefragt, ob es gerade wirtschaftlich eng ist. Ja: Der Laden läuft schlecht, "
        "der Onlineshop soll es richten. Neue Regel für alle weiteren Aufträge: 50 % "
        "Anzahlung, Rest vor Übergabe.",
    )
    b.incident(
        client, 28, Category.SLOW_PAYMENT, Severity.HIGH,
        "Anzahlung für den Katalog kam vier Wochen nach Angebotsannahme und zwei "
        "Erinnerungen. Die Zahlungen rutschen von „etwas spät“ zu „immer spät“ – "
        "Rücklage prüfen und einen geordneten Ausstieg vorbereiten, falls es so weitergeht.",
    )


def _scope_creeper(b: _Builder) -> None:
    """Every week "nur noch schnell…" — until the extras got their own, paid project."""
    client = b.client(
        "Grünwerk Solar GmbH",
        kind=Client.Kind.COMPANY,
        street="Hanauer Landstraße 204", postal_code="60314", city="Frankfurt am Main",
        country="DE", vat_id="DE305718264", preferred_channel=Channel.EMAIL,
        contacts=[
            ContactSpec("Miriam Vogt", "Leitung Marketing", "+49 69 90009 217",
                        ["m.vogt@gruenwerk-solar.example"]),
            ContactSpec("Tobias Reuter", "Vertrieb", "+49 69 90009 233",
                        ["t.reuter@gruenwerk-solar.example"]),
        ],
        tags=["Website", "Energie", "Scope Creep"],
        history=[
            (140, Status.ACTIVE,
             "Angebot für die Relaunch-Texte angenommen, Anzahlung ist eingegangen."),
        ],
    )
    b.project(
        client, "Website-Relaunch: Texte für 12 Seiten",
        rate_type=Rate.FIXED, amount="4800.00", status=ProjectStatus.ACTIVE,
        start=b.ago(130), end=b.ahead(14),
        description="12 Seiten à 300–600 Wörter, zwei Korrekturrunden. Nicht enthalten: "
                    "Bildunterschriften, Newsletter, Social-Media-Posts, SEO-Metadaten, "
                    "Upload ins CMS.",
    )
    b.project(
        client, "Zusatzleistungen nach Aufwand",
        rate_type=Rate.HOURLY, amount="85.00", status=ProjectStatus.ACTIVE,
        start=b.ago(62),
        description="Alles außerhalb des Relaunch-Umfangs – nur nach schriftlicher Freigabe, "
                    "abgerechnet im Viertelstundentakt.",
    )
    b.note(
        client, 128,
        "Kick-off per Video: Umfang und Ausschlüsse gemeinsam durchgegangen. Miriam hat die "
        "Termine für Produktinfos und Freigaben von ihrer Seite bestätigt.",
    )
    b.incident(
        client, 96, Category.SCOPE_CREEP, Severity.LOW,
        "„Kannst du nur noch schnell die Bildunterschriften für die Referenzen machen?“ – "
        "40 Bilder. Einmal als Gefallen erledigt und ausdrücklich so benannt.",
    )
    b.incident(
        client, 70, Category.SCOPE_CREEP, Severity.MEDIUM,
        "Schon wieder „nur noch schnell“: Newsletter-Teaser und LinkedIn-Posts zu allen "
        "12 Seiten. Kein Gefallen mehr, sondern ein wiederkehrendes Extra – Nachtragsangebot "
        "mit Stundensatz verschickt.",
    )
    b.note(
        client, 62,
        "Miriam hat das Nachtragsangebot sofort freigegeben („Klar, das ist fair“). "
        "Extras laufen ab jetzt als eigenes Projekt nach Aufwand.",
    )
    b.incident(
        client, 21, Category.DID_NOT_LISTEN, Severity.LOW,
        "Tobias hat die Produktseite eigenhändig umgeschrieben (Fachjargon statt Nutzen) und "
        "bittet jetzt, sie „wieder lesbar zu machen“. Als dritte, kostenpflichtige "
        "Korrekturrunde angeboten.",
    )


def _chatty_caller(b: _Builder) -> None:
    """Warm and loyal, but every call runs long — time-boxing fixed most of it."""
    client = b.client(
        "Annette Sommer – Physiotherapie am Park",
        kind=Client.Kind.PERSON,
        street="Leopoldstraße 152", postal_code="80804", city="München", country="DE",
        preferred_channel=Channel.PHONE,
        contacts=[
            ContactSpec("Annette Sommer", "Inhaberin", "+49 89 99998 426",
                        ["annette@physio-am-park.example", "praxis@physio-am-park.example"]),
        ],
        tags=["Gesundheit", "Blog", "Lange Telefonate"],
        history=[
            (215, Status.ACTIVE,
             "Sehr sympathisches Erstgespräch. Blogbetreuung nach Aufwand vereinbart, "
             "Themen im monatlichen Call."),
        ],
    )
    b.project(
        client, "Praxisblog: zwei Artikel pro Monat",
        rate_type=Rate.HOURLY, amount="75.00", status=ProjectStatus.ACTIVE,
        start=b.ago(205),
        description="Themenplanung im monatlichen Call (30 Minuten), Recherche und Texte nach "
                    "Aufwand, bis 8 Stunden im Monat ohne Rückfrage.",
    )
    b.note(
        client, 180,
        "Themen-Call: geplant 30 Minuten, gedauert 80. Gut die Hälfte ging um den Umzug "
        "ihrer Tochter nach Lissabon. Herzlich – aber die Themenliste war am Ende nur "
        "halb fertig.",
    )
    b.incident(
        client, 122, Category.OFF_TOPIC_CALLS, Severity.LOW,
        "Dritter Call in Folge deutlich überzogen (75 statt 30 Minuten); der nächste Termin "
        "mit einer anderen Kundin musste verschoben werden.",
    )
    b.note(
        client, 115,
        "Neues Format gleich zu Beginn des Calls angekündigt und begründet: 30 Minuten, "
        "Agenda vorab per Mail, Persönliches gern am Ende. Abschluss mit „Ich mache mich "
        "jetzt an deine Texte.“ Sie fand es eine gute Idee.",
    )
    b.check_in(
        client, 42, Outcome.ALL_GOOD,
        "Die Calls bleiben jetzt fast immer im Rahmen. Annette schickt vorher Stichpunkte "
        "per Mail – das spart uns beiden Zeit.",
    )
    b.note(
        client, 6,
        "Diese Woche zweimal spontan „nur ganz kurz“ angerufen. Freundlich an den einen "
        "Call pro Woche erinnert und für Zwischenfragen E-Mail vorgeschlagen.",
    )


def _ghost(b: _Builder) -> None:
    """Hired, then vanished: inputs never came, so the balance was invoiced and paused."""
    client = b.client(
        "Brightloop Ltd",
        kind=Client.Kind.COMPANY,
        language=Language.ENGLISH, time_zone="Europe/London",
        street="48 Curtain Road", postal_code="EC2A 3PT", city="London", country="GB",
        vat_id="GB274815903", preferred_channel=Channel.EMAIL,
        contacts=[
            ContactSpec("Oliver Finch", "Co-founder & CEO", "+44 20 7946 0321",
                        ["oliver@brightloop.example"]),
            ContactSpec("Priya Raman", "Marketing Lead", "+44 20 7946 0388",
                        ["priya.raman@brightloop.example"]),
        ],
        tags=["Startup", "International", "Meldet sich nicht"],
        history=[
            (160, Status.ACTIVE,
             "Proposal for the brand voice guide signed; deposit arrived within two days."),
            (12, Status.PAUSED,
             "No inputs for six weeks despite written reminders. Work done so far has been "
             "invoiced; the project is paused until Brightloop confirms new dates."),
        ],
    )
    b.project(
        client, "Brand voice guide & onboarding emails",
        rate_type=Rate.DAILY, amount="620.00", currency="GBP", status=ProjectStatus.ON_HOLD,
        start=b.ago(150),
        description="Estimated 8 days. Client inputs: product screenshots, three customer "
                    "interview recordings, sign-off on the tone principles. Late inputs move "
                    "our delivery dates by the same amount.",
    )
    b.note(
        client, 150,
        "Kick-off call with Oliver: lots of energy. He promised the interview recordings "
        "and product screenshots by the end of the week.",
    )
    b.note(
        client, 121,
        "Three weeks on, still no recordings. Sent a friendly reminder listing every open "
        "input with its due date.",
    )
    b.incident(
        client, 84, Category.UNRESPONSIVE, Severity.MEDIUM,
        "Tone principles have been waiting for sign-off for four weeks; two emails without a "
        "reply. Confirmed in writing that our delivery dates move accordingly.",
    )
    b.incident(
        client, 61, Category.DISRESPECT, Severity.LOW,
        "Oliver missed the scheduled review call without a word. Billed the reserved slot, "
        "as the terms say.",
    )
    b.note(
        client, 40,
        "Asked for a second contact. Priya Raman is now in copy; she answered within a day "
        "and apologised — the team is in the middle of a funding round.",
    )


def _panic_mode(b: _Builder) -> None:
    """Six hours behind and always on fire — until briefs got a deadline and rush a price."""
    client = b.client(
        "Meridian Lane Events, Inc.",
        kind=Client.Kind.COMPANY,
        language=Language.ENGLISH, time_zone="America/New_York",
        street="220 West 29th Street, Suite 8", postal_code="10001", city="New York",
        country="US", preferred_channel=Channel.CHAT,
        contacts=[
            ContactSpec("Dana Whitaker", "Founder", "+1 212 555 0147",
                        ["dana@meridianlane.example"]),
            ContactSpec("Marcus Bell", "Event Producer", "+1 212 555 0162",
                        ["marcus.bell@meridianlane.example"]),
        ],
        tags=["International", "Events", "Notfallmodus"],
        history=[
            (240, Status.ACTIVE,
             "Referral from a former client. Started with a small project first to see "
             "how they work."),
        ],
    )
    b.project(
        client, "Speaker bios for the Future of Craft summit",
        rate_type=Rate.FIXED, amount="1400.00", currency="USD",
        status=ProjectStatus.COMPLETED, start=b.ago(235), end=b.ago(214),
        description="24 speaker bios, 120 words each, one revision round.",
    )
    b.project(
        client, "Campaign copy for the autumn event series",
        rate_type=Rate.DAILY, amount="540.00", currency="USD", status=ProjectStatus.ACTIVE,
        start=b.ago(120), end=b.ahead(30),
        description="Day rate per agreed working day. Briefs by Wednesday noon New York time; "
                    "anything later or outside Berlin office hours carries a 50 % rush fee.",
    )
    b.incident(
        client, 110, Category.PANIC, Severity.MEDIUM,
        "Message at 23:40 Berlin time: the landing page “has to go live tomorrow morning”. "
        "The brief arrived that evening, although the event was announced weeks ago.",
    )
    b.incident(
        client, 76, Category.UNREASONABLE_DEMAND, Severity.MEDIUM,
        "Dana called at 11 pm my time with a new tagline idea and expected a draft before "
        "her morning. Declined politely; the draft went out within office hours.",
    )
    b.incident(
        client, 47, Category.PANIC, Severity.HIGH,
        "Third “emergency” this month, again caused by late decisions on their side. A "
        "Sunday full of chat messages, and the Friday rush pushed back a delivery for "
        "another client. That is the line.",
    )
    b.check_in(
        client, 31, Outcome.CONCERN,
        "Raised the pattern openly with Dana. She agrees the team plans too late. Agreed: "
        "briefs by Wednesday noon NY time, 50 % rush fee for anything later, no replies at "
        "weekends.",
    )
    b.note(
        client, 5,
        "First weeks under the new rules: one brief on time, one late — the rush fee was "
        "invoiced and paid without a word.",
    )


def _haggler(b: _Builder) -> None:
    """Everything is "zu teuer" — less scope instead of a discount kept the rate intact."""
    client = b.client(
        "Feinkost Valentin GmbH",
        kind=Client.Kind.COMPANY,
        street="Kantstraße 97", postal_code="10627", city="Berlin", country="DE",
        vat_id="DE296403175", preferred_channel=Channel.PHONE,
        contacts=[
            ContactSpec("Roberto Valentin", "Geschäftsführer", "+49 30 23125 471",
                        ["r.valentin@feinkost-valentin.example"]),
        ],
        tags=["Einzelhandel", "Verhandelt hart"],
        history=[
            (100, Status.ACTIVE,
             "Nach zwei Verhandlungsrunden zum vollen Preis zugesagt – kein Rabatt, "
             "stattdessen kleinerer Umfang."),
        ],
    )
    b.project(
        client, "Weihnachtskatalog & Texte für Geschenkboxen",
        rate_type=Rate.FIXED, amount="2600.00", status=ProjectStatus.ACTIVE,
        start=b.ago(90), end=b.ahead(10),
        description="Ursprünglich 3.400 € angeboten; statt Rabatt Umfang reduziert (ohne "
                    "Newsletter, ohne Briefing für das Fotoshooting). Zwei Korrekturrunden, "
                    "jede weitere 150 €.",
    )
    b.note(
        client, 118,
        "Erstgespräch: „Zu teuer, meine Nichte schreibt auch ganz gut.“ Budget wollte er nicht "
        "nennen. Bauchgefühl gemischt – wenn überhaupt, dann kleiner Umfang mit Anzahlung.",
    )
    b.incident(
        client, 106, Category.HAGGLING, Severity.LOW,
        "Möchte 20 % Rabatt „für die langfristige Zusammenarbeit“ – vor dem ersten Auftrag. "
        "Abgelehnt und stattdessen zwei kleinere Pakete angeboten.",
    )
    b.incident(
        client, 52, Category.DISRESPECT, Severity.LOW,
        "Zur Teilrechnung: „Dafür hätte ich die Texte auch selbst schreiben können.“ "
        "Danach wieder freundlich, Zahlung pünktlich.",
    )
    b.incident(
        client, 17, Category.HAGGLING, Severity.MEDIUM,
        "Will eine vierte Korrekturrunde „inklusive“, obwohl zwei vereinbart sind. Preis "
        "genannt – erst „viel zu teuer“, dann doch beauftragt.",
    )


def _former_client(b: _Builder) -> None:
    """A good ending: the publisher hired in-house, the handover was documented."""
    client = b.client(
        "Seitenwind Verlag",
        kind=Client.Kind.COMPANY,
        street="Oranienstraße 25", postal_code="10999", city="Berlin", country="DE",
        vat_id="DE263918450", preferred_channel=Channel.EMAIL,
        contacts=[
            ContactSpec("Helene Marquardt", "Verlegerin", "+49 30 23125 602",
                        ["h.marquardt@seitenwind-verlag.example"]),
            ContactSpec("Felix Auer", "Lektorat", "+49 30 23125 615",
                        ["f.auer@seitenwind-verlag.example"]),
        ],
        tags=["Verlag", "Warteliste", "Referenz"],
        history=[
            (700, Status.ACTIVE,
             "Lektorats-Probeauftrag hat überzeugt; Klappentexte für beide Programme."),
            (75, Status.OFFBOARDING,
             "Der Verlag stellt eine eigene Redakteurin ein. Übergabe bis Monatsende "
             "vereinbart."),
            (40, Status.FORMER,
             "Übergabe abgeschlossen, Schlussrechnung bezahlt. Gern wieder – steht auf der "
             "Warteliste."),
        ],
    )
    b.project(
        client, "Klappentexte & Verlagsvorschauen",
        rate_type=Rate.DAILY, amount="480.00", status=ProjectStatus.COMPLETED,
        start=b.ago(690), end=b.ago(45),
        description="Frühjahrs- und Herbstprogramm: Klappentexte, Vorschau-Texte, "
                    "Pressetexte zu den Spitzentiteln.",
    )
    b.check_in(
        client, 300, Outcome.ALL_GOOD,
        "Jahresgespräch mit Helene: sehr zufrieden, Tagessatz für das nächste Programm "
        "ohne Diskussion angepasst.",
    )
    b.note(
        client, 73,
        "Offen gefragt, ob etwas an meiner Arbeit der Grund ist. Nein – bei dem Volumen ist "
        "eine Festanstellung günstiger. Abschied in sehr gutem Ton.",
    )
    b.note(
        client, 50,
        "Übergabedokument geschrieben: Ablauf der Vorschau-Texte Schritt für Schritt mit "
        "Screenshots aus dem Redaktionssystem, Stilregeln, Ansprechpartner in der Druckerei.",
    )
    b.note(
        client, 38,
        "Helene hat ein Testimonial für meine Website geschickt und empfiehlt mich für "
        "Sachbuchprojekte weiter.",
    )


def _prospect(b: _Builder) -> None:
    """A prospect being vetted: the interview answers compared with Lena's own profile."""
    client = b.client(
        "Radwerk Kollektiv eG",
        kind=Client.Kind.COMPANY,
        street="Ratiborstraße 14", postal_code="10999", city="Berlin", country="DE",
        preferred_channel=Channel.EMAIL,
        contacts=[
            ContactSpec("Merve Yıldız", "Vorstand Kommunikation", "+49 30 23125 734",
                        ["merve.yildiz@radwerk-kollektiv.example"]),
        ],
        tags=["Genossenschaft", "Jahresbericht"],
        history=[],
    )
    b.project(
        client, "Jahresbericht für Mitglieder",
        rate_type=Rate.FIXED, amount="3200.00", status=ProjectStatus.PLANNED,
        start=b.ahead(21), end=b.ahead(75),
        description="Angebot: ca. 24 Seiten Texte und Lektorat, zwei Korrekturrunden, "
                    "Infografiken nicht enthalten. 50 % Anzahlung vor Start. Angebot gültig "
                    "30 Tage.",
    )
    b.note(
        client, 9,
        "Erstgespräch per Video (45 Minuten): Jahresbericht für rund 400 Mitglieder. Eine "
        "feste Ansprechpartnerin, Feedback wird gesammelt per Mail geschickt. Arbeitstag ab "
        "8 Uhr, keine Wochenendarbeit. Budget 3.000–3.500 €.",
    )
    b.note(
        client, 5,
        "Abgleich mit meinem Profil: E-Mail als Hauptkanal passt, ein Call pro Woche reicht "
        "ihnen völlig. Ehrlich gesagt, dass ich Infografiken nicht selbst baue – haben sie "
        "intern. Bauchgefühl: gut.",
    )
    b.note(
        client, 2,
        "Angebot verschickt. Nachfassen in einer Woche, falls bis dahin keine Antwort da ist.",
    )


CLIENTS = [
    _ideal_client,
    _slow_payer,
    _scope_creeper,
    _chatty_caller,
    _ghost,
    _panic_mode,
    _haggler,
    _former_client,
    _prospect,
]
