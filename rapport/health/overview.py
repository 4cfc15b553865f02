"""The health overview: the counts, "what changed this week", the chart and one page of the
portfolio table — each with one rule, used by the overview and the dashboard alike.

Everything starts from the stored assessments (`snapshots.reassess_stale` first): the
overall status, the friction, the signs to watch or present and the counts behind the
recommendation are columns written with the assessment, so the counts, the filters, the
order and the paging are done by the database for all clients, and the chart of every
client is drawn without decoding any stored signs. The value side (revenue, share,
enjoyment) is read fresh: two grouped queries. The table rows are written in Python:
plain string formatting costs a millisecond; every text is escaped with `html.escape`
before it is put in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When, Window
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from rapport.billing.income import Income, received_in_year
from rapport.core.models import Workspace
from rapport.core.rates import Rate
from rapport.health import defaults
from rapport.health.assessment import (
    NONE,
    PRESENT,
    RECOMMENDATIONS,
    STATUS_LABELS,
    WATCH,
    client_health_url,
    recommendation_key,
)
from rapport.health.models import HealthSnapshot
from rapport.health.snapshots import ACTIVE_STATUSES, reassess_stale

PAGE_SIZE = 25
STATUSES = (PRESENT, WATCH, NONE)
# Worst first: the status (as a number), then the friction, then the name.
_RANK = Case(When(status=PRESENT, then=Value(2)), When(status=WATCH, then=Value(1)),
             default=Value(0), output_field=IntegerField())
WORST_FIRST = ("-rank", "-friction", "client__name", "client_id")


def assessed(workspace: Workspace, today: dt.date | None = None) -> QuerySet[HealthSnapshot]:
    """The up-to-date assessments of the clients health looks at (active, paused,
    offboarding), worst first. Every such client has one (a failed first assessment
    is stored without signs)."""
    reassess_stale(workspace, today)
    return (HealthSnapshot.objects.filter(workspace=workspace,
                                          client__status__in=ACTIVE_STATUSES)
            .annotate(rank=_RANK).order_by(*WORST_FIRST))


def status_counts(snapshots: QuerySet[HealthSnapshot]) -> dict[str, int]:
    """How many clients are red, amber and green: counted by the database, over all of
    them (never over one page)."""
    found = dict(snapshots.order_by().values_list("status").annotate(n=Count("pk")))
    return {status: found.get(status, 0) for status in STATUSES}


@dataclass(frozen=True)
class Change:
    """What changed for one client in the last seven days."""

    client_id: int
    name: str
    new_this_week: int
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # sign, was, now

    @property
    def url(self) -> str:
        return client_health_url(self.client_id)

    @property
    def change_labels(self) -> list[tuple[str, str, str]]:
        """(sign, status a week ago, status now), in words."""
        return [(str(defaults.SIGNS[key]["label"]), str(STATUS_LABELS[was]),
                 str(STATUS_LABELS[now])) for key, was, now in self.changes
                if key in defaults.SIGNS]


def what_changed(snapshots: QuerySet[HealthSnapshot], limit: int) -> tuple[list[Change], int]:
    """The clients whose week brought a change: a sign's status changed or new signals
    arrived. Status changes first (the most first), then the most new signals, then by
    name. Returns the first `limit` and how many more there are (ordered and counted by
    the database: only the rows shown are read)."""
    found = list(snapshots.filter(Q(new_this_week__gt=0) | Q(changed_signs__gt=0))
                 .annotate(found=Window(Count("pk")))  # how many, in the same query
                 .order_by("-changed_signs", "-new_this_week", "client__name", "client_id")
                 .values_list("client_id", "client__name", "new_this_week", "changes",
                              "found")[:limit])
    shown = [Change(pk, name, new, [tuple(c) for c in changes or []])
             for pk, name, new, changes, _found in found]
    return shown, (found[0][4] - len(shown)) if found else 0


def update_failed(snapshots: QuerySet[HealthSnapshot]) -> list[str]:
    """The names of the clients whose last reassessment failed (the previous one is shown)."""
    return list(snapshots.filter(update_failed_at__isnull=False)
                .values_list("client__name", flat=True))


class Flag(NamedTuple):
    """A sign to watch or present, as a list shows it."""

    key: str
    label: str
    status: str


@dataclass(slots=True)
class Row:
    """One client as the overview's chart and table and the dashboard's list show it: the
    snapshot's columns (never its stored signs) with the value side read fresh."""

    client_id: int
    name: str
    status: str
    friction: float
    revenue: Decimal
    share: float | None
    enjoyment: int | None
    recommendation: str  # a key of RECOMMENDATIONS
    update_failed: bool = False  # the last reassessment raised: the previous one is shown
    flagged: tuple[tuple[str, str], ...] = ()  # (sign, status); read for shown rows only

    @property
    def url(self) -> str:
        return client_health_url(self.client_id)

    @property
    def recommendation_label(self) -> str:
        return str(RECOMMENDATIONS[self.recommendation])

    @property
    def flags(self) -> list[Flag]:
        """The signs to watch or present, named in the reader's language."""
        return [Flag(key, str(defaults.SIGNS[key]["label"]), status)
                for key, status in self.flagged if key in defaults.SIGNS]


# What a row reads from a snapshot (and the client's enjoyment rating, joined); `flagged`
# only for the rows a page lists.
ROW_COLUMNS = ("client_id", "client__name", "status", "friction", "present_signs",
               "watch_signs", "exit_sign", "update_failed_at", "client__enjoyment__rating")


@dataclass
class Values:
    """The revenue the overview shows: 12 months in the workspace currency
    (`received_in_year`, as the client pages read it); the enjoyment rating comes with
    each row."""

    income: Income
    total: Decimal = Decimal("0")

    @classmethod
    def read(cls, workspace: Workspace, today: dt.date) -> Values:
        income = received_in_year(workspace, today)
        return cls(income=income, total=sum(income.by_client.values(), Decimal("0")))

    def row(self, client_id: int, name: str, status: str, friction: float, present: int,
            watch: int, exit_sign: bool, failed_at: dt.datetime | None, joy: int | None,
            flagged: list | None = None) -> Row:
        revenue = self.income.by_client.get(client_id, Decimal("0"))
        share = float(revenue / self.total) if self.total else None
        return Row(client_id, name, status, friction, revenue, share, joy,
                   recommendation_key(present, watch, exit_sign, joy, share),
                   failed_at is not None, tuple(tuple(f) for f in flagged or ()))

    def rates(self, client_ids: list[int]) -> dict:
        """The exchange rates behind the converted revenue of these clients, to state them."""
        foreign = {code for pk in client_ids for code in self.income.foreign(pk)}
        if not foreign:
            return {"rates": [], "stale": False}
        wanted = foreign | {self.income.currency}
        by_code: dict[str, Rate] = {r.currency: r for r in self.income.rates
                                    if r.currency in wanted}
        return {"rates": [by_code[code] for code in sorted(by_code)],
                "stale": self.income.stale}


def rows(snapshots: QuerySet[HealthSnapshot], values: Values) -> list[Row]:
    """These snapshots as rows for the chart (without their signs), in their order."""
    return [values.row(*r) for r in snapshots.values_list(*ROW_COLUMNS)]


@dataclass
class Overview:
    """The overview page: counts and chart of all clients, one filtered page of the table."""

    counts: dict[str, int]
    portfolio: list[Row]  # every client, worst first (the chart)
    page: Page
    rows: list[Row]  # the page's clients
    changed: list[Change]
    changed_more: int
    failed: list[str]
    matching: int  # clients the filter found
    rates: dict = field(default_factory=dict)  # {"rates": [...], "stale": bool}


def overview(workspace: Workspace, status: str = "", query: str = "", page: object = 1,
             per_page: int | None = None, changed_shown: int = 15) -> Overview:
    """Filter by status and client name, page worst first; count and chart everyone. The
    chart reads every client anyway: the counts and the failed ones come from its rows."""
    today = timezone.localdate(timezone=workspace.tz)
    snapshots = assessed(workspace, today)
    values = Values.read(workspace, today)
    portfolio = rows(snapshots, values)
    counts = dict.fromkeys(STATUSES, 0)
    for row in portfolio:
        counts[row.status] += 1
    chosen = snapshots
    if status in STATUSES:
        chosen = chosen.filter(status=status)
    if query:
        chosen = chosen.filter(client__name__icontains=query)
    paginator = Paginator(chosen.values_list(*ROW_COLUMNS, "flagged"), per_page or PAGE_SIZE)
    if not query:  # known already: no need to count again
        paginator.count = counts[status] if status in STATUSES else len(portfolio)
    paged = paginator.get_page(page)
    changed, more = what_changed(snapshots, changed_shown)
    return Overview(counts=counts, portfolio=portfolio, page=paged,
                    rows=[values.row(*r) for r in paged.object_list],
                    changed=changed, changed_more=more,
                    failed=[row.name for row in portfolio if row.update_failed],
                    matching=paginator.count,
                    rates=values.rates([r.client_id for r in portfolio]))


def portfolio_rows(portfolio: list[Row]) -> SafeString:
    words = {PRESENT: escape(_("red")), WATCH: escape(_("amber"))}
    green = escape(_("green"))
    labels: dict[str, str] = {}
    html = []
    for h in portfolio:
        tags = " ".join(f'<span class="status-{f.status} sign-tag">{escape(f.label)}</span>'
                        for f in h.flags)
        share = f"{round(h.share * 100)} %" if h.share is not None else "–"
        key = h.recommendation
        if key not in labels:
            labels[key] = escape(h.recommendation_label)
        html.append(
            f'<tr data-testid="health-row-{h.client_id}" class="health-{h.status}">'
            f'<td><a href="{escape(h.url)}">{escape(h.name)}</a></td>'
            f'<td><span class="badge status-{h.status}" data-testid="health-status">'
            f"{words.get(h.status, green)}</span></td><td>{tags}</td>"
            f"<td>{number_format(h.revenue, 0, use_l10n=True, force_grouping=True)}</td>"
            f"<td>{share}</td><td>{h.enjoyment if h.enjoyment is not None else '–'}"
            f"</td><td>{labels[key]}</td></tr>")
    return mark_safe("\n".join(html))  # noqa: S308  every text is escaped above
