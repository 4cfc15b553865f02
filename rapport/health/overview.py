"""The health overview: the counts, "what changed this week", the chart and one page of the
portfolio table — each with one rule, used by the overview and the dashboard alike.

Everything starts from the stored assessments (`snapshots.bring_up_to_date` first): the
overall status and friction are columns, so the counts, the filters, the order and the
paging are done by the database for all clients, whatever page is shown. The table rows
are written in Python: plain string formatting costs a millisecond; every text is escaped
with `html.escape` before it is put in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html import escape

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from rapport.core.models import Workspace
from rapport.health import defaults
from rapport.health.assessment import (
    NONE,
    PRESENT,
    STATUS_LABELS,
    WATCH,
    ClientHealth,
    Facts,
    client_health_url,
    health_settings,
    load_value,
)
from rapport.health.models import HealthSnapshot
from rapport.health.snapshots import (
    ACTIVE_STATUSES,
    bring_up_to_date,
    health_from,
    sign_labels,
)

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
    bring_up_to_date(workspace, today)
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
    name. Returns the first `limit` and how many more there are."""
    rows = (snapshots.filter(Q(new_this_week__gt=0) | ~Q(changes=[])).order_by()
            .values_list("client_id", "client__name", "new_this_week", "changes"))
    found = sorted((Change(pk, name, new, [tuple(c) for c in changes or []])
                    for pk, name, new, changes in rows),
                   key=lambda c: (-len(c.changes), -c.new_this_week, c.name, c.client_id))
    return found[:limit], max(len(found) - limit, 0)


def update_failed(snapshots: QuerySet[HealthSnapshot]) -> list[str]:
    """The names of the clients whose last reassessment failed (the previous one is shown)."""
    return list(snapshots.filter(update_failed_at__isnull=False)
                .values_list("client__name", flat=True))


def healths(workspace: Workspace, snapshots: list[HealthSnapshot] | QuerySet[HealthSnapshot],
            today: dt.date | None = None) -> list[ClientHealth]:
    """These stored assessments with their value side (income, hours, enjoyment, read fresh
    in a few grouped queries) and recommendation, in the order given."""
    today = today or timezone.localdate(timezone=workspace.tz)
    # A short list (the dashboard's five) reads only its own clients' hours.
    clients = [s.client_id for s in snapshots] if isinstance(snapshots, list) else None
    facts = load_value(Facts(today=today, settings=health_settings(workspace)), workspace,
                       clients)
    labels = sign_labels()
    result = []
    for snapshot in snapshots:
        client = snapshot.client
        client.workspace = workspace
        result.append(health_from(client, snapshot, facts, labels))
    return result


def with_clients(snapshots: QuerySet[HealthSnapshot]) -> QuerySet[HealthSnapshot]:
    """The snapshots with their clients, only the columns a row and the chart need (a
    whole client row is wide; the week's changes are read by `what_changed`)."""
    return snapshots.select_related("client").only(
        "client_id", "signs", "new_this_week", "update_failed_at", "status", "friction",
        "client__name", "client__status", "client__workspace_id")


@dataclass
class Overview:
    """The overview page: counts and chart of all clients, one filtered page of the table."""

    counts: dict[str, int]
    portfolio: list[ClientHealth]  # every client, worst first (the chart)
    page: Page
    rows: list[ClientHealth]  # the page's clients
    changed: list[Change]
    changed_more: int
    failed: list[str]
    matching: int  # clients the filter found


def overview(workspace: Workspace, status: str = "", query: str = "", page: object = 1,
             per_page: int | None = None, changed_shown: int = 15) -> Overview:
    """Filter by status and client name, page worst first; count and chart everyone."""
    snapshots = assessed(workspace)
    portfolio = healths(workspace, with_clients(snapshots))
    chosen = snapshots
    if status in STATUSES:
        chosen = chosen.filter(status=status)
    if query:
        chosen = chosen.filter(client__name__icontains=query)
    paged = Paginator(chosen.values_list("client_id", flat=True),
                      per_page or PAGE_SIZE).get_page(page)
    by_id = {h.client.pk: h for h in portfolio}
    changed, more = what_changed(snapshots, changed_shown)
    return Overview(counts=status_counts(snapshots), portfolio=portfolio, page=paged,
                    rows=[by_id[pk] for pk in paged.object_list if pk in by_id],
                    changed=changed, changed_more=more, failed=update_failed(snapshots),
                    matching=paged.paginator.count)


def portfolio_rows(portfolio: list[ClientHealth]) -> SafeString:
    words = {PRESENT: escape(_("red")), WATCH: escape(_("amber"))}
    green = escape(_("green"))
    labels: dict[str, str] = {}
    rows = []
    for h in portfolio:
        tags = " ".join(f'<span class="status-{s.status} sign-tag">{escape(s.label)}</span>'
                        for s in h.flagged)
        value = h.value
        share = f"{round(value.share * 100)} %" if value.share is not None else "–"
        key = h.recommendation.key
        if key not in labels:
            labels[key] = escape(h.recommendation.label)
        rows.append(
            f'<tr data-testid="health-row-{h.client.pk}" class="health-{h.status}">'
            f'<td><a href="{escape(h.url)}">{escape(h.client.name)}</a></td>'
            f'<td><span class="badge status-{h.status}" data-testid="health-status">'
            f"{words.get(h.status, green)}</span></td><td>{tags}</td>"
            f"<td>{number_format(value.revenue, 0, use_l10n=True, force_grouping=True)}</td>"
            f"<td>{share}</td><td>{value.enjoyment if value.enjoyment is not None else '–'}"
            f"</td><td>{labels[key]}</td></tr>")
    return mark_safe("\n".join(rows))  # noqa: S308  every text is escaped above
