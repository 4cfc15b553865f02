"""`rapport analyze PATH`: the message detectors over an mbox, .eml files or a directory.

Nothing is read from or written to the database: it is how a new user tries Rapport on
their own mail, and how detector quality is measured on real mail.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from rapport.comms.mailparse import ParsedMessage, ParseError, is_reply_subject, parse_bytes
from rapport.comms.mbox import iter_mbox
from rapport.core.office_hours import TimeRange, is_within, parse_ranges
from rapport.signals.detectors import Hit, detect_text, detect_time
from rapport.signals.explain import Explanation, render
from rapport.signals.owner import Owner, Participants, guess_owner, participants

_REASONS = {"sent": "the sender of the Sent folder",
            "most": "the address in most messages"}

_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_DAY_ALIASES = {"mo": 0, "di": 1, "tu": 1, "mi": 2, "we": 2, "do": 3, "th": 3, "fr": 4,
                "sa": 5, "so": 6, "su": 6}


def _day(text: str) -> int:
    key = text.strip().lower()
    if key[:3] in _DAYS:
        return _DAYS.index(key[:3])
    if key[:2] in _DAY_ALIASES:
        return _DAY_ALIASES[key[:2]]
    raise CommandError(f"unknown weekday {text!r}")


def parse_office_hours(text: str) -> dict[int, list[TimeRange]]:
    """`Mon-Fri 09:00-17:00; Sat 10:00-12:00` into ranges per weekday (0 = Monday)."""
    result: dict[int, list[TimeRange]] = {day: [] for day in range(7)}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        found = re.match(r"^([A-Za-z]+)(?:\s*-\s*([A-Za-z]+))?\s+(.+)$", part)
        if not found:
            raise CommandError(f"office hours {part!r}: write e.g. 'Mon-Fri 09:00-17:00'")
        first, last = _day(found[1]), _day(found[2] or found[1])
        try:
            ranges = parse_ranges(found[3])
        except Exception as exc:  # noqa: BLE001 - ValidationError with a readable message
            raise CommandError(f"office hours {part!r}: {exc}") from exc
        for day in range(first, last + 1):
            result[day] += ranges
    return result


def _holidays(text: str) -> object:
    if not text:
        return ()
    country, _sep, subdivision = text.upper().partition("-")
    try:
        return holidays.country_holidays(country, subdiv=subdivision or None)
    except NotImplementedError as exc:
        raise CommandError(f"unknown holiday calendar {text!r}") from exc


def iter_raw(path: Path) -> Iterator[tuple[str, Path, bytes]]:
    """(where, file, raw bytes) for every message under `path`."""
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            yield from iter_raw(child)
        return
    with path.open("rb") as stream:
        head = stream.read(5)
        stream.seek(0)
        if head == b"From ":
            for raw in iter_mbox(stream):
                yield f"{path}:{raw.line}", path, raw.data
            return
        yield str(path), path, stream.read()


def iter_messages(path: Path) -> Iterator[tuple[str, ParsedMessage | None, str]]:
    """(where, parsed message or None, error) for every message under `path`."""
    for where, _file, data in iter_raw(path):
        try:
            yield where, parse_bytes(data), ""
        except ParseError as exc:
            yield where, None, str(exc)


def find_owner(path: Path) -> Owner | None:
    """The mailbox owner, from the headers only (see `rapport.signals.owner`)."""
    root = path.parent

    def everyone() -> Iterator[Participants]:
        for _where, file, data in iter_raw(path):
            try:
                yield participants(data, file.relative_to(root))
            except (ValueError, LookupError):  # unreadable headers: not evidence
                continue

    return guess_owner(everyone())


class Command(BaseCommand):
    help = "Run the message detectors over an mbox, .eml files or a directory (no database)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("path", type=Path)
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument("--office-hours", default="Mon-Fri 09:00-17:00")
        parser.add_argument("--tz", default="Europe/Berlin")
        parser.add_argument("--holidays", default="", help="Country[-region], e.g. DE-BY.")
        parser.add_argument("--language", choices=["de", "en"], default="en",
                            help="Assumed when the text does not tell; explanations are "
                                 "written in it.")
        parser.add_argument("--me", action="append", default=[],
                            help="Your own address; its messages are skipped "
                                 "(repeatable). Without it the owner is guessed from the "
                                 "mail (the From of the Sent folder, or the address in "
                                 "most messages).")

    def handle(self, *args: object, **options: object) -> None:
        path: Path = options["path"]  # type: ignore[assignment]
        if not path.exists():
            raise CommandError(f"{path}: no such file or directory")
        try:
            tz = ZoneInfo(str(options["tz"]))
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise CommandError(f"unknown time zone {options['tz']!r}") from exc
        hours = parse_office_hours(str(options["office_hours"]))
        calendar = _holidays(str(options["holidays"]))
        mine = {str(a).lower() for a in options["me"]}  # type: ignore[union-attr]
        if not mine:
            owner = find_owner(path)
            if owner is None:
                self.stderr.write("Could not tell whose mailbox this is; every message is "
                                  "analysed. Pass --me to skip your own.")
            else:
                mine = set(owner.addresses)
                self.stderr.write(f"Assumed the mailbox belongs to {', '.join(owner.addresses)}"
                                  f" ({_REASONS[owner.reason]}); pass --me to change.")

        def is_office_time(moment: datetime) -> bool:
            return is_within(moment, hours, tz, calendar)

        for where, message, error in iter_messages(path):
            if message is None:
                self.stderr.write(f"{where}: {error}")
                continue
            if message.from_address in mine:
                continue
            self.stdout.write(json.dumps(
                analyze_message(message, is_office_time, tz, str(options["language"])),
                ensure_ascii=False))


def _text_params(hit: Hit, in_subject: bool) -> dict:
    """The explanation's parameters; a learned hit also names the words that weighed most."""
    return {"in_subject": in_subject, "words": list(hit.words)} if hit.words else {
        "in_subject": in_subject}


def analyze_message(message: ParsedMessage, is_office_time, tz: ZoneInfo,  # noqa: ANN001
                    default_language: str = "en") -> dict:
    """The signals of one message; each explanation in `default_language`, through the
    same rendering as the web pages."""
    result = detect_text(message.body_text, default_language=default_language)
    hits = [(h, Explanation(h.kind, _text_params(h, False))) for h in result.hits]
    if message.subject and not is_reply_subject(message.subject):
        hits += [(h, Explanation(h.kind, _text_params(h, True)))
                 for h in detect_text(message.subject, language=result.language).hits
                 if h.kind not in result.kinds]
    if message.date:
        hits += [(h, Explanation(h.kind, {"when": message.date}))
                 for h in detect_time(message.date, is_office_time, tz)]
    with translation.override(default_language), timezone.override(tz):
        signals = [{"kind": h.kind, "strength": float(h.strength), "evidence": h.evidence,
                    "explanation": render(e.code, e.stored())} for h, e in hits]
    return {"message_id": message.message_id, "language": result.language,
            "signals": signals}
