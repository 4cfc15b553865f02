"""The fit report: every interview answer compared with the freelancer's own profile.

Plain functions over plain data, so each rule can be tested on its own. A rule answers
with a `Finding`: match, mismatch or dealbreaker (something the freelancer said they never
do), or "open" when the question was not answered, always with a reason a person can read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from statistics import median
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from rapport.core.choices import Channel, Weekday
from rapport.core.money import format_money
from rapport.core.office_hours import TimeRange
from rapport.intake.models import Decider, Interview, ResponseTime, Weekends, WorkingStyle

Answers = Mapping[str, Any]
WORKING_DAY = dt.timedelta(hours=8)
WEEKEND_WORDS = re.compile(
    r"sunday|saturday|weekend|holiday|sonntag|samstag|sonnabend|wochenende|feiertag",
    re.IGNORECASE,
)
CALL_WORDS = re.compile(r"call|phone|anruf|telefon|meeting", re.IGNORECASE)
AFTER_HOUR = re.compile(
    r"(?:after|nach|ab)\s+(\d{1,2})(?:[:.](\d{2}))?\s*(?:uhr|h|o'clock)?\s*(am|pm)?",
    re.IGNORECASE,
)


class Verdict(StrEnum):
    MATCH = "match"
    MISMATCH = "mismatch"
    DEALBREAKER = "dealbreaker"
    OPEN = "open"


class Advice(StrEnum):
    PROCEED = "proceed"
    PILOT = "pilot"
    DECLINE = "decline"


@dataclass(frozen=True)
class Finding:
    key: str
    verdict: Verdict
    reason: str


@dataclass(frozen=True)
class Profile:
    """What the rules compare with: the workspace's settings and its ideal-client profile."""

    time_zone: str = "Europe/Berlin"
    hours_by_weekday: Mapping[int, list[TimeRange]] = field(default_factory=dict)
    preferred_channels: list[str] = field(default_factory=list)
    max_calls_per_week: int | None = None
    non_negotiables: list[str] = field(default_factory=list)
    avoid_list: list[str] = field(default_factory=list)
    wont_do: list[str] = field(default_factory=list)
    cant_yet: list[str] = field(default_factory=list)
    working_styles: list[str] = field(default_factory=list)
    response_time: str = ResponseTime.NEXT_DAY
    minimum_budget: Decimal | None = None
    currency: str = "EUR"
    min_lead_days: int = 14
    min_overlap_hours: int = 3


@dataclass(frozen=True)
class Recommendation:
    advice: Advice
    reasons: list[str]


@dataclass(frozen=True)
class FitReport:
    findings: list[Finding]
    say_openly: list[str]

    def count(self, verdict: Verdict) -> int:
        return sum(1 for f in self.findings if f.verdict == verdict)

    def by_key(self) -> dict[str, Finding]:
        return {f.key: f for f in self.findings}


# --- helpers ---------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def mentions(text: str, item: str) -> bool:
    """Does `text` speak of `item`? Every longer word of the item must appear (as a stem,
    also inside German compounds): "infographics" matches "with infographic", "Glücksspiel"
    matches "Glücksspielwerbung"."""
    item_words = [w for w in _words(item) if len(w) >= 4] or _words(item)
    if not item_words:
        return False
    text_words = _words(text)
    for word in item_words:
        stem = word[:-2] if len(word) > 6 else word
        if not any(stem in candidate for candidate in text_words):
            return False
    return True


def _channel_list(values: list[str]) -> str:
    labels = [str(Channel(v).label) for v in values if v in Channel.values]
    return ", ".join(labels)


def _hours(value: float) -> str:
    number = f"{value:.1f}".rstrip("0").rstrip(".")
    if (get_language() or "en").startswith("de"):
        number = number.replace(".", ",")
    return _("%(hours)s h") % {"hours": number}


def _money(amount: Decimal, currency: str) -> str:
    return format_money(amount, currency, (get_language() or "en")[:2])


def _decimal(value: object) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _time(value: object) -> dt.time | None:
    if not value:
        return None
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError:
        return None


def _open(key: str) -> Finding:
    return Finding(key, Verdict.OPEN, _("Not answered yet."))


# --- the rules, one per questionnaire item ---------------------------------------------


def check_business(answers: Answers, profile: Profile, today: dt.date) -> Finding:
    text = str(answers.get("business") or "").strip()
    if not text:
        return _open("business")
    hits = [item for item in profile.avoid_list if mentions(text, item)]
    if hits:
        return Finding("business", Verdict.DEALBREAKER,
                       _("This kind of client is on your avoid list: %(items)s.")
                       % {"items": ", ".join(f"“{h}”" for h in hits)})
    return Finding("business", Verdict.MATCH, _("Nothing from your avoid list."))


def check_task(answers: Answers, profile: Profile, today: dt.date) -> Finding:
    text = str(answers.get("task") or "").strip()
    if not text:
        return _open("task")
    avoided = [item for item in profile.avoid_list if mentions(text, item)]
    refused = [item for item in profile.wont_do if mentions(text, item)]
    reasons = []
    if avoided:
        reasons.append(_("The work is on your avoid list: %(items)s.")
                       % {"items": ", ".join(f"“{h}”" for h in avoided)})
    if refused:
        reasons.append(_("It asks for what you won't do: %(items)s.")
                       % {"items": ", ".join(f"“{h}”" for h in refused)})
    if reasons:
        return Finding("task", Verdict.DEALBREAKER, " ".join(reasons))
    learning = say_openly(answers, profile)
    if learning:
        return Finding("task", Verdict.MATCH,
                       _("Nothing from your avoid or won't-do list; say openly that you are "
                         "still learning: %(items)s.")
                       % {"items": ", ".join(f"“{h}”" for h in learning)})
    return Finding("task", Verdict.MATCH, _("Nothing from your avoid or won't-do list."))


def say_openly(answers: Answers, profile: Profile) -> list[str]:
    """The "can't yet, want to learn" items the requested work touches."""
    text = " ".join(str(answers.get(key) or "") for key in ("task", "business"))
    return [item for item in profile.cant_yet if mentions(text, item)]


def check_working_style(answers: Answers, profile: Profile, today: dt.date) -> Finding:
    style = answers.get("working_style")
    if not style:
        return _open("working_style")
    label = WorkingStyle(style).label if style in WorkingStyle.values else style
    if not profile.working_styles or style in profile.working_styles:
        return Finding("working_style", Verdict.MATCH,
                       _("Wants “%(style)s”, which suits you.") % {"style": label})
    return Finding("working_style", Verdict.MISMATCH,
                   _("Wants “%(style)s”; that is not how you like to work.") % {"style": label})


def check_calls_per_week(answers: Answers, profile: Profile, today: dt.date) -> Finding:
    calls = answers.get("calls_per_week")
    if calls in (None, ""):
        return _open("calls_per_week")
    calls = int(calls)
    wants = ngettext("Wants %(n)s call a week", "Wants %(n)s calls a week", calls) % {"n": calls}
    limit = profile.max_calls_per_week
    if limit is None:
        return Finding("calls_per_week", Verdict.MATCH,
                       _("%(wants)s; you have set no limit.") % {"wants": wants})
    allowed = ngettext("you allow %(n)s", "you allow %(n)s", limit) % {"n": limit}
    verdict = Verdict.MATCH if calls <= limit else Verdict.MISMATCH
    return Finding("calls_per_week", verdict, f"{wants}; {allowed}.")


def check_channels(answers: Answers, profile: Profile, today: dt.date) -> Finding:
    wanted = [c for c in answers.get("channels") or [] if c in Channel.values]
    if not wanted:
        return _open("channels")
    if not profile.preferred_channels:
        return Finding("channels", Verdict.MATCH,
                       _("Wants %(wanted)s; you have no preferred channels set.")
                       % {"wanted": _channel_list(wanted)})
    extra = [c for c in wanted if c not in profile.preferred_channels]
    if not extra:
        return Finding("channels", Verdict.MATCH,
                       _("Wants %(wanted)s — all among your preferred channels.")
                       % {"wanted": _channel_list(wanted)})
    return Finding("channels", Verdict.MISMATCH,
                   _("Wants %(extra)s; you prefer %(preferred)s.")
                   % {"extra": _channel_list(extra),
                      "preferred": _channel_list(profile.preferred_channels)})


def check_response_time(answers: Answers, profile: Profile, today: dt.date) -> Finding:
    expected = answers.get("response_time")
    if expected not in ResponseTime.values:
        return _open("response_time")
    mine = profile.response_time
    # Labels keep their case: German nouns must stay capitalised.
    params = {"expected": ResponseTime(expected).label, "mine": ResponseTime(mine).label}
    if ResponseTime.rank(expected) < ResponseTime.rank(mine):
        return Finding("response_time", Verdict.MISMATCH,
                       _("Expects an answer: “%(expected)s”; you answer: “%(mine)s”.") % params)
    return Finding("response_time", Verdict.MATCH,
                   _("Expects an answer: “%(expected)s”; you answer: “%(mine)s”.") % params)


def check_weekends(answers: Answers, profile: Profile, today: dt.date) -> Finding:
    value = answers.get("weekends")
    if value not in Weekends.values:
        return _open("weekends")
    if value == Weekends.NEVER:
        return Finding("weekends", Verdict.MATCH, _("Weekends and holidays stay free."))
    label = Weekends(value).label
    protected = [item for item in profile.non_negotiables if WEEKEND_WORDS.search(item)]
    if protected and value == Weekends.REGULARLY:
        return Finding("weekends", Verdict.DEALBREAKER,
                       _("Expects work on weekends or holidays (%(how)s); your "
                         "non-negotiable: %(items)s.")
                       % {"how": label, "items": ", ".join(f"“{p}”" for p in protected)})
    if protected:
        return Finding("weekends", Verdict.MISMATCH,
                       _("Expects work on weekends or holidays (%(how)s); say up front that "
                         "%(items)s is not negotiable.")
                       % {"how": label, "items": ", ".join(f"“{p}”" for p in protected)})
    if profile.hours_by_weekday.get(5) or profile.hours_by_weekday.get(6):
        return Finding("weekends", Verdict.MATCH,
                       _("Expects weekend work (%(how)s); you have weekend office hours.")
                       % {"how": label})
    return Finding("weekends", Verdict.MISMATCH,
                   _("Expects work on weekends or holidays (%(how)s); your office hours are "
                     "on weekdays only.") % {"how": label})


def check_budget(answers: Answers, profile: Profile, today: dt.date) -> Finding:
    low, high = _decimal(answers.get("budget_min")), _decimal(answers.get("budget_max"))
    if low is None and high is None:
        return _open("budget")
    currency = answers.get("currency") or profile.currency
    top = high if high is not None else low
    if low is not None and high is not None and low != high:
        budget = f"{_money(low, currency)} – {_money(high, currency)}"
    else:
        budget = _money(top, currency)
    if profile.minimum_budget is None:
        return Finding("budget", Verdict.MATCH,
                       _("Budget %(budget)s; you have set no minimum.") % {"budget": budget})
    minimum = _money(profile.minimum_budget, profile.currency)
    if currency != profile.currency:
        # Another currency: compare at today's ECB reference rate, or leave it to the user.
        from rapport.core.rates import Converter

        converted = Converter(profile.currency, today).convert(top, currency)
        if converted is None:
            return Finding("budget", Verdict.OPEN,
                           _("Budget %(budget)s; your smallest project is %(minimum)s.")
                           % {"budget": budget, "minimum": minimum})
        top = converted
    if top < profile.minimum_budget:
        return Finding("budget", Verdict.MISMATCH,
                       _("Budget %(budget)s; your smallest project is %(minimum)s.")
                       % {"budget": budget, "minimum": minimum})
    return Finding("budget", Verdict.MATCH,
                   _("Budget %(budget)s; your smallest project is %(minimum)s.")
                   % {"budget": budget, "minimum": minimum})


def daily_overlap(
    day_start: dt.time, their_tz: str, profile: Profile, week_of: dt.date,
) -> dict[int, float]:
    """Hours of overlap between their working day (8 h from `day_start` in their zone) and
    the freelancer's office hours, for each of their weekdays Monday–Friday of the week
    that contains `week_of` (so daylight-saving time is that of the given week)."""
    mine, theirs = ZoneInfo(profile.time_zone), ZoneInfo(their_tz)
    monday = week_of - dt.timedelta(days=week_of.weekday())
    result: dict[int, float] = {}
    for weekday in range(5):
        start = dt.datetime.combine(monday + dt.timedelta(days=weekday), day_start,
                                    theirs).astimezone(mine)
        end = (start.astimezone(dt.UTC) + WORKING_DAY).astimezone(mine)
        seconds = 0.0
        day = start.date()
        while day <= end.date():
            for hours in profile.hours_by_weekday.get(day.weekday(), []):
                open_at = dt.datetime.combine(day, hours.start, mine)
                close_at = dt.datetime.combine(day, hours.end, mine)
                common = (min(end, close_at) - max(start, open_at)).total_seconds()
                seconds += max(common, 0)
            day += dt.timedelta(days=1)
        result[weekday] = round(seconds / 3600 * 2) / 2
    return result


def local_start(day_start: dt.time, their_tz: str, profile: Profile, on: dt.date) -> dt.time:
    moment = dt.datetime.combine(on, day_start, ZoneInfo(their_tz))
    return moment.astimezone(ZoneInfo(profile.time_zone)).time()


def _calls_cut_off(profile: Profile) -> list[tuple[str, dt.time]]:
    """Non-negotiables such as "No calls after 6 pm", with the hour they name."""
    found = []
    for item in profile.non_negotiables:
        match = AFTER_HOUR.search(item)
        if match and CALL_WORDS.search(item):
            hour = int(match[1]) % 24
            if (match[3] or "").lower() == "pm" and hour < 12:
                hour += 12
            found.append((item, dt.time(hour, int(match[2] or 0))))
    return found


def check_day_start(answers: Answers, profile: Profile, today: dt.date) -> Finding:
    start, their_tz = _time(answers.get("day_start")), answers.get("time_zone")
    if start is None or not their_tz:
        return _open("day_start")
    overlaps = daily_overlap(start, their_tz, profile, today)
    typical = median(overlaps.values())
    mine = local_start(start, their_tz, profile, today)
    same_zone = ZoneInfo(their_tz).utcoffset(dt.datetime.combine(today, start)) == ZoneInfo(
        profile.time_zone).utcoffset(dt.datetime.combine(today, start))
    if same_zone:
        where = _("Their day starts at %(start)s (%(zone)s)") % {
            "start": f"{start:%H:%M}", "zone": their_tz}
    else:
        where = _("Their day starts at %(start)s in %(zone)s, which is %(local)s your time") % {
            "start": f"{start:%H:%M}", "zone": their_tz, "local": f"{mine:%H:%M}"}

    if len(set(overlaps.values())) == 1:
        days = _("%(hours)s on every weekday") % {"hours": _hours(typical)}
    else:
        days = ", ".join(f"{str(Weekday(d).label)[:2]} {_hours(h)}"
                         for d, h in overlaps.items())
    reason = _("%(where)s; overlap with your office hours: %(days)s.") % {
        "where": where, "days": days}
    wants_calls = int(answers.get("calls_per_week") or 0) > 0 or any(
        c in (Channel.PHONE, Channel.VIDEO) for c in answers.get("channels") or [])
    if wants_calls:
        for item, cut_off in _calls_cut_off(profile):
            if mine >= cut_off:
                return Finding("day_start", Verdict.DEALBREAKER, reason + " " + _(
                    "Every call would fall after %(time)s your time; your non-negotiable: "
                    "“%(item)s”.") % {"time": f"{cut_off:%H:%M}", "item": item})
    if typical >= profile.min_overlap_hours:
        return Finding("day_start", Verdict.MATCH, reason)
    if typical == 0:
        return Finding("day_start", Verdict.MISMATCH, reason + " " + _(
            "There is no common working time on most days."))
    return Finding("day_start", Verdict.MISMATCH, reason + " " + _(
        "You want at least %(hours)s a day.") % {"hours": _hours(profile.min_overlap_hours)})


def check_deadline(answers: Answers, profile: Profile, today: dt.date) -> Finding:
    if "deadline" not in answers:
        return _open("deadline")
    value = answers.get("deadline")
    if not value:
        return Finding("deadline", Verdict.MATCH, _("No fixed deadline."))
    deadline = dt.date.fromisoformat(str(value))
    days = (deadline - today).days
    if days < 0:
        return Finding("deadline", Verdict.MISMATCH, _("The deadline has already passed."))
    when = ngettext("Deadline in %(n)s day", "Deadline in %(n)s days", days) % {"n": days}
    need = ngettext("you need at least %(n)s", "you need at least %(n)s",
                    profile.min_lead_days) % {"n": profile.min_lead_days}
    verdict = Verdict.MISMATCH if days < profile.min_lead_days else Verdict.MATCH
    return Finding("deadline", verdict, f"{when}; {need}.")


def check_decider(answers: Answers, profile: Profile, today: dt.date) -> Finding:
    value = answers.get("decider")
    if not value:
        return _open("decider")
    if value == Decider.COMMITTEE:
        return Finding("decider", Verdict.MISMATCH, _(
            "A committee decides: ask for one contact who collects the feedback, and plan "
            "time for approvals."))
    if value == Decider.WITH_TEAM:
        return Finding("decider", Verdict.MATCH, _(
            "One person decides after asking the team; agree that they send the feedback "
            "collected."))
    return Finding("decider", Verdict.MATCH, _("One person decides."))


RULES: dict[str, Callable[[Answers, Profile, dt.date], Finding]] = {
    "business": check_business,
    "task": check_task,
    "working_style": check_working_style,
    "calls_per_week": check_calls_per_week,
    "channels": check_channels,
    "response_time": check_response_time,
    "weekends": check_weekends,
    "budget": check_budget,
    "day_start": check_day_start,
    "deadline": check_deadline,
    "decider": check_decider,
}


def fit_report(answers: Answers, profile: Profile, today: dt.date,
               keys: list[str] | None = None) -> FitReport:
    """Run the rule of every asked question (all built-in ones unless `keys` is given)."""
    keys = [k for k in (keys if keys is not None else RULES) if k in RULES]
    findings = [RULES[key](answers, profile, today) for key in keys]
    return FitReport(findings=findings, say_openly=say_openly(answers, profile))


def recommend(report: FitReport, gut_rating: int | None, need_money: str) -> Recommendation:
    """Proceed, start with a small pilot project, or decline — with the reasons why."""
    dealbreakers = [f.reason for f in report.findings if f.verdict == Verdict.DEALBREAKER]
    mismatches = report.count(Verdict.MISMATCH)
    bad_gut = gut_rating is not None and gut_rating <= 2
    reasons: list[str] = []
    if dealbreakers:
        reasons = [_("A dealbreaker: %(reason)s") % {"reason": r} for r in dealbreakers]
        if need_money == Interview.NeedMoney.YES:
            reasons.append(_("You said you need the money — that is not a reason to accept "
                             "a dealbreaker."))
        return Recommendation(Advice.DECLINE, reasons)
    if bad_gut and (mismatches or need_money == Interview.NeedMoney.YES):
        reasons.append(_("Your gut feeling is bad, and there is more against it."))
        if mismatches:
            reasons.append(ngettext("%(n)s mismatch.", "%(n)s mismatches.", mismatches)
                           % {"n": mismatches})
        if need_money == Interview.NeedMoney.YES:
            reasons.append(_("You would mainly say yes for the money."))
        return Recommendation(Advice.DECLINE, reasons)
    if bad_gut:
        reasons.append(_("Your gut feeling is bad: walk away, or start with a small pilot "
                         "project first."))
    if need_money == Interview.NeedMoney.YES:
        reasons.append(_("You would mainly say yes for the money: start small, so a bad fit "
                         "cannot trap you."))
    if mismatches >= 2:
        reasons.append(ngettext(
            "%(n)s mismatch: test the collaboration with a small pilot project first.",
            "%(n)s mismatches: test the collaboration with a small pilot project first.",
            mismatches) % {"n": mismatches})
    if reasons:
        if gut_rating is None:
            reasons.append(_("Record your gut feeling before you decide."))
        return Recommendation(Advice.PILOT, reasons)
    if mismatches == 1:
        reasons.append(_("One mismatch: talk about it before you agree."))
    else:
        reasons.append(_("No dealbreakers and no mismatches."))
    if need_money == Interview.NeedMoney.PARTLY:
        reasons.append(_("Money plays a part; make sure the fit would hold without it."))
    if gut_rating is None:
        reasons.append(_("Record your gut feeling before you decide."))
    elif gut_rating >= 4:
        reasons.append(_("Your gut feeling is good."))
    else:
        reasons.append(_("Your gut feeling does not speak against it."))
    return Recommendation(Advice.PROCEED, reasons)
