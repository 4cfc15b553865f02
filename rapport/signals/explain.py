"""Signal explanations: stored as a message code with typed parameters, rendered when read.

A signal is read by people in different languages (and by the same person after switching
the UI language), so the row keeps no sentence. It keeps `message_code` and `params`
(JSON: datetimes and dates as ISO strings, amounts as `{"amount": "12.50", "currency":
"EUR"}`, numbers as numbers). `render()` turns them into a sentence in the active language,
with dates, times and amounts in that language's format. Rows written before explanations
were structured keep their old sentence in `Signal.explanation`, shown only as a fallback.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from babel.dates import format_date, format_skeleton
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rapport.clients.models import Note
from rapport.comms.stats import describe_lead
from rapport.core.money import babel_locale, format_money


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str


@dataclass
class Explanation:
    """What a detector says about a fact: a message code and its parameters."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def stored(self) -> dict[str, Any]:
        """The parameters as JSON values (see the module docstring)."""
        return {key: _encode(value) for key, value in self.params.items()}


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Money):
        return {"amount": str(value.amount), "currency": value.currency}
    if isinstance(value, Decimal):
        return str(value)
    return value


# -- formatting of typed values in the active language --------------------------------------


def _locale() -> str:
    return babel_locale((translation.get_language() or "en")[:2])


def format_when(value: dt.datetime) -> str:
    """"Do., 26.11.2026, 22:47" in German, "Thu, 26 Nov 2026, 22:47" in English, in the
    active time zone (the workspace's on every page)."""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    locale = _locale()
    day = format_skeleton("yMdE" if locale.startswith("de") else "yMMMEd", local.date(),
                          locale=locale)
    return f"{day}, {format_skeleton('Hm', local.time(), locale=locale)}"


def format_day(value: dt.date) -> str:
    """"26.11.2026" in German, "26 Nov 2026" in English."""
    return format_date(value, "medium", locale=_locale())


def format_duration(minutes: int) -> str:
    """"45 min", "3 h", "2 days" — worded as the timeline words a meeting's notice."""
    return describe_lead(dt.timedelta(minutes=max(0, int(minutes))))


def _days(n: int) -> str:
    return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}


_DECODE: dict[str, Callable[[Any], Any]] = {
    "datetime": lambda v: format_when(dt.datetime.fromisoformat(v)),
    "date": lambda v: format_day(dt.date.fromisoformat(v)),
    "money": lambda v: format_money(Decimal(v["amount"]), v["currency"],
                                    (translation.get_language() or "en")[:2]),
    "int": int,
    "str": str,
    "bool": bool,
    "words": lambda v: [str(word) for word in v],
}


# -- the messages ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    types: dict[str, str]
    text: Callable[[dict[str, Any]], str]


def _text_kind(sentence: Callable[[], str]) -> Message:
    def text(p: dict[str, Any]) -> str:
        result = sentence()
        if p.get("in_subject"):
            result += " " + _("(in the subject)")
        if p.get("words"):
            result += " " + _("Found by the learned detector; the words that weighed most: "
                              "%(words)s.") % {"words": ", ".join(p["words"])}
        return result
    return Message({"in_subject": "bool", "words": "words"}, text)


def _incident(p: dict[str, Any]) -> str:
    try:
        label = str(Note.IncidentCategory(p["category"]).label)
    except ValueError:
        label = p["category"]
    return _("Incident you recorded: %(category)s.") % {"category": label}


def _reminders_sent(n: int) -> str:
    if not n:
        return ""
    return " " + ngettext("%(n)d reminder was sent.", "%(n)d reminders were sent.", n) % {
        "n": n}


def _paid_late(p: dict[str, Any]) -> str:
    return _("Invoice %(number)s (%(amount)s) was paid on %(date)s, %(late)s late.") % {
        "number": p["number"], "amount": p["amount"], "date": p["paid_on"],
        "late": _days(p["days"])} + _reminders_sent(p["reminders"])


def _unpaid(p: dict[str, Any]) -> str:
    return _("Invoice %(number)s (%(amount)s) is unpaid %(late)s after its due date.") % {
        "number": p["number"], "amount": p["amount"], "late": _days(p["days"])
    } + _reminders_sent(p["reminders"])


_EXTRA_TYPES = {"label": "str", "date": "date", "minutes": "int", "count": "int",
                "weeks": "int"}


def _recurs(p: dict[str, Any]) -> str:
    if not p.get("count"):
        return ""
    return " " + ngettext("%(count)d requests of this kind within %(weeks)d weeks.",
                          "%(count)d requests of this kind within %(weeks)d weeks.",
                          p["count"]) % {"count": p["count"], "weeks": p["weeks"]}


def _about(p: dict[str, Any]) -> str:
    return " " + _("(about %(time)s)") % {"time": format_duration(p["minutes"])} \
        if p.get("minutes") else ""


def _extra_scope_creep(p: dict[str, Any]) -> str:
    return _("Extra work outside the agreement you logged on %(date)s: “%(label)s”.") % p \
        + _about(p) + _recurs(p)


def _extra_favour_recurring(p: dict[str, Any]) -> str:
    return _("A favour that keeps coming back, logged on %(date)s: “%(label)s”.") % p \
        + _about(p) + _recurs(p)


MESSAGES: dict[str, Message] = {
    "urgency": _text_kind(lambda: _("The message presses for speed.")),
    "haggling": _text_kind(lambda: _("The message haggles over the price or the invoice.")),
    "scope_creep": _text_kind(lambda: _("The message asks for work beyond the agreement.")),
    "disrespect": _text_kind(lambda: _("The message is rude or belittles your work.")),
    "payment_excuse": _text_kind(lambda: _("The message explains why payment is late.")),
    "ignores_advice": _text_kind(lambda: _("The client changed or overruled your work.")),
    "late_night": Message({"when": "datetime"},
                          lambda p: _("Sent at night: %(when)s (your time).") % p),
    "after_hours": Message(
        {"when": "datetime"},
        lambda p: _("Sent outside your office hours: %(when)s (your time).") % p),
    "invoice_paid_late": Message({"number": "str", "amount": "money", "paid_on": "date",
                                  "days": "int", "reminders": "int"}, _paid_late),
    "invoice_unpaid": Message({"number": "str", "amount": "money", "days": "int",
                               "reminders": "int"}, _unpaid),
    "promise_broken": Message(
        {"number": "str", "date": "date"},
        lambda p: _("Promised to pay invoice %(number)s by %(date)s and did not.") % p),
    "promise_kept": Message(
        {"number": "str", "date": "date"},
        lambda p: _("Promised to pay invoice %(number)s by %(date)s and did.") % p),
    "question_unanswered": Message(
        {"days": "int"},
        lambda p: ngettext("You asked a question %(days)d day ago and have no answer yet.",
                           "You asked a question %(days)d days ago and have no answer yet.",
                           p["days"]) % p),
    "question_answered_late": Message(
        {"days": "int", "answer": "int"},
        lambda p: _("You asked a question; the answer took %(days)s.")
        % {"days": _days(p["days"])}),
    "meeting_cancelled_late": Message(
        {"title": "str", "lead_minutes": "int"},
        lambda p: _("“%(title)s” was cancelled %(lead)s before the start.")
        % {"title": p["title"], "lead": format_duration(p["lead_minutes"])}),
    "meeting_moved_late": Message(
        {"title": "str", "lead_minutes": "int"},
        lambda p: _("“%(title)s” was moved %(lead)s before the start.")
        % {"title": p["title"], "lead": format_duration(p["lead_minutes"])}),
    "no_show": Message({"date": "date"},
                       lambda p: _("Did not show up for the call on %(date)s.") % p),
    "call_cancelled_short_notice": Message(
        {"date": "date"}, lambda p: _("Cancelled the call on %(date)s at short notice.") % p),
    "off_topic": Message(
        {"off": "int", "total": "int", "date": "date"},
        lambda p: _("%(off)d of %(total)d minutes of the call on %(date)s were off topic.")
        % p),
    "incident": Message({"category": "str"}, _incident),
    "extra_scope_creep": Message(_EXTRA_TYPES, _extra_scope_creep),
    "extra_favour_recurring": Message(_EXTRA_TYPES, _extra_favour_recurring),
}


def render(code: str, params: dict[str, Any], fallback: str = "") -> str:
    """The explanation in the active language; `fallback` (an old stored sentence) when
    the code is unknown or its parameters do not fit."""
    message = MESSAGES.get(code)
    if message is None:
        return fallback
    try:
        values = {key: _DECODE[kind](params[key]) if key in params else None
                  for key, kind in message.types.items()}
        return message.text(values)
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return fallback


def explain(signal: Any) -> str:
    """The one way any page, list or command shows a signal's explanation."""
    return render(getattr(signal, "message_code", ""), getattr(signal, "params", None) or {},
                  getattr(signal, "explanation", ""))
