"""Explanations are stored as a code with parameters and read in the reader's language."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import json
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone, translation

from rapport.billing import services as billing
from rapport.signals import services
from rapport.signals.explain import Explanation, Money, explain, render
from rapport.signals.models import Signal
from tests.billing.factories import billable_client, make_billable
from tests.signals.helpers import BERLIN, at, message

pytestmark = pytest.mark.django_db

# Words and formats that give away German text on an English page.
GERMAN = re.compile(r"\b(Nachts|gesendet|Ihre Zeit|Rechnung|bezahlt|Tage|Nachricht|"
                    r"Kunde|Frage|Antwort)\b|\bDo\.,|\d{2}\.\d{2}\.\d{4}")


def read(language: str, code: str, **params: object) -> str:
    with translation.override(language), timezone.override(BERLIN):
        return render(code, Explanation(code, params).stored())


def test_a_night_message_reads_in_each_language_with_its_own_date_format():
    when = at(2026, 11, 26, 22, 47)
    assert read("de", "late_night", when=when) == \
        "Nachts gesendet: Do., 26.11.2026, 22:47 (Ihre Zeit)."
    assert read("en", "late_night", when=when) == \
        "Sent at night: Thu, 26 Nov 2026, 22:47 (your time)."


def test_amounts_and_days_are_formatted_for_the_reader():
    params = {"number": "RE-2026-0007", "amount": Money(Decimal("1234.50"), "EUR"),
              "paid_on": dt.date(2026, 10, 3), "days": 1, "reminders": 2}
    assert read("de", "invoice_paid_late", **params) == (
        "Rechnung RE-2026-0007 (1.234,50\xa0€) wurde am 03.10.2026 bezahlt, 1 Tag zu spät. "
        "2 Erinnerungen wurden gesendet.")
    assert read("en", "invoice_paid_late", **params) == (
        "Invoice RE-2026-0007 (€1,234.50) was paid on 3 Oct 2026, 1 day late. "
        "2 reminders were sent.")


def test_a_short_notice_cancellation_says_minutes_not_zero_hours():
    assert read("de", "meeting_cancelled_late", title="Check-in", lead_minutes=30) == \
        "„Check-in“ wurde 30 Min. vor Beginn abgesagt."
    assert read("en", "meeting_cancelled_late", title="Check-in", lead_minutes=30) == \
        "“Check-in” was cancelled 30 min before the start."


def test_parameters_are_stored_as_plain_json():
    stored = Explanation("invoice_unpaid", {
        "number": "RE-1", "amount": Money(Decimal("10.00"), "CHF"), "days": 9,
        "reminders": 0}).stored()
    assert json.loads(json.dumps(stored)) == {
        "number": "RE-1", "amount": {"amount": "10.00", "currency": "CHF"}, "days": 9,
        "reminders": 0}


def test_an_unknown_code_or_broken_parameters_fall_back_to_the_old_sentence():
    assert render("no_such_code", {}, "Alter Text.") == "Alter Text."
    assert render("late_night", {"when": "not a date"}, "Alter Text.") == "Alter Text."


@pytest.fixture
def client(workspace):
    return billable_client(workspace, "Meridian Lane Events")


def test_new_signals_store_a_code_and_parameters_not_a_sentence(workspace, client):
    msg = message(workspace, client, "We need it ASAP!", at(2026, 11, 8, 23, 10))
    services.detect_for_message(msg)
    night = Signal.objects.get(kind="late_night")
    assert night.explanation == ""
    assert (night.message_code, night.params, night.evidence) == (
        "late_night", {"when": msg.date.isoformat()}, "")
    urgency = Signal.objects.get(kind="urgency")
    assert (urgency.message_code, urgency.params) == ("urgency", {"in_subject": False})


def _page(http, owner, language: str, url: str) -> str:
    owner.language = language
    owner.save()
    return http.get(url).content.decode()


def test_the_same_signal_reads_german_for_a_german_reader_and_english_for_an_english_one(
        owner_http, owner, workspace, client):
    make_billable(workspace)
    invoice = billing.new_draft(workspace, client)
    billing.add_line(invoice, "Texte", 1, "1000.00")
    invoice = billing.issue(invoice, dt.date(2026, 9, 1))
    message(workspace, client, "Bitte dringend, wir brauchen das sofort!",
            at(2026, 11, 26, 22, 47))
    services.detect_for_client(client, now=at(2026, 11, 27))

    url = f"/signals/clients/{client.pk}/"
    german = _page(owner_http, owner, "de", url)
    assert "Nachts gesendet: Do., 26.11.2026, 22:47 (Ihre Zeit)." in german
    assert f"Rechnung {invoice.number} (1.190,00\xa0€) ist 73 Tage nach Fälligkeit" in german

    english = _page(owner_http, owner, "en", url)
    assert "Sent at night: Thu, 26 Nov 2026, 22:47 (your time)." in english
    # One card per message: its date heads the card, the signs are listed inside.
    assert "<strong>Message late at night</strong>" in english
    assert " · Thu, 26 Nov 2026, 22:47" in english
    assert f"Invoice {invoice.number} (€1,190.00) is unpaid 73 days after its due" in english
    explanations = re.findall(r'data-testid="explanation">([^<]*)<', english)
    assert len(explanations) >= 4
    assert [text for text in explanations if GERMAN.search(text)] == []

    health = _page(owner_http, owner, "en", f"/health/clients/{client.pk}/")
    evidence = re.findall(r'data-testid="signal-\d+">(.*)', health)
    assert f"Invoice {invoice.number} (€1,190.00) is unpaid 73 days" in " ".join(evidence)
    assert [line for line in evidence if GERMAN.search(line.split("<q>")[0])] == []
    assert any(line.startswith("26 Nov 2026 · ") for line in evidence)
    german_health = _page(owner_http, owner, "de", f"/health/clients/{client.pk}/")
    assert f"Rechnung {invoice.number} (1.190,00\xa0€) ist 73 Tage" in german_health


def _migration():
    return importlib.import_module(
        "rapport.signals.migrations.0003_explanations_from_old_text")


def test_old_sentences_in_either_language_become_codes_and_the_rest_stays_as_written(
        workspace, client):
    occurred = at(2026, 11, 26, 22, 47)

    def old(kind: str, text: str, **fields: object) -> Signal:
        return Signal.objects.create(
            workspace=workspace, client=client, kind=kind, occurred_at=occurred,
            strength="0.90", explanation=text, source_type="test",
            source_id=Signal.objects.count() + 1, **fields)

    night = old("late_night", "Nachts gesendet: Do 2026-11-26 22:47 (Ihre Zeit).",
                evidence="Thu 2026-11-26 22:47")
    answer = old("unresponsive", "You asked a question; the answer took 11 days.")
    subject = old("urgency", "Die Nachricht drängt zur Eile. (im Betreff)")
    moved = old("cancellation", "„Kick-off“ wurde 2 Stunden vor Beginn verschoben.")
    incident = old("incident", "Von Ihnen erfasster Vorfall: Respektlosigkeit.",
                   category="disrespect")
    odd = old("slow_payment", "Irgendein alter Satz.")

    _migration().forwards(apps, None)

    with translation.override("en"), timezone.override(BERLIN):
        rendered = {s.pk: explain(s) for s in Signal.objects.all()}
    assert rendered[night.pk] == "Sent at night: Thu, 26 Nov 2026, 22:47 (your time)."
    assert Signal.objects.get(pk=night.pk).evidence == ""  # the English copy of the time
    assert rendered[answer.pk] == "You asked a question; the answer took 11 days."
    assert rendered[subject.pk] == "The message presses for speed. (in the subject)"
    assert rendered[moved.pk] == "“Kick-off” was moved 2 h before the start."
    assert rendered[incident.pk].startswith("Incident you recorded: ")
    assert rendered[odd.pk] == "Irgendein alter Satz."
    assert Signal.objects.get(pk=odd.pk).message_code == ""


def test_rapport_analyze_prints_explanations_in_the_chosen_language(tmp_path):
    raw = ("Message-ID: <n1@client.example>\r\nFrom: jen@client.example\r\n"
           "To: me@studio.example\r\nDate: Thu, 26 Nov 2026 22:47:00 +0100\r\n"
           "Subject: Copy\r\n\r\nBitte dringend, sofort!\r\n")
    path = tmp_path / "one.eml"
    path.write_bytes(raw.encode())
    for language, expected in (("de", "Nachts gesendet: Do., 26.11.2026, 22:47 (Ihre Zeit)."),
                               ("en", "Sent at night: Thu, 26 Nov 2026, 22:47 (your time).")):
        out = io.StringIO()
        call_command("analyze", str(path), "--language", language, stdout=out)
        signals = json.loads(out.getvalue())["signals"]
        assert expected in [s["explanation"] for s in signals]
