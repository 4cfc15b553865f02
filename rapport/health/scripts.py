"""Message templates (DE + EN) shipped in data/scripts.json, with per-workspace copies."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.mail import EmailMessage
from django.utils import formats, timezone, translation

from rapport.clients import outbound
from rapport.clients.models import Client, Note
from rapport.core.models import Workspace
from rapport.core.office_hours import format_ranges
from rapport.extras.panel import script_placeholders
from rapport.health.models import Script

DATA = Path(__file__).parent / "data" / "scripts.json"
LANGUAGES = ("de", "en")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_WEEKDAYS = {"de": ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"],
             "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]}


@dataclass
class ScriptText:
    key: str
    language: str
    title: str
    subject: str
    body: str
    custom: bool = False  # the workspace edited or added it


@cache
def shipped() -> dict[str, dict[str, dict[str, str]]]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def library(workspace: Workspace, language: str) -> list[ScriptText]:
    """Every script in one language: shipped ones, replaced by the workspace's copies,
    plus the workspace's own additions."""
    own = {s.key: s for s in Script.objects.filter(workspace=workspace, language=language)}
    result = []
    for key, texts in shipped().items():
        if key in own:
            result.append(_from_model(own.pop(key)))
        elif language in texts:
            result.append(ScriptText(key, language, **texts[language]))
    result += [_from_model(s) for s in own.values()]
    return result


def _from_model(script: Script) -> ScriptText:
    return ScriptText(script.key, script.language, script.title, script.subject, script.body,
                      custom=True)


def get_script(workspace: Workspace, key: str, language: str) -> ScriptText | None:
    own = Script.objects.filter(workspace=workspace, key=key, language=language).first()
    if own:
        return _from_model(own)
    texts = shipped().get(key, {})
    if language in texts:
        return ScriptText(key, language, **texts[language])
    other = next((lang for lang in LANGUAGES if lang in texts), None)
    if other:
        return ScriptText(key, other, **texts[other])
    return None


def office_hours_text(workspace: Workspace, language: str) -> str:
    """"Mon–Thu 09:00-12:30, 13:30-17:00; Fri 09:00-13:00": equal neighbours grouped."""
    days = _WEEKDAYS["de" if language == "de" else "en"]
    groups: list[list] = []  # [first day, last day, ranges]
    for day, ranges in sorted(workspace.hours_by_weekday.items()):
        if not ranges:
            continue
        if groups and groups[-1][1] == day - 1 and groups[-1][2] == ranges:
            groups[-1][1] = day
        else:
            groups.append([day, day, ranges])
    return "; ".join(
        f"{days[first]}{'–' + days[last] if last != first else ''} {format_ranges(ranges)}"
        for first, last, ranges in groups)


def context_for(client: Client, sender: str = "", language: str = "") -> dict[str, str]:
    workspace = client.workspace
    contact = client.contacts.first()
    language = language or client.language
    language = language if language in LANGUAGES else "de"
    with translation.override(language):
        date = formats.date_format(timezone.localdate(), "SHORT_DATE_FORMAT")
    return {
        **script_placeholders(client, language, timezone.localdate()),
        "client": client.name,
        "contact": contact.name if contact else client.name,
        "workspace": workspace.name,
        "sender": sender or workspace.legal_name or workspace.name,
        "office_hours": office_hours_text(workspace, language),
        "date": date,
    }


def fill(text: str, context: dict[str, str]) -> str:
    """Replace known {placeholders}; leave anything else (and stray braces) alone."""
    return _PLACEHOLDER.sub(lambda m: context.get(m.group(1), m.group(0)), text)


def recipients(client: Client) -> list[str]:
    return [address for contact in client.contacts.prefetch_related("emails")
            for address in contact.addresses()]


def send_script(client: Client, *, subject: str, body: str, to: list[str], title: str,
                user: object = None, confirm: bool = False) -> Note:
    """Mail the text to the client, then record it on the client's timeline (only what
    was really sent is recorded: a failing SMTP server raises before the note exists).

    Only to the client's addresses (others once confirmed), within the workspace's hourly
    limit, under the workspace's name with replies to the user; see `outbound`.
    """
    workspace = client.workspace
    outbound.check_recipients(client, to, confirm=confirm, user=user)
    outbound.check_quota(workspace, len(to))
    message = EmailMessage(subject=subject, body=body, to=to,
                           from_email=outbound.from_address(workspace),
                           reply_to=outbound.reply_to_for(workspace, user) or None)
    outbound.send(message, workspace=workspace, kind="script")
    return Note.objects.create(
        workspace=workspace, client=client, kind=Note.Kind.NOTE, created_by=user,
        text=f"{title} — {subject}\n{', '.join(to)}\n\n{body}")
