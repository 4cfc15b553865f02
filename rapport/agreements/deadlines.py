"""Deadlines for both sides, counted in working days, moving when client input is late."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Container, Iterable
from dataclasses import dataclass

CLIENT, FREELANCER = "client", "freelancer"
_PARTY = {"client": CLIENT, "kunde": CLIENT, "kundin": CLIENT, "me": FREELANCER,
          "ich": FREELANCER, "freelancer": FREELANCER}
_RELATIVE = re.compile(
    r"^(\d+)\s+(?:working days?|arbeitstage?n?)\s+(?:after|nach)\s+(.+)$", re.IGNORECASE)
_LINE = re.compile(r"^\s*(\w+)\s*:\s*(.+?)\s*=\s*(.+?)\s*$")


@dataclass(frozen=True)
class Milestone:
    label: str
    party: str  # CLIENT or FREELANCER
    date: dt.date | None = None  # a fixed date, or
    after: str | None = None  # the label this one depends on
    working_days: int = 0

    def to_dict(self) -> dict[str, object]:
        return {"label": self.label, "party": self.party,
                "date": self.date.isoformat() if self.date else None,
                "after": self.after, "working_days": self.working_days}

    @classmethod
    def from_dict(cls, data: dict) -> Milestone:
        date = dt.date.fromisoformat(data["date"]) if data.get("date") else None
        return cls(data["label"], data["party"], date, data.get("after"),
                   int(data.get("working_days") or 0))


@dataclass(frozen=True)
class Scheduled:
    milestone: Milestone
    planned: dt.date
    expected: dt.date
    received: dt.date | None = None

    @property
    def moved_by(self) -> int:
        return (self.expected - self.planned).days

    @property
    def overdue_input(self) -> bool:
        return (self.milestone.party == CLIENT and self.received is None
                and self.expected > self.planned)


def is_working_day(day: dt.date, holidays: Container[dt.date] = ()) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: dt.date, days: int, holidays: Container[dt.date] = ()) -> dt.date:
    """The date `days` working days after `start` (0 means start, or the next working day)."""
    day = start
    while not is_working_day(day, holidays):
        day += dt.timedelta(days=1)
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays):
            remaining -= 1
    return day


def holidays_for(workspace: object, years: Iterable[int]) -> set[dt.date]:
    return set(workspace.public_holidays(sorted(set(years))).keys())  # type: ignore[attr-defined]


def parse_line(line: str) -> Milestone:
    """`client: Interview = 2026-03-02` or `me: First draft = 5 working days after Interview`."""
    match = _LINE.match(line)
    if not match or match.group(1).lower() not in _PARTY:
        raise ValueError(line)
    party, label, when = _PARTY[match.group(1).lower()], match.group(2), match.group(3)
    relative = _RELATIVE.match(when)
    if relative:
        return Milestone(label, party, after=relative.group(2).strip(),
                         working_days=int(relative.group(1)))
    return Milestone(label, party, date=_date(when))


def _date(text: str) -> dt.date:
    """ISO (2026-03-02) or German (02.03.2026): the editor shows German dates in German."""
    german = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    if german:
        return dt.date(int(german[3]), int(german[2]), int(german[1]))
    return dt.date.fromisoformat(text)


def format_line(milestone: Milestone, language: str = "en") -> str:
    party = {CLIENT: "client", FREELANCER: "me"}[milestone.party]
    if milestone.after:
        unit = "Arbeitstage nach" if language == "de" else "working days after"
        when = f"{milestone.working_days} {unit} {milestone.after}"
    else:
        when = milestone.date.isoformat() if milestone.date else ""
    if language == "de":
        when = milestone.date.strftime("%d.%m.%Y") if milestone.date else when
        party = {"client": "Kunde", "me": "ich"}[party]
    return f"{party}: {milestone.label} = {when}"


def schedule(milestones: list[Milestone], *, received: dict[str, dt.date] | None = None,
             today: dt.date | None = None,
             holidays: Container[dt.date] = ()) -> list[Scheduled]:
    """Planned and expected dates of every milestone.

    A client input that has not arrived by its planned date is expected no earlier than
    the next working day after `today`; everything that depends on it moves with it.
    """
    received = received or {}
    by_label = {m.label: m for m in milestones}
    planned: dict[str, dt.date] = {}
    expected: dict[str, dt.date] = {}

    def resolve(label: str, seen: tuple[str, ...] = ()) -> None:
        if label in planned:
            return
        if label in seen:
            raise ValueError(f"circular deadline: {label}")
        m = by_label[label]
        if m.after:
            if m.after not in by_label:
                raise ValueError(f"unknown milestone: {m.after}")
            resolve(m.after, (*seen, label))
            planned[label] = add_working_days(planned[m.after], m.working_days, holidays)
            exp = add_working_days(expected[m.after], m.working_days, holidays)
        else:
            planned[label] = exp = m.date  # type: ignore[assignment]
        if label in received:
            exp = max(received[label], planned[label]) if m.party == CLIENT else exp
        elif m.party == CLIENT and today is not None and exp < today:
            exp = add_working_days(today, 0, holidays)
        expected[label] = exp

    for m in milestones:
        resolve(m.label)
    return [Scheduled(m, planned[m.label], expected[m.label], received.get(m.label))
            for m in milestones]
