"""The yearly review: which clients of the year made you happy and which cost you.

Per client of the year (paid you, met you, had an incident or changed status in it):
- revenue: payments received in the year, per currency, each currency's total converted
  once into the workspace currency at the ECB rate of the review day (the year's last
  day, or today for the running year) — never added across currencies
  (`rapport.billing.income`); a currency without a rate is listed, not counted;
- hours: every hour the client cost in the year — tracked time of every category, meetings
  and the per-email estimate (`rapport.timetracking.hours`), where there are any;
- health history: the client's health status (none / watch / present) at the end of
  each month, assessed as the health page would have on that day;
- incidents recorded in the year, the enjoyment rating, the journal's lessons.

"Made you happy": no month with a warning sign present, no incident, no journal entry
about the client after an incident or an ending, and an enjoyment rating of 4 or 5 when
there is one. "Cost you": two or more months with a sign present,
or an enjoyment rating of 1 or 2, or three or more incidents. Everything else is mixed.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count

from rapport.billing.income import Income, received
from rapport.billing.models import Payment
from rapport.clients.models import Client, Note, StatusChange
from rapport.comms.models import MeetingLog
from rapport.core import clock
from rapport.core.models import Workspace
from rapport.core.money import quantize
from rapport.health.assessment import (
    NONE,
    PRESENT,
    STATUS_ORDER,
    WATCH,
    assess_signs,
    load_facts,
)
from rapport.health.models import Enjoyment
from rapport.journal.models import JournalEntry, Lesson, Occasion
from rapport.timetracking.hours import hours_by_client

HAPPY, COST, MIXED = "happy", "cost", "mixed"

@dataclass
class ClientYear:
    client: Client
    revenue: Decimal
    original: dict[str, Decimal]  # payments in other currencies, before converting
    unconverted: dict[str, Decimal]  # no exchange rate: not in `revenue`
    hours: Decimal | None
    hourly_rate: Decimal | None
    enjoyment: int | None
    months: list[str]  # health status at each month's end; "" for months still to come
    incidents: int
    lessons: list[Lesson] = field(default_factory=list)
    hard_reflections: int = 0  # journal entries after an incident or an ending

    @property
    def present_months(self) -> int:
        return self.months.count(PRESENT)

    @property
    def watch_months(self) -> int:
        return self.months.count(WATCH)

    @property
    def verdict(self) -> str:
        if (self.present_months >= 2 or self.incidents >= 3
                or (self.enjoyment is not None and self.enjoyment <= 2)):
            return COST
        if (self.present_months == 0 and self.incidents == 0 and not self.hard_reflections
                and (self.enjoyment is None or self.enjoyment >= 4)):
            return HAPPY
        return MIXED

@dataclass
class YearReview:
    year: int
    day: dt.date  # the review day: the year's end, or today
    currency: str
    income: Income
    clients: list[ClientYear]
    lessons: list[Lesson]

    @property
    def total(self) -> Decimal:
        return sum((c.revenue for c in self.clients), Decimal("0"))

    def of(self, verdict: str) -> list[ClientYear]:
        return [c for c in self.clients if c.verdict == verdict]

def month_ends(year: int, day: dt.date) -> list[dt.date | None]:
    """The last day of each month of `year`; None for months that have not ended yet,
    except the running month, which is assessed as of `day`."""
    ends: list[dt.date | None] = []
    for month in range(1, 13):
        end = dt.date(year, month, calendar.monthrange(year, month)[1])
        first = end.replace(day=1)
        ends.append(end if end <= day else day if first <= day else None)
    return ends

def clients_of(workspace: Workspace, year: int) -> list[Client]:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    paid = set(Payment.objects.filter(workspace=workspace, paid_on__range=(start, end))
               .values_list("invoice__client_id", flat=True))
    ids = set(MeetingLog.objects.filter(workspace=workspace, held_on__range=(start, end))
               .values_list("client_id", flat=True))
    ids |= set(Note.objects.filter(workspace=workspace, kind=Note.Kind.INCIDENT,
                                   happened_on__range=(start, end))
               .values_list("client_id", flat=True))
    ids |= set(StatusChange.objects.filter(workspace=workspace, changed_on__range=(start, end))
               .exclude(to_status__in=[Client.Status.PROSPECT, Client.Status.DECLINED])
               .values_list("client_id", flat=True))
    # Prospects never worked for: only what they paid brings them in.
    worked = Client.objects.filter(workspace=workspace, pk__in=ids).exclude(
        status__in=[Client.Status.PROSPECT, Client.Status.DECLINED])
    return list((worked | Client.objects.filter(workspace=workspace, pk__in=paid))
                .distinct().order_by("name"))

def review(workspace: Workspace, year: int, today: dt.date | None = None) -> YearReview:
    today = today or clock.today()
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    day = min(end, today)
    clients = clients_of(workspace, year)
    for client in clients:
        client.workspace = workspace
    income = received(workspace, Payment.objects.filter(
        workspace=workspace, paid_on__range=(start, day)), day)
    minutes = {pk: sum(by_category.values()) for pk, by_category in
               hours_by_client(workspace, start, day + dt.timedelta(days=1)).items()}
    incidents = dict(Note.objects.filter(workspace=workspace, kind=Note.Kind.INCIDENT,
                                         happened_on__range=(start, day))
                     .values_list("client_id").annotate(n=Count("pk")).order_by())
    enjoyment = dict(Enjoyment.objects.filter(workspace=workspace)
                     .values_list("client_id", "rating"))
    lessons = list(Lesson.objects.filter(
        workspace=workspace, entry__written_on__range=(start, end))
        .select_related("entry", "entry__client").prefetch_related("changes")
        .order_by("entry__written_on", "pk"))
    history = _health_history(workspace, clients, year, day)
    hard = dict(JournalEntry.objects.filter(
        workspace=workspace, written_on__range=(start, end), client__isnull=False,
        occasion__in=[Occasion.INCIDENT, Occasion.TERMINATION])
        .values_list("client_id").annotate(n=Count("pk")).order_by())
    rows = []
    for client in clients:
        revenue = income.by_client.get(client.pk, Decimal("0"))
        spent = minutes.get(client.pk)
        hours = (Decimal(spent) / 60).quantize(Decimal("0.1")) if spent else None
        rate = quantize(revenue / (Decimal(spent) / 60), income.currency) \
            if spent and revenue else None
        rows.append(ClientYear(
            client=client, revenue=revenue, original=income.foreign(client.pk),
            unconverted=income.unconverted.get(client.pk, {}), hours=hours,
            hourly_rate=rate, enjoyment=enjoyment.get(client.pk),
            months=history.get(client.pk, [""] * 12), incidents=incidents.get(client.pk, 0),
            lessons=[lesson for lesson in lessons if lesson.entry.client_id == client.pk],
            hard_reflections=hard.get(client.pk, 0)))
    rows.sort(key=lambda r: (-r.revenue, r.client.name))
    return YearReview(year, day, income.currency, income, rows, lessons)

def _health_history(workspace: Workspace, clients: list[Client], year: int,
                    day: dt.date) -> dict[int, list[str]]:
    """The health status at each month's end. `load_facts` reads signals and messages from
    two windows before the day it is given onwards, so one read for the first month's end
    holds everything the later months need; `assess_signs` keeps to each day's window."""
    history = {client.pk: [""] * 12 for client in clients}
    ends = month_ends(year, day)
    if not clients or ends[0] is None:
        return history
    facts = load_facts(workspace, clients, ends[0])
    for index, end in enumerate(ends):
        if end is None:
            continue
        for client in clients:
            signs = assess_signs(workspace, facts.signals.get(client.pk, []), facts.settings,
                                 end, facts.inbound.get(client.pk, []))
            history[client.pk][index] = max((s.status for s in signs), key=STATUS_ORDER.get,
                                            default=NONE)
    return history

def years_with_data(workspace: Workspace, today: dt.date | None = None) -> list[int]:
    """The years a review can show, newest first: this year and any with payments or
    journal entries."""
    today = today or clock.today()
    years = {today.year}
    years |= {d.year for d in Payment.objects.filter(workspace=workspace)
              .dates("paid_on", "year")}
    years |= {d.year for d in JournalEntry.objects.filter(workspace=workspace)
              .dates("written_on", "year")}
    return sorted((y for y in years if y <= today.year), reverse=True)
