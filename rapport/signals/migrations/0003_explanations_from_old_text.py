"""Give signals written before structured explanations a message code and parameters.

The old sentences were written in the workspace's language (German or English) at
detection time. Each known sentence is recognised in both languages; what it said is
stored as parameters, taken from the row itself where it is more precise (the message
time is the signal's `occurred_at`). A sentence that matches none stays as it is and is
shown as written. The evidence of a time signal was the same time as English text
("Thu 2026-11-26 22:47"); the explanation now shows it in the reader's format, so that
copy is dropped. Reversing keeps the sentences; nothing else needs undoing."""

import re

from django.db import migrations

_TEXT_KINDS = {
    "urgency": ("The message presses for speed.", "Die Nachricht drängt zur Eile."),
    "haggling": ("The message haggles over the price or the invoice.",
                 "Die Nachricht feilscht um den Preis oder die Rechnung."),
    "scope_creep": ("The message asks for work beyond the agreement.",
                    "Die Nachricht verlangt Arbeit über die Vereinbarung hinaus."),
    "disrespect": ("The message is rude or belittles your work.",
                   "Die Nachricht ist unhöflich oder wertet Ihre Arbeit ab."),
    "payment_excuse": ("The message explains why payment is late.",
                       "Die Nachricht erklärt, warum die Zahlung verspätet ist."),
    "ignores_advice": ("The client changed or overruled your work.",
                       "Der Kunde hat Ihre Arbeit geändert oder sich über sie hinweggesetzt."),
}
_SUBJECT = (" (in the subject)", " (im Betreff)")

_D = r"(?P<date>\d{4}-\d{2}-\d{2})"
_PATTERNS = [
    ("late_night", [r"^Sent at night: .*", r"^Nachts gesendet: .*"]),
    ("after_hours", [r"^Sent outside your office hours: .*",
                     r"^Außerhalb Ihrer Bürozeiten gesendet: .*"]),
    ("question_unanswered", [
        r"^You asked a question (?P<days>\d+) days ago and have no answer yet\.$",
        r"^Sie haben vor (?P<days>\d+) Tagen eine Frage gestellt und noch keine Antwort\.$"]),
    ("question_answered_late", [
        r"^You asked a question; the answer took (?P<days>\d+) days\.$",
        r"^Sie haben eine Frage gestellt; die Antwort dauerte (?P<days>\d+) Tage\.$"]),
    ("promise_broken", [
        rf"^Promised to pay invoice (?P<number>.+) by {_D} and did not\.$",
        rf"^Hat zugesagt, Rechnung (?P<number>.+) bis {_D} zu bezahlen, und hat es nicht "
        r"getan\.$"]),
    ("promise_kept", [
        rf"^Promised to pay invoice (?P<number>.+) by {_D} and did\.$",
        rf"^Hat zugesagt, Rechnung (?P<number>.+) bis {_D} zu bezahlen, und hat es getan\.$"]),
    ("meeting_cancelled_late", [
        r"^“(?P<title>.*)” was cancelled (?P<hours>\d+) hours before the start\.$",
        r"^„(?P<title>.*)“ wurde (?P<hours>\d+) Stunden vor Beginn abgesagt\.$"]),
    ("meeting_moved_late", [
        r"^“(?P<title>.*)” was moved (?P<hours>\d+) hours before the start\.$",
        r"^„(?P<title>.*)“ wurde (?P<hours>\d+) Stunden vor Beginn verschoben\.$"]),
    ("no_show", [rf"^Did not show up for the call on {_D}\.$",
                 rf"^Ist zum Gespräch am {_D} nicht erschienen\.$"]),
    ("call_cancelled_short_notice", [
        rf"^Cancelled the call on {_D} at short notice\.$",
        rf"^Hat das Gespräch am {_D} kurzfristig abgesagt\.$"]),
    ("off_topic", [
        rf"^(?P<off>\d+) of (?P<total>\d+) minutes of the call on {_D} were off topic\.$",
        rf"^(?P<off>\d+) von (?P<total>\d+) Minuten des Gesprächs am {_D} waren "
        r"themenfremd\.$"]),
    ("incident", [r"^Incident you recorded: .*\.$", r"^Von Ihnen erfasster Vorfall: .*\.$"]),
]
_COMPILED = [(code, [re.compile(p, re.DOTALL) for p in patterns]) for code, patterns in
             _PATTERNS]


def parse(text, signal):
    """(message code, params) of an old sentence, or None."""
    text = (text or "").strip()
    for code, sentences in _TEXT_KINDS.items():
        for sentence, subject in zip(sentences, _SUBJECT):
            if text == sentence:
                return code, {"in_subject": False}
            if text == sentence + subject:
                return code, {"in_subject": True}
    for code, patterns in _COMPILED:
        for pattern in patterns:
            found = pattern.match(text)
            if not found:
                continue
            values = found.groupdict()
            if code in ("late_night", "after_hours"):
                return code, {"when": signal.occurred_at.isoformat()}
            if code == "incident":
                return (code, {"category": signal.category}) if signal.category else None
            if code in ("meeting_cancelled_late", "meeting_moved_late"):
                return code, {"title": values["title"],
                              "lead_minutes": int(values["hours"]) * 60}
            params = {}
            for key, value in values.items():
                params[key] = int(value) if key in ("days", "off", "total") else value
            return code, params
    return None


def forwards(apps, schema_editor):
    Signal = apps.get_model("signals", "Signal")
    rows = Signal.objects.filter(message_code="").only(
        "pk", "explanation", "occurred_at", "category", "evidence")
    changed = []
    for signal in rows.iterator(chunk_size=2000):
        parsed = parse(signal.explanation, signal)
        if parsed is None:
            continue
        signal.message_code, signal.params = parsed
        if signal.message_code in ("late_night", "after_hours"):
            signal.evidence = ""
        changed.append(signal)
        if len(changed) >= 1000:
            Signal.objects.bulk_update(changed, ["message_code", "params", "evidence"])
            changed = []
    if changed:
        Signal.objects.bulk_update(changed, ["message_code", "params", "evidence"])


def backwards(apps, schema_editor):
    """The old sentences are still in `explanation`; the codes are ignored by old code."""


class Migration(migrations.Migration):

    dependencies = [
        ("signals", "0002_structured_explanations"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
