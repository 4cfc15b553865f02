"""From signals to warning signs, value and a recommendation (DOMAIN.md §7–§8).

Plain functions over plain data: `load_facts()` reads everything for many clients in a
fixed number of queries; `assess()` turns one client's facts into a `ClientHealth`.
Weights and thresholds come from `defaults.py`, overridden per workspace by
`HealthSettings`. Dismissed signals and muted kinds never count.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, cached_property

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from rapport.billing.income import Income, received
from rapport.billing.models import Payment
from rapport.clients.models import Client, Note
from rapport.comms.models import Direction, Message
from rapport.core.models import Workspace
from rapport.core.money import quantize
from rapport.core.rates import Rate
from rapport.extras.models import ExtraRequest
from rapport.extras.recurrence import in_patterns
from rapport.health import defaults
from rapport.health.models import Enjoyment, HealthSettings, HealthStatus
from rapport.signals.models import MutedKind, Signal, SignalKind, SignalSource
from rapport.timetracking.hours import hours_by_client

NONE, WATCH, PRESENT = HealthStatus.NONE, HealthStatus.WATCH, HealthStatus.PRESENT
STATUS_ORDER = {NONE: 0, WATCH: 1, PRESENT: 2}
STATUS_LABELS = dict(HealthStatus.choices)
TREND_LABELS = {"rising": gettext_lazy("rising"), "falling": gettext_lazy("falling"),
                "steady": gettext_lazy("steady")}

RECOMMENDATIONS = {
    "keep": gettext_lazy("Keep"),
    "talk_now": gettext_lazy("Talk now"),
    "recalibrate": gettext_lazy("Recalibrate boundaries"),
    "plan_exit": gettext_lazy("Plan the exit"),
    "let_go": gettext_lazy("Let go"),
}


@dataclass(frozen=True)
class Fact:
    """One signal as the assessment needs it."""

    id: int
    client_id: int
    kind: str
    occurred_at: dt.datetime
    strength: float
    category: str = ""  # the incident category, for kind "incident"
    severity: int = 2
    source_type: str = ""
    source_id: int = 0


@dataclass
class Facts:
    """Everything `assess()` reads, for a set of clients, loaded in bulk."""

    today: dt.date
    settings: HealthSettings
    signals: dict[int, list[Fact]] = field(default_factory=dict)
    revenue: dict[int, Decimal] = field(default_factory=dict)  # in the workspace currency
    income: Income | None = None  # what `revenue` was converted from, and at which rates
    minutes: dict[int, int] = field(default_factory=dict)
    enjoyment: dict[int, int] = field(default_factory=dict)
    inbound: dict[int, list[dt.datetime]] = field(default_factory=dict)  # message dates
    favours: dict[int, tuple[int, int]] = field(default_factory=dict)  # (count, minutes)

    @cached_property
    def total_revenue(self) -> Decimal:
        return sum(self.revenue.values(), Decimal("0"))


@dataclass
class SignStatus:
    key: str
    label: str
    status: str
    score: float
    count: int
    previous_count: int
    previous_score: float
    signal_ids: list[int]
    kinds: list[str]
    breaches: list[str]
    script_key: str

    @property
    def trend(self) -> str:
        if self.score > self.previous_score + 0.01:
            return "rising"
        if self.score < self.previous_score - 0.01:
            return "falling"
        return "steady"


@dataclass
class ValueSide:
    revenue: Decimal  # payments of 12 months, converted into `currency`
    share: float | None
    hours: Decimal | None  # every hour of 12 months: work, talk, admin, travel
    hourly_rate: Decimal | None  # revenue ÷ those hours
    enjoyment: int | None
    currency: str = "EUR"
    original: dict[str, Decimal] = field(default_factory=dict)  # foreign payments, unconverted
    rates: list[Rate] = field(default_factory=list)  # ECB rates behind the converted figures
    unconverted: dict[str, Decimal] = field(default_factory=dict)  # no rate: not counted
    stale: bool = False  # a rate used is older than two weeks
    favours: int = 0  # one-off favours you did for the client in 12 months (goodwill given)
    favour_minutes: int = 0


@dataclass
class Recommendation:
    key: str
    script_key: str
    signs: list[SignStatus] = field(default_factory=list, repr=False)
    value: ValueSide | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        return str(RECOMMENDATIONS[self.key])

    @cached_property
    def reasons(self) -> list[str]:
        """Written out only when a page shows them (the overview does not)."""
        return _reasons(self.key, self.signs, self.value)


@cache
def _client_url_pattern() -> str:
    return reverse("health:client", kwargs={"client_pk": 4242}).replace("4242", "{}")


def client_health_url(client_pk: int) -> str:
    """The client's health page (one `reverse()` for the whole overview, not one per row)."""
    return _client_url_pattern().format(client_pk)


@dataclass
class ClientHealth:
    client: Client
    signs: list[SignStatus]
    value: ValueSide
    recommendation: Recommendation
    new_this_week: int = 0
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # sign key, was, now
    update_failed: bool = False  # the assessment raised: this is the previous one, if any

    @property
    def change_labels(self) -> list[tuple[str, str, str]]:
        """The changes of the last week as (sign, status a week ago, status now), in words."""
        return [(str(defaults.SIGNS[key]["label"]), str(STATUS_LABELS[was]),
                 str(STATUS_LABELS[now])) for key, was, now in self.changes]

    @cached_property
    def friction(self) -> float:
        return round(sum(max(sign.score, 0) for sign in self.signs), 2)

    @cached_property
    def status(self) -> str:
        return max((s.status for s in self.signs), key=STATUS_ORDER.get, default=NONE)

    @property
    def flagged(self) -> list[SignStatus]:
        """The signs to watch or present, for the overview."""
        return [s for s in self.signs if s.status != NONE]

    @property
    def url(self) -> str:
        return client_health_url(self.client.pk)

    def sign(self, key: str) -> SignStatus:
        return next(s for s in self.signs if s.key == key)


def health_settings(workspace: Workspace) -> HealthSettings:
    settings, _created = HealthSettings.objects.get_or_create(workspace=workspace)
    return settings


def load_facts(workspace: Workspace, clients: list[Client] | None = None,
               today: dt.date | None = None, signals_of: list[int] | None = None,
               settings: HealthSettings | None = None, value: bool = True) -> Facts:
    """Signals of two windows (plus a week, for "what changed"), payments and all hours
    (`hours_by_client`) of 12 months and enjoyment ratings — a fixed number of queries. With
    `signals_of`, signals are read for those clients only (the others' are stored). Without
    `value`, only what the warning signs need (the signals and incoming mail): a client's
    signs are reassessed on every new message, its value side is read when it is shown."""
    today = today or timezone.localdate(timezone=workspace.tz)
    settings = settings or health_settings(workspace)
    facts = Facts(today=today, settings=settings)
    ids = [c.pk for c in clients] if clients is not None else None
    since = _start_of(workspace, today - dt.timedelta(days=2 * settings.window_days + 7))

    signals = Signal.objects.filter(workspace=workspace, dismissed_at__isnull=True,
                                    occurred_at__gte=since)
    muted = MutedKind.objects.filter(workspace=workspace)
    # Mutes are few per workspace: read them all rather than build a long list of client
    # ids. Signals are many: read only those of the clients asked for.
    if signals_of is not None:
        signals = signals.filter(client_id__in=signals_of) if signals_of else signals.none()
    elif ids is not None:
        signals = signals.filter(client_id__in=ids)
    muted_pairs = set(muted.values_list("client_id", "kind"))
    columns = ["pk", "client_id", "kind", "occurred_at", "strength", "source_type",
               "source_id"]
    if _HAS_CATEGORY:
        columns.append("category")
    rows = [row for row in signals.values_list(*columns)
            if (row[1], row[2]) not in muted_pairs]
    note_ids = [row[6] for row in rows
                if row[2] == SignalKind.INCIDENT and row[5] == SignalSource.NOTE]
    notes = {pk: (cat, sev) for pk, cat, sev in Note.objects.filter(
        workspace=workspace, pk__in=note_ids).values_list("pk", "incident_category",
                                                          "severity")} if note_ids else {}
    for row in rows:
        pk, client_id, kind, occurred_at, strength, source_type, source_id = row[:7]
        category, severity = (row[7] if len(row) > 7 else "") or "", 2
        if kind == SignalKind.INCIDENT and source_type == SignalSource.NOTE and source_id in notes:
            category = category or notes[source_id][0]
            severity = notes[source_id][1] or 2
        facts.signals.setdefault(client_id, []).append(
            Fact(pk, client_id, kind, occurred_at, float(strength), category, severity,
                 source_type, source_id))

    messages = Message.objects.filter(workspace=workspace, direction=Direction.INBOUND,
                                      date__gte=since, client__isnull=False)
    if signals_of is not None or ids is not None:
        messages = messages.filter(client_id__in=signals_of if signals_of is not None else ids)
    for client_id, date in messages.values_list("client_id", "date").order_by("date"):
        facts.inbound.setdefault(client_id, []).append(date)

    if value:
        load_value(facts, workspace)
    return facts


def load_value(facts: Facts, workspace: Workspace,
               clients: Collection[int] | None = None) -> Facts:
    """The value side of every client (or of `clients`): income, hours, enjoyment and
    favours of 12 months, a few grouped queries whatever the number of clients (payments
    of all clients are needed for the share of income anyway; ratings are few)."""
    today = facts.today
    payments = Payment.objects.filter(workspace=workspace,
                                      paid_on__gt=today - dt.timedelta(days=365),
                                      paid_on__lte=today)
    facts.income = received(workspace, payments, today)
    facts.revenue = dict(facts.income.by_client)
    # All the time each client cost (work, communication, meetings, admin, travel), so the
    # hourly rate is revenue ÷ every hour, not ÷ the minutes spent in calls.
    for client_id, minutes in hours_by_client(
            workspace, today - dt.timedelta(days=364), today + dt.timedelta(days=1),
            clients).items():
        facts.minutes[client_id] = sum(minutes.values())
    facts.enjoyment = dict(Enjoyment.objects.filter(workspace=workspace)
                           .values_list("client_id", "rating"))
    facts.favours = favours_by_client(workspace, today)
    return facts


def favours_by_client(workspace: Workspace, today: dt.date) -> dict[int, tuple[int, int]]:
    """(count, minutes) of the favours logged per client in the last 12 months that did
    not turn into a pattern: a recurring favour is evidence of scope creep instead."""
    extras = list(ExtraRequest.objects.filter(
        workspace=workspace, kind__in=ExtraRequest.UNPAID,
        requested_on__gt=today - dt.timedelta(days=365), requested_on__lte=today))
    pattern = in_patterns(extras)
    result: dict[int, tuple[int, int]] = {}
    for extra in extras:
        if extra.kind != ExtraRequest.Kind.FAVOUR or extra.pk in pattern:
            continue
        count, minutes = result.get(extra.client_id, (0, 0))
        result[extra.client_id] = (count + 1, minutes + extra.minutes)
    return result


_HAS_CATEGORY = any(f.name == "category" for f in Signal._meta.get_fields())


def _start_of(workspace: Workspace, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=workspace.tz)


# --- non-negotiables ---

_NIGHT = re.compile(r"abend|nacht|night|evening|nach\s*(\d{1,2})\s*uhr|after\s*(\d{1,2})",
                    re.IGNORECASE)
_DAYS = {6: re.compile(r"sonntag|sunday", re.I), 5: re.compile(r"samstag|saturday", re.I)}
_WEEKEND = re.compile(r"wochenende|weekend", re.I)
_CALLS = re.compile(r"anruf|telefon|call|phone", re.I)
_CALL_SOURCES = {SignalSource.MEETING, SignalSource.MEETING_LOG}
_TIME_KINDS = {SignalKind.AFTER_HOURS, SignalKind.LATE_NIGHT, SignalKind.URGENCY}


def breached_non_negotiables(workspace: Workspace, fact: Fact) -> list[str]:
    """The non-negotiables a signal breaks: a late-night message against "no work in the
    evening", a Sunday message against "no work on Sundays". A rule about calls ("no calls
    after 18:00") is broken by calls (meetings), not by an email the freelancer can leave
    until morning."""
    if fact.kind not in _TIME_KINDS:
        return []
    local = fact.occurred_at.astimezone(workspace.tz)
    breached = []
    for item in workspace.non_negotiables or []:
        if _CALLS.search(item) and fact.source_type not in _CALL_SOURCES:
            continue
        night = _NIGHT.search(item)
        if night and fact.kind in (SignalKind.AFTER_HOURS, SignalKind.LATE_NIGHT):
            hour = night.group(1) or night.group(2)
            nightly = re.search(r"nacht|night", item, re.I)
            limit = int(hour) if hour else (22 if nightly else 18)
            if hour and "pm" in item.lower() and limit < 12:
                limit += 12
            if fact.kind == SignalKind.LATE_NIGHT or local.hour >= limit or local.hour < 6:
                breached.append(item)
                continue
        on_day = any(p.search(item) and local.weekday() == day for day, p in _DAYS.items())
        if on_day or (_WEEKEND.search(item) and local.weekday() >= 5):
            breached.append(item)
    return breached


# --- the assessment ---


def _status(score: float, settings: HealthSettings) -> str:
    if score >= float(settings.present_threshold):
        return PRESENT
    if score >= float(settings.watch_threshold):
        return WATCH
    return NONE


def _index(settings: HealthSettings) -> tuple[dict, dict]:
    """kind -> [(sign, weight)] and incident category -> [(sign, weight)], built once."""
    cached = getattr(settings, "_health_index", None)
    if cached is None:
        by_kind: dict[str, list[tuple[str, float]]] = {}
        by_category: dict[str, list[tuple[str, float]]] = {}
        for sign, parts in settings.effective_weights().items():
            for kind, weight in parts["kinds"].items():
                by_kind.setdefault(kind, []).append((sign, weight))
            for category, weight in parts["incidents"].items():
                by_category.setdefault(category, []).append((sign, weight))
        cached = settings._health_index = (by_kind, by_category)
    return cached


def _after_hours_counts(facts: list[Fact], inbound: list[dt.datetime], start: dt.datetime,
                        end: dt.datetime, share: int) -> bool:
    """Whether after-hours messages in [start, end) reach `share` % of the messages."""
    late = sum(1 for f in facts if f.kind == SignalKind.AFTER_HOURS
               and start <= f.occurred_at < end)
    total = max(bisect.bisect_left(inbound, end) - bisect.bisect_left(inbound, start), late)
    return late > 0 and late * 100 >= share * total


def assess_signs(workspace: Workspace, facts: list[Fact], settings: HealthSettings,
                 today: dt.date, inbound: list[dt.datetime] | None = None
                 ) -> list[SignStatus]:
    """One pass over the facts. Per sign, one source (message, invoice…) counts once,
    with its strongest kind; the window before gives the trend. After-hours messages
    count only where they reach the share set in the settings (of `inbound`, the client's
    incoming message dates, sorted)."""
    window = dt.timedelta(days=settings.window_days)
    end = _start_of(workspace, today + dt.timedelta(days=1))
    start, previous_start = end - window, end - 2 * window
    by_kind, by_category = _index(settings)
    inbound = inbound or []
    after_hours = {
        "now": _after_hours_counts(facts, inbound, start, end, settings.after_hours_share),
        "before": _after_hours_counts(facts, inbound, previous_start, start,
                                      settings.after_hours_share)}
    best: dict[str, dict[tuple[str, int], tuple[float, Fact]]] = {k: {} for k in defaults.SIGNS}
    for fact in facts:
        if not previous_start <= fact.occurred_at < end:
            continue
        if fact.kind == SignalKind.AFTER_HOURS and not after_hours[
                "now" if fact.occurred_at >= start else "before"]:
            continue
        if fact.kind == SignalKind.INCIDENT:
            targets = [(sign, w * fact.severity / 2) for sign, w in
                       by_category.get(fact.category, [])]
        else:
            targets = [(sign, w * fact.strength) for sign, w in by_kind.get(fact.kind, [])]
        source = (fact.source_type, fact.source_id) if fact.source_type else ("", -fact.id)
        for sign, value in targets:
            held = best[sign].get(source)
            if held is None or abs(value) > abs(held[0]):
                best[sign][source] = (value, fact)
    result = []
    for key, spec in defaults.SIGNS.items():
        score = previous = 0.0
        count = previous_count = 0
        ids: list[int] = []
        kinds: set[str] = set()
        breaches: list[str] = []
        for value, fact in sorted(best[key].values(), key=lambda vf: vf[1].occurred_at,
                                  reverse=True):
            if fact.occurred_at >= start:
                score += value
                ids.append(fact.id)
                kinds.add(fact.kind)
                count += value > 0
                if key == "unreasonable_demands":
                    breaches += [b for b in breached_non_negotiables(workspace, fact)
                                 if b not in breaches]
            else:
                previous += value
                previous_count += value > 0
        score, previous = max(score, 0.0), max(previous, 0.0)
        status = PRESENT if breaches else _status(score, settings)
        result.append(SignStatus(
            key=key, label=str(spec["label"]), status=status, score=round(score, 2),
            count=count, previous_count=previous_count, previous_score=round(previous, 2),
            signal_ids=ids, kinds=sorted(kinds), breaches=breaches,
            script_key=_sign_script(key, kinds)))
    return result


def _sign_script(key: str, kinds: set[str]) -> str:
    if key == "unreasonable_demands" and kinds == {SignalKind.OFF_TOPIC_CALLS}:
        return "back_to_agenda"
    return defaults.SIGN_SCRIPTS[key]


def value_side(client: Client, facts: Facts) -> ValueSide:
    revenue = facts.revenue.get(client.pk, Decimal("0"))
    total = facts.total_revenue
    minutes = facts.minutes.get(client.pk)
    hours = (Decimal(minutes) / 60).quantize(Decimal("0.1")) if minutes else None
    income = facts.income
    currency = income.currency if income else client.workspace.default_currency
    rate = (quantize(revenue / (Decimal(minutes) / 60), currency)
            if minutes and revenue else None)
    original = income.foreign(client.pk) if income else {}
    favours, favour_minutes = facts.favours.get(client.pk, (0, 0))
    return ValueSide(revenue=revenue, share=float(revenue / total) if total else None,
                     favours=favours, favour_minutes=favour_minutes,
                     hours=hours, hourly_rate=rate, enjoyment=facts.enjoyment.get(client.pk),
                     currency=currency, original=original,
                     rates=[r for r in income.rates if r.currency in original
                            or r.currency == currency] if original else [],
                     unconverted=income.unconverted.get(client.pk, {}) if income else {},
                     stale=bool(original) and income.stale)


def _too_many(present: int, enjoyment: int | None) -> bool:
    low_joy = enjoyment is not None and enjoyment <= defaults.VALUE["low_enjoyment"]
    return present >= 3 or (present >= 2 and low_joy)


def recommendation_key(present: int, watch: int, exit_sign: bool, enjoyment: int | None,
                       share: float | None) -> str:
    """The recommendation from how many signs are present and to watch, whether a present
    one is a reason to leave, and the value side: the one rule, used for a whole
    assessment and for the overview's stored counts alike."""
    low_joy = enjoyment is not None and enjoyment <= defaults.VALUE["low_enjoyment"]
    if _too_many(present, enjoyment):
        major = share is not None and share >= defaults.VALUE["major_share"]
        return "plan_exit" if major else "let_go"
    if exit_sign:
        return "plan_exit"
    if present:
        return "recalibrate"
    if watch or low_joy:
        return "talk_now"
    return "keep"


def recommend(signs: list[SignStatus], value: ValueSide) -> Recommendation:
    present = [s for s in signs if s.status == PRESENT]
    watch = [s for s in signs if s.status == WATCH]
    exit_signs = [s for s in present if s.key in defaults.EXIT_SIGNS]
    key = recommendation_key(len(present), len(watch), bool(exit_signs), value.enjoyment,
                             value.share)
    worst = sorted(present or watch, key=lambda s: -s.score)
    script = worst[0].script_key if worst else defaults.RECOMMENDATION_SCRIPTS["keep"]
    if key == "let_go":
        script = defaults.RECOMMENDATION_SCRIPTS["let_go"]
    elif exit_signs and not _too_many(len(present), value.enjoyment):
        script = exit_signs[0].script_key
    return Recommendation(key=key, script_key=script, signs=signs, value=value)


def _reasons(key: str, signs: list[SignStatus], value: ValueSide | None) -> list[str]:
    present = [s for s in signs if s.status == PRESENT]
    watch = [s for s in signs if s.status == WATCH]
    reasons = [_("“%(sign)s” is present (%(count)s signals in the window, trend %(trend)s).")
               % {"sign": s.label, "count": s.count, "trend": TREND_LABELS[s.trend]}
               for s in present]
    reasons += [_("“%(sign)s” is worth watching (%(count)s signals).")
                % {"sign": s.label, "count": s.count} for s in watch]
    for sign in present:
        reasons += [_("Breaks your non-negotiable “%(item)s”.") % {"item": b}
                    for b in sign.breaches]
    if value is not None and value.enjoyment is not None:
        reasons.append(_("You rate the work with this client %(n)s of 5.")
                       % {"n": value.enjoyment})
    if value is not None and value.favours:
        if value.enjoyment is not None and value.enjoyment >= defaults.VALUE["high_enjoyment"]:
            reasons.append(ngettext(
                "You did %(n)s favour for a client you enjoy working with: goodwill well "
                "spent.", "You did %(n)s favours for a client you enjoy working with: "
                "goodwill well spent.", value.favours) % {"n": value.favours})
        else:
            reasons.append(ngettext("You did %(n)s favour in the last 12 months.",
                                    "You did %(n)s favours in the last 12 months.",
                                    value.favours) % {"n": value.favours})
    if value is not None and value.share is not None:
        reasons.append(_("%(share)s %% of your income in the last 12 months.")
                       % {"share": round(value.share * 100)})
        if value.share >= defaults.VALUE["major_share"]:
            reasons.append(_("Over half of your income: build reserves and other clients "
                             "first."))
    if key == "keep":
        reasons.insert(0, _("No warning sign in the window."))
    return reasons


def assess(client: Client, facts: Facts) -> ClientHealth:
    workspace = client.workspace
    mine = facts.signals.get(client.pk, [])
    inbound = facts.inbound.get(client.pk, [])
    signs = assess_signs(workspace, mine, facts.settings, facts.today, inbound)
    value = value_side(client, facts)
    health = ClientHealth(client=client, signs=signs, value=value,
                          recommendation=recommend(signs, value))
    week_ago = facts.today - dt.timedelta(days=7)
    since = _start_of(workspace, week_ago + dt.timedelta(days=1))
    health.new_this_week = sum(1 for f in mine if f.occurred_at >= since)
    before = assess_signs(workspace, mine, facts.settings, week_ago, inbound)
    health.changes = [(now.key, was.status, now.status)
                      for was, now in zip(before, signs, strict=True)
                      if was.status != now.status]
    return health


def assess_client(client: Client, today: dt.date | None = None) -> ClientHealth:
    return assess(client, load_facts(client.workspace, [client], today))


def assess_portfolio(workspace: Workspace, today: dt.date | None = None,
                     statuses: tuple[str, ...] = (Client.Status.ACTIVE, Client.Status.PAUSED,
                                                  Client.Status.OFFBOARDING),
                     ) -> list[ClientHealth]:
    clients = list(Client.objects.filter(workspace=workspace, status__in=statuses)
                   .select_related("workspace"))
    for client in clients:
        client.workspace = workspace  # share the cached office hours and tz
    facts = load_facts(workspace, clients, today)
    return sorted((assess(client, facts) for client in clients),
                  key=lambda h: (-STATUS_ORDER[h.status], -h.friction, h.client.name))

