"""Demo data of this app, added to the demo workspace by `rapport demo`.

Each demo client gets messages and meetings generated from a small profile that tells
its story: the ideal client writes in office hours and answers within hours; the panicking
event company writes at 11 pm and cancels calls an hour before; the ghost never answers.
The generator is seeded, so the demo is the same on every run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from rapport.billing.models import PendingFee
from rapport.clients.models import Client
from rapport.comms.mailparse import normalise_subject
from rapport.comms.models import (
    Direction,
    Meeting,
    MeetingChange,
    MeetingLog,
    Message,
    Source,
)
from rapport.core import clock
from rapport.core.models import Workspace

DE_TOPICS = [
    ("Entwurf {n} zur Freigabe", "anbei der Entwurf {n}. Passt die Richtung so?",
     "danke, sieht gut aus. Zwei kleine Anmerkungen im Dokument."),
    ("Feedback zu Kapitel {n}", "wann kann ich mit eurem Feedback zu Kapitel {n} rechnen?",
     "Feedback kommt, wir sind gerade etwas im Verzug."),
    ("Termin nächste Woche", "passt euch Dienstag um 10 Uhr für eine kurze Abstimmung?",
     "Dienstag passt, bis dann."),
    ("Bilder für den Beitrag", "habt ihr die Bilder für Beitrag {n} schon ausgewählt?",
     "Die Bilder schicke ich morgen."),
    ("Rechnung {n}", "anbei die Rechnung {n}. Zahlbar innerhalb von 14 Tagen.",
     "Danke, ist an die Buchhaltung weitergeleitet."),
]
EN_TOPICS = [
    ("Draft {n} for review", "attached is draft {n}. Does the direction work for you?",
     "Thanks, looks good. Two small comments inline."),
    ("Feedback on section {n}", "when can I expect your feedback on section {n}?",
     "Feedback is coming, we are a bit behind."),
    ("Call next week", "does Tuesday 10 am work for a short check-in?",
     "Tuesday works, talk then."),
    ("Assets for post {n}", "have you picked the images for post {n} yet?",
     "Will send the images tomorrow."),
    ("Invoice {n}", "please find invoice {n} attached, payable within 14 days.",
     "Thanks, forwarded to accounts."),
]


@dataclass
class Story:
    """How one client communicates, as numbers the generator turns into messages."""

    client: str
    english: bool = False
    weeks: int = 20
    threads_per_week: float = 1.5
    late_share: float = 0.05           # messages the client sends at night or weekends
    reply_hours: tuple[int, int] = (2, 24)
    answer_rate: float = 0.9           # share of my questions the client answers
    extra_subjects: list[tuple[str, str]] = field(default_factory=list)
    meetings_per_month: int = 1
    cancel_share: float = 0.0
    cancel_lead_hours: tuple[int, int] = (48, 120)
    reschedule_share: float = 0.0
    off_topic_share: float = 0.1
    no_show_billable: bool = False


STORIES = [
    Story("Nordlicht Kommunikation GmbH", weeks=26, threads_per_week=2, late_share=0.02,
          reply_hours=(1, 6), answer_rate=1.0),
    Story("Möbelmanufaktur Brandt KG", weeks=20, threads_per_week=1, reply_hours=(24, 120),
          answer_rate=0.7, extra_subjects=[
              ("Zahlung verspätet", "die Zahlung verzögert sich leider noch etwas, "
               "wir überweisen nächste Woche."),
              ("Erinnerung", "wir haben Ihre Erinnerung erhalten und kümmern uns.")]),
    Story("Grünwerk Solar GmbH", weeks=16, threads_per_week=2.5, late_share=0.15,
          reply_hours=(2, 30), extra_subjects=[
              ("Noch eine Kleinigkeit", "könnten Sie noch schnell die Produktseite "
               "mitmachen? Ist ja nur eine Seite."),
              ("Kurze Bitte", "könnten Sie die Broschüre noch ins Englische übertragen? "
               "Das war doch eh mit drin, oder?")]),
    Story("Annette Sommer – Physiotherapie am Park", weeks=14, threads_per_week=1,
          reply_hours=(1, 12), meetings_per_month=4, off_topic_share=0.45,
          no_show_billable=True),
    Story("Brightloop Ltd", english=True, weeks=12, threads_per_week=1,
          reply_hours=(96, 400), answer_rate=0.25, meetings_per_month=1, cancel_share=0.5,
          cancel_lead_hours=(20, 40)),
    Story("Meridian Lane Events, Inc.", english=True, weeks=12, threads_per_week=3,
          late_share=0.55, reply_hours=(0, 3), meetings_per_month=3, cancel_share=0.4,
          cancel_lead_hours=(1, 3), reschedule_share=0.3, extra_subjects=[
              ("URGENT: venue copy", "we need the venue copy tonight, the printer "
               "moved the deadline!!"),
              ("ASAP – sponsor deck", "can you turn the sponsor deck around by "
               "tomorrow morning? Sorry for the short notice.")]),
    Story("Feinkost Valentin GmbH", weeks=10, threads_per_week=1.5, reply_hours=(4, 48),
          extra_subjects=[
              ("Angebot", "das ist uns zu teuer. Geht da noch was beim Preis?"),
              ("Rechnung zu hoch", "warum kostet die Korrekturrunde extra? Das sollte "
               "inklusive sein.")]),
    Story("Seitenwind Verlag", weeks=30, threads_per_week=0.5, reply_hours=(6, 48)),
    Story("Radwerk Kollektiv eG", weeks=3, threads_per_week=1, reply_hours=(4, 24),
          meetings_per_month=1),
]


def _stamp(rng: random.Random, day: dt.date, tz: dt.tzinfo, late: bool) -> dt.datetime:
    hour = rng.choice([6, 21, 22, 23]) if late else rng.randint(9, 16)
    return dt.datetime.combine(day, dt.time(hour, rng.randint(0, 59)), tzinfo=tz)


class _Generator:
    def __init__(self, workspace: Workspace, today: dt.date) -> None:
        self.workspace = workspace
        self.today = today
        self.tz = workspace.tz
        self.own = workspace.email or "me@example.com"
        self.rng = random.Random(20261122)
        self.messages: list[Message] = []
        self.counter = 0
        # Nothing may have happened after this moment: now, or the end of `today`.
        now = clock.now()
        self.cutoff = (now if timezone.localdate(now, self.tz) == today
                       else dt.datetime.combine(today, dt.time(23, 59), tzinfo=self.tz))

    def message(self, client: Client, contact: tuple[str, str, int | None], outbound: bool,
                when: dt.datetime, subject: str, body: str, thread: str,
                reply_to: str = "") -> str:
        self.counter += 1
        message_id = f"<demo-{self.counter}@{'rapport' if outbound else 'client'}.example>"
        name, address, contact_id = contact
        attachments = [{"name": "Entwurf.pdf" if "ntwurf" in subject else "draft.pdf",
                        "size": self.rng.randint(40_000, 900_000),
                        "type": "application/pdf"}] if "raft" in subject \
            or "ntwurf" in subject else []
        if when > self.cutoff:
            return message_id  # not written yet: no mail from the future
        self.messages.append(Message(
            workspace=self.workspace, message_id=message_id, in_reply_to=reply_to,
            dedup_key=hashlib.sha256(f"id:{message_id}".encode()).hexdigest(),
            thread_key=thread or message_id, date=when, subject=subject[:500],
            from_address=self.own if outbound else address,
            from_name="" if outbound else name,
            to_addresses=address if outbound else self.own, body_text=body,
            direction=Direction.OUTBOUND if outbound else Direction.INBOUND,
            client=client, contact_id=None if outbound else contact_id, source=Source.DEMO,
            attachments=attachments,
        ))
        return message_id

    def story(self, story: Story, client: Client) -> None:
        contacts = [(c.name, e.address, c.pk) for c in client.contacts.all()
                    for e in c.emails.all()]
        if not contacts:
            return
        rng = self.rng
        hello = "Hi" if story.english else "Hallo"
        topics = EN_TOPICS if story.english else DE_TOPICS
        start = self.today - dt.timedelta(weeks=story.weeks)
        threads = int(story.weeks * story.threads_per_week)
        for n in range(threads):
            contact = rng.choice(contacts)
            day = start + dt.timedelta(days=rng.randint(0, story.weeks * 7 - 1))
            first_name = contact[0].split()[0]
            if story.extra_subjects and rng.random() < 0.35:
                subject, text = rng.choice(story.extra_subjects)
                late = rng.random() < story.late_share
                when = _stamp(rng, day, self.tz, late)
                when = when if late else _office(when, self.tz)
                body = f"{hello} Lena,\n\n{text}\n\n{first_name}"
                root = self.message(client, contact, False, when, subject, body, "")
                answer = when + dt.timedelta(hours=rng.randint(2, 20))
                reply = ("Thanks, I'll look into it and come back to you with a quote."
                         if story.english else
                         "danke, ich schaue es mir an und melde mich mit einem Angebot.")
                self.message(client, contact, True, _office(answer, self.tz),
                             "Re: " + subject, f"{hello} {first_name},\n\n{reply}\n\nLena",
                             root, root)
                continue
            subject, question, answer_text = rng.choice(topics)
            subject = subject.format(n=n + 1)
            when = _office(_stamp(rng, day, self.tz, False), self.tz)
            body = f"{hello} {first_name},\n\n{question.format(n=n + 1)}\n\nLena"
            root = self.message(client, contact, True, when, subject, body, "")
            if rng.random() > story.answer_rate:
                continue
            delay = dt.timedelta(hours=rng.randint(*story.reply_hours),
                                 minutes=rng.randint(5, 55))
            reply_at = _office(when + delay, self.tz)
            if rng.random() < story.late_share:
                reply_at = _stamp(rng, (when + delay).date(), self.tz, True)
                reply_at = max(reply_at, when + dt.timedelta(minutes=20))
            self.message(client, contact, False, reply_at, "Re: " + subject,
                         f"{hello} Lena,\n\n{answer_text}\n\n{first_name}\n\n> {question}",
                         root, root)

    def meetings(self, story: Story, client: Client) -> None:
        rng = self.rng
        contacts = [e.address for c in client.contacts.all() for e in c.emails.all()]
        title = "Check-in" if story.english else "Abstimmung"
        months = max(story.weeks // 4, 1)
        for n in range(months * story.meetings_per_month):
            day = self.today - dt.timedelta(days=rng.randint(-14, story.weeks * 7))
            start = dt.datetime.combine(day, dt.time(rng.choice([10, 11, 14, 15])),
                                        tzinfo=self.tz)
            if start.weekday() >= 5:
                start -= dt.timedelta(days=2)
            length = dt.timedelta(minutes=rng.choice([30, 45, 60]))
            cancelled = rng.random() < story.cancel_share
            meeting = Meeting.objects.create(
                workspace=self.workspace, uid=f"demo-{client.pk}-{n}@rapport.example",
                summary=f"{title}: {client.name}", start=start, end=start + length,
                organizer=self.own, attendees=",".join(contacts[:1]), client=client,
                source=Source.DEMO,
            )
            # Only the organizer cancels or moves a meeting: in these stories the client does.
            client_address = contacts[0] if contacts else meeting.organizer
            if cancelled:
                lead = dt.timedelta(hours=rng.randint(*story.cancel_lead_hours))
            if cancelled and start - lead <= self.cutoff:  # a cancellation already made
                meeting.organizer = client_address
                meeting.status = Meeting.Status.CANCELLED
                meeting.cancelled_at = start - lead
                meeting.sequence = 1
                meeting.save()
                MeetingChange.objects.create(
                    workspace=self.workspace, meeting=meeting,
                    kind=MeetingChange.Kind.CANCELLED, old_start=start,
                    changed_at=start - lead, lead_time=lead, sequence=1)
                continue
            if cancelled:
                pass  # still to come: the meeting stands for now
            elif rng.random() < story.reschedule_share:
                lead = dt.timedelta(hours=rng.randint(2, 20))
                new_start = start + dt.timedelta(days=rng.randint(1, 3))
                if start - lead > self.cutoff:
                    continue
                MeetingChange.objects.create(
                    workspace=self.workspace, meeting=meeting,
                    kind=MeetingChange.Kind.RESCHEDULED, old_start=start,
                    new_start=new_start, changed_at=start - lead, lead_time=lead, sequence=1)
                meeting.start, meeting.end, meeting.sequence = new_start, new_start + length, 1
                meeting.organizer = client_address
                meeting.save()
            if meeting.start.date() < self.today and story.meetings_per_month >= 3:
                self.log(story, client, meeting, length)

    def log(self, story: Story, client: Client, meeting: Meeting,
            length: dt.timedelta) -> None:
        rng = self.rng
        planned = int(length.total_seconds() // 60)
        if story.no_show_billable and not client.meeting_logs.filter(no_show=True).exists() \
                and rng.random() < 0.3:
            log = MeetingLog.objects.create(
                workspace=self.workspace, client=client, meeting=meeting,
                held_on=meeting.start.date(), planned_minutes=planned, no_show=True,
                billable=True, notes="Nicht erschienen, keine Absage.")
            PendingFee.objects.create(
                workspace=self.workspace, client=client, meeting_log=log,
                description=f"Ausgefallener Termin am {log.held_on:%d.%m.%Y}",
                amount=Decimal("60.00"), currency=self.workspace.default_currency)
            return
        actual = planned + rng.randint(0, int(planned * story.off_topic_share * 2))
        off_topic = int(actual * story.off_topic_share * rng.uniform(0.6, 1.2))
        MeetingLog.objects.create(
            workspace=self.workspace, client=client, meeting=meeting,
            held_on=meeting.start.date(), planned_minutes=planned, actual_minutes=actual,
            agenda_minutes=actual - off_topic, off_topic_minutes=off_topic)


def _office(moment: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """Move a moment of mine into office hours (Lena answers on weekdays 9–17)."""
    local = moment.astimezone(tz)
    if local.hour >= 17:
        local = (local + dt.timedelta(days=1)).replace(hour=9, minute=local.minute)
    elif local.hour < 9:
        local = local.replace(hour=9)
    while local.weekday() >= 5:
        local += dt.timedelta(days=1)
    return local


def _unknown_senders(gen: _Generator) -> None:
    anchor = dt.datetime.combine(gen.today - dt.timedelta(days=3), dt.time(20, 15),
                                 tzinfo=gen.tz)
    for n, (name, address, subject, body) in enumerate([
        ("Julia Brenner", "julia.brenner@gmail.com", "Anfrage über Katrin Albers",
         "Hallo Frau Hoffmann,\n\nKatrin Albers hat Sie empfohlen. Hätten Sie ab März "
         "Kapazität für unseren Blog?\n\nJulia Brenner"),
        ("Sam Porter", "sam@porter-studio.example", "Collaboration?",
         "Hi Lena,\n\nwould you be open to co-writing a case study with our studio?\n\nSam"),
    ]):
        gen.counter += 1
        message_id = f"<demo-unknown-{n}@client.example>"
        gen.messages.append(Message(
            workspace=gen.workspace, message_id=message_id,
            dedup_key=hashlib.sha256(f"id:{message_id}".encode()).hexdigest(),
            thread_key=message_id, date=anchor + dt.timedelta(days=n), subject=subject,
            from_address=address, from_name=name, to_addresses=gen.own, body_text=body,
            direction=Direction.INBOUND, source=Source.DEMO))


def add_demo_data(workspace: Workspace, today: dt.date) -> None:
    """A few hundred messages and some dozens of meetings that tell the clients' stories."""
    gen = _Generator(workspace, today)
    clients = {c.name: c for c in Client.objects.filter(workspace=workspace)
               .prefetch_related("contacts__emails")}
    for story in STORIES:
        client = clients.get(story.client)
        if client is None:
            continue
        gen.story(story, client)
        gen.meetings(story, client)
    _unknown_senders(gen)
    for message in gen.messages:
        message.normalised_subject = normalise_subject(message.subject)
    Message.objects.bulk_create(gen.messages, batch_size=500)
