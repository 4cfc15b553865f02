"""Storing signals: idempotent, never for my own mail, respecting dismissals and mutes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from rapport.billing import services as billing
from rapport.clients.models import Note
from rapport.comms.models import Meeting, MeetingChange, MeetingLog, Source
from rapport.dunning.models import PaymentPromise
from rapport.signals import services
from rapport.signals.explain import explain
from rapport.signals.models import Signal
from tests.billing.factories import billable_client, make_billable
from tests.signals.helpers import BERLIN, at, message

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(workspace):
    # Explanations are written in the workspace's language; these tests read English.
    workspace.language = "en"
    workspace.save()
    return billable_client(workspace, "Meridian Lane Events")


def said(signal: Signal) -> str:
    """The explanation as an English reader in Berlin sees it."""
    with translation.override("en"), timezone.override(BERLIN):
        return explain(signal)


def kinds(client) -> set[str]:
    return set(Signal.objects.filter(client=client).active().values_list("kind", flat=True))


def test_a_sunday_night_mail_asking_asap_gives_three_signals(workspace, client):
    body = "Hi Lena,\n\nwe need the venue copy ASAP!\n\nBest,\nJen"
    msg = message(workspace, client, body, at(2026, 11, 8, 23, 10))  # a Sunday
    signals = services.detect_for_message(msg)
    assert {s.kind for s in signals} == {"urgency", "after_hours", "late_night"}
    urgency = next(s for s in signals if s.kind == "urgency")
    assert body[urgency.span_start:urgency.span_end] == "ASAP" == urgency.evidence
    assert "Sun" in said(next(s for s in signals if s.kind == "late_night"))


def test_a_mail_in_office_hours_is_not_after_hours(workspace, client):
    msg = message(workspace, client, "Danke, passt so.", at(2026, 11, 4, 10, 30))
    assert services.detect_for_message(msg) == []


def test_a_public_holiday_is_outside_office_hours(workspace, client):
    msg = message(workspace, client, "Frohe Weihnachten!", at(2026, 12, 25, 10, 0))
    assert {s.kind for s in services.detect_for_message(msg)} == {"after_hours"}


def test_my_own_outgoing_mail_never_gives_signals(workspace, client):
    msg = message(workspace, client, "Bitte dringend zahlen, Rabatt gibt es nicht.",
                  at(2026, 11, 8, 23, 10), outbound=True)
    assert services.detect_for_message(msg) == []
    services.refresh_workspace(workspace, now=at(2026, 11, 9))
    assert not Signal.objects.filter(source_type="message", source_id=msg.pk).exclude(
        kind="unresponsive").exists()


def test_running_the_detectors_twice_adds_nothing(workspace, client):
    message(workspace, client, "Das ist uns zu teuer.", at(2026, 11, 8, 23, 10))
    services.refresh_workspace(workspace, now=at(2026, 11, 9))
    first = Signal.objects.count()
    services.refresh_workspace(workspace, now=at(2026, 11, 9))
    services.detect_for_client(client, now=at(2026, 11, 9))
    assert first == Signal.objects.count() == 3


def test_a_dismissed_signal_is_excluded_and_not_created_again(workspace, client):
    msg = message(workspace, client, "Das ist uns zu teuer.")
    signal = services.detect_for_message(msg)[0]
    services.dismiss(signal)
    services.refresh_workspace(workspace)
    assert Signal.objects.filter(kind="haggling").count() == 1
    assert kinds(client) == set()


def test_a_muted_kind_is_neither_created_nor_counted(workspace, client):
    services.mute(client, "after_hours")
    services.mute(client, "after_hours")
    msg = message(workspace, client, "Bitte ASAP.", at(2026, 11, 7, 20, 0))  # Saturday
    assert {s.kind for s in services.detect_for_message(msg)} == {"urgency"}
    services.mute(client, "urgency")
    assert kinds(client) == set()
    services.unmute(client, "urgency")
    assert kinds(client) == {"urgency"}


def _invoice(workspace, client, issued: dt.date):
    make_billable(workspace)
    invoice = billing.new_draft(workspace, client)
    billing.add_line(invoice, "Texte", 1, "1000.00")
    return billing.issue(invoice, issued)


def test_an_invoice_paid_weeks_late_is_slow_payment(workspace, client):
    invoice = _invoice(workspace, client, dt.date(2026, 9, 1))  # due 2026-09-15
    billing.record_payment(invoice, invoice.amount_due, paid_on=dt.date(2026, 10, 15))
    on_time = _invoice(workspace, client, dt.date(2026, 10, 1))
    billing.record_payment(on_time, on_time.amount_due, paid_on=dt.date(2026, 10, 10))
    services.detect_for_client(client, now=at(2026, 11, 1))
    signal = Signal.objects.get(kind="slow_payment")
    assert signal.source_type == "invoice" and signal.source_id == invoice.pk
    assert "30 days late" in said(signal)


def test_an_unpaid_invoice_gets_stronger_as_days_pass(workspace, client):
    _invoice(workspace, client, dt.date(2026, 9, 1))
    services.detect_for_client(client, now=at(2026, 9, 25))
    weak = Signal.objects.get(kind="slow_payment").strength
    services.detect_for_client(client, now=at(2026, 11, 1))
    signal = Signal.objects.get(kind="slow_payment")
    assert signal.strength > weak
    assert "unpaid 47 days" in said(signal)


def test_payment_promises_are_kept_or_broken_by_the_payments(workspace, client):
    kept = _invoice(workspace, client, dt.date(2026, 9, 1))
    broken = _invoice(workspace, client, dt.date(2026, 9, 2))
    waiting = _invoice(workspace, client, dt.date(2026, 9, 3))
    for invoice, pay_by in ((kept, dt.date(2026, 9, 30)), (broken, dt.date(2026, 9, 30)),
                            (waiting, dt.date(2026, 10, 30))):
        PaymentPromise.objects.create(workspace=workspace, invoice=invoice,
                                      promised_on=dt.date(2026, 9, 20), pay_by=pay_by)
    billing.record_payment(kept, kept.amount_due, paid_on=dt.date(2026, 9, 28))
    services.detect_for_client(client, now=at(2026, 10, 5))
    promises = Signal.objects.filter(kind__endswith="_promise")
    assert sorted(promises.values_list("kind", "source_id")) == sorted([
        ("kept_promise", kept.promises.get().pk), ("broken_promise", broken.promises.get().pk)])
    assert list(PaymentPromise.objects.order_by("invoice_id").values_list(
        "outcome", flat=True)) == ["kept", "broken", "pending"]


def test_a_question_left_unanswered_for_days_is_unresponsive(workspace, client):
    asked = message(workspace, client, "Hallo Anna,\n\npasst der Entwurf so?\n\nLena",
                    at(2026, 10, 1), outbound=True, thread="a")
    answered = message(workspace, client, "Wann kommt das Feedback?", at(2026, 10, 1),
                       outbound=True, thread="b")
    message(workspace, client, "Morgen!", at(2026, 10, 2), thread="b")
    message(workspace, client, "Anbei die Rechnung.", at(2026, 10, 1), outbound=True,
            thread="c")
    services.detect_for_client(client, now=at(2026, 10, 20))
    signal = Signal.objects.get(kind="unresponsive")
    assert signal.source_id == asked.pk != answered.pk
    assert signal.evidence == "passt der Entwurf so?"
    assert "19 days" in said(signal)


def test_a_late_answer_is_unresponsive_but_a_quoted_question_is_not_mine(workspace, client):
    message(workspace, client, "Any news on the images?", at(2026, 10, 1), outbound=True,
            thread="x")
    message(workspace, client, "Here they are.", at(2026, 10, 12), thread="x")
    message(workspace, client, "Thanks.\n\n> Can you send the images?", at(2026, 10, 1),
            outbound=True, thread="y")
    services.detect_for_client(client, now=at(2026, 10, 20))
    assert Signal.objects.filter(kind="unresponsive").count() == 1
    assert "took 11 days" in said(Signal.objects.get(kind="unresponsive"))


def test_late_cancellations_and_no_shows(workspace, client):
    start = at(2026, 10, 5, 10)
    meeting = Meeting.objects.create(workspace=workspace, uid="m1", summary="Check-in",
                                     start=start, end=start + dt.timedelta(hours=1),
                                     client=client, source=Source.ICS)
    MeetingChange.objects.create(workspace=workspace, meeting=meeting, kind="cancelled",
                                 old_start=start, changed_at=start - dt.timedelta(hours=2),
                                 lead_time=dt.timedelta(hours=2))
    early = Meeting.objects.create(workspace=workspace, uid="m2", summary="Kick-off",
                                   start=start, end=start + dt.timedelta(hours=1),
                                   client=client, source=Source.ICS)
    MeetingChange.objects.create(workspace=workspace, meeting=early, kind="rescheduled",
                                 old_start=start, new_start=start + dt.timedelta(days=1),
                                 changed_at=start - dt.timedelta(days=3),
                                 lead_time=dt.timedelta(days=3))
    MeetingLog.objects.create(workspace=workspace, client=client, held_on=dt.date(2026, 10, 9),
                              no_show=True)
    services.detect_for_client(client, now=at(2026, 10, 20))
    signals = Signal.objects.filter(kind="cancellation")
    assert {s.source_type for s in signals} == {"meetingchange", "meetinglog"}
    assert signals.get(source_type="meetingchange").strength == Decimal("1.00")


def test_chatty_calls_are_off_topic(workspace, client):
    for off, total in ((20, 40), (5, 60)):
        MeetingLog.objects.create(workspace=workspace, client=client,
                                  held_on=dt.date(2026, 10, 9), actual_minutes=total,
                                  agenda_minutes=total - off, off_topic_minutes=off)
    services.detect_for_client(client)
    signal = Signal.objects.get(kind="off_topic_calls")
    assert signal.strength == Decimal("1.00") and "20 of 40" in said(signal)


def test_an_incident_note_is_a_signal_with_its_category(workspace, client):
    Note.objects.create(workspace=workspace, client=client, kind=Note.Kind.INCIDENT,
                        text="Shouted at my assistant.", incident_category="disrespect",
                        severity=3)
    Note.objects.create(workspace=workspace, client=client, text="Nice call.")
    services.detect_for_client(client)
    signal = Signal.objects.get(kind="incident")
    assert (signal.category, signal.strength, signal.evidence) == (
        "disrespect", Decimal("1.00"), "Shouted at my assistant.")


def test_a_deleted_note_takes_its_signal_along(workspace, client):
    note = Note.objects.create(workspace=workspace, client=client, kind=Note.Kind.INCIDENT,
                               text="Lied about the budget.", incident_category="integrity",
                               severity=2)
    services.detect_for_client(client)
    assert kinds(client) == {"incident"}
    note.delete()
    services.detect_for_client(client)
    assert not Signal.objects.exists()
