"""Signals are judged again when the facts change: an answer imported late, a payment
recorded late, a promise settled by a payment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from rapport.billing import services as billing
from rapport.clients.models import ClientDomain
from rapport.comms.mailimport import import_raw_messages
from rapport.comms.models import Source
from rapport.comms.stats import counts_for
from rapport.dunning.models import PaymentPromise
from rapport.signals.explain import explain
from rapport.signals.models import Signal
from rapport.signals.services import detect_new, rejudge_facts
from tests.billing.factories import billable_client, make_billable
from tests.signals.helpers import BERLIN, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(workspace):
    client = billable_client(workspace, "Meridian Lane Events")
    ClientDomain.objects.create(workspace=workspace, client=client, domain="meridian.example")
    return client


def said(signal: Signal) -> str:
    with translation.override("en"), timezone.override(BERLIN):
        return explain(signal)


def eml(message_id: str, sender: str, to: str, when: dt.datetime, body: str,
        subject: str = "Venue copy", headers: str = "") -> tuple[str, bytes]:
    date = when.strftime("%a, %d %b %Y %H:%M:%S %z")
    raw = (f"Message-ID: <{message_id}>\r\nFrom: {sender}\r\nTo: {to}\r\n"
           f"Date: {date}\r\nSubject: {subject}\r\n{headers}"
           "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n")
    return message_id, raw.encode()


def ask(workspace, message_id: str, when: dt.datetime, subject: str = "Venue copy") -> None:
    import_raw_messages(workspace, [eml(
        message_id, "owner@example.com", "jen@meridian.example", when,
        "Hi Jen,\n\ncan you confirm the venue copy by Friday?\n\nLena", subject)], Source.EML)


def answer(workspace, message_id: str, when: dt.datetime, headers: str,
           subject: str = "Venue copy") -> None:
    import_raw_messages(workspace, [eml(
        message_id, "jen@meridian.example", "owner@example.com", when,
        "Yes, confirmed. Thanks!", subject, headers)], Source.EML)


def unresponsive(client) -> list[Signal]:
    return list(Signal.objects.filter(client=client, kind="unresponsive").active())


def test_an_answer_imported_later_removes_the_unresponsive_signal_and_counts(workspace,
                                                                              client):
    ask(workspace, "q1@studio.example", at(2026, 10, 1, 9))
    detect_new(now=at(2026, 10, 12))
    assert "no answer yet" in said(unresponsive(client)[0])
    assert counts_for(client, now=at(2026, 10, 12)).answered_questions == 0

    # The answer came the next day; it is imported only now, with In-Reply-To alone.
    answer(workspace, "a1@meridian.example", at(2026, 10, 2, 11),
           "In-Reply-To: <q1@studio.example>\r\n", subject="Confirmed")
    detect_new(now=at(2026, 10, 12, 12))

    assert unresponsive(client) == []
    counts = counts_for(client, now=at(2026, 10, 12))
    assert counts.answered_questions == 1
    assert counts.median_answer == dt.timedelta(hours=26)


def test_an_answer_naming_only_my_question_is_found_inside_a_longer_thread(workspace,
                                                                           client):
    import_raw_messages(workspace, [eml(
        "root@meridian.example", "jen@meridian.example", "owner@example.com",
        at(2026, 9, 1), "We would like a new venue text.", "Venue text")], Source.EML)
    import_raw_messages(workspace, [eml(
        "q2@studio.example", "owner@example.com", "jen@meridian.example", at(2026, 9, 2),
        "Which tone do you want?", "Re: Venue text",
        "In-Reply-To: <root@meridian.example>\r\nReferences: <root@meridian.example>\r\n")],
        Source.EML)
    detect_new(now=at(2026, 9, 20))
    assert len(unresponsive(client)) == 1

    # A mail client that writes In-Reply-To only (no References), and a new subject.
    answer(workspace, "a2@meridian.example", at(2026, 9, 3),
           "In-Reply-To: <q2@studio.example>\r\n", subject="tone")
    detect_new(now=at(2026, 9, 20, 12))
    assert unresponsive(client) == []
    assert counts_for(client, now=at(2026, 9, 20)).answered_questions == 1


def test_a_late_answer_turns_the_signal_into_how_long_it_took_with_the_answer(workspace,
                                                                             client):
    ask(workspace, "q3@studio.example", at(2026, 10, 1, 9))
    detect_new(now=at(2026, 10, 20))
    waiting = unresponsive(client)[0]
    answer(workspace, "a3@meridian.example", at(2026, 10, 10, 9),
           "In-Reply-To: <q3@studio.example>\r\n", subject="Re: Venue copy")
    detect_new(now=at(2026, 10, 20, 12))
    [late] = unresponsive(client)
    assert late.pk == waiting.pk
    assert said(late) == "You asked a question; the answer took 9 days."
    assert late.params["answer"] == client.messages.get(message_id__contains="a3@meridian").pk
    assert counts_for(client, now=at(2026, 10, 20)).median_answer == dt.timedelta(days=9)


def test_an_old_answer_imported_today_is_judged_although_it_is_months_old(workspace, client):
    ask(workspace, "q4@studio.example", at(2025, 3, 1))
    rejudge_facts(workspace, [client.pk], now=at(2026, 10, 1))
    assert len(unresponsive(client)) == 1
    answer(workspace, "a4@meridian.example", at(2025, 3, 2),
           "In-Reply-To: <q4@studio.example>\r\n")
    detect_new(now=at(2026, 10, 1, 12))
    assert unresponsive(client) == []


def test_rejudging_leaves_a_dismissed_signal_dismissed(workspace, client):
    ask(workspace, "q5@studio.example", at(2026, 10, 1))
    rejudge_facts(workspace, [client.pk], now=at(2026, 10, 12))
    signal = Signal.objects.get(kind="unresponsive")
    Signal.objects.filter(pk=signal.pk).update(dismissed_at=at(2026, 10, 12))
    assert rejudge_facts(workspace, [client.pk], now=at(2026, 10, 20)) == 1
    signal.refresh_from_db()
    assert signal.dismissed_at is not None and said(signal).endswith("11 days ago and have "
                                                                     "no answer yet.")


def _invoice(workspace, client, issued: dt.date):
    make_billable(workspace)
    invoice = billing.new_draft(workspace, client)
    billing.add_line(invoice, "Texte", 1, "1000.00")
    return billing.issue(invoice, issued)


def test_a_payment_recorded_late_shows_the_real_payment_day(workspace, client):
    invoice = _invoice(workspace, client, dt.date(2026, 9, 1))  # due 2026-09-15
    detect_new(now=at(2026, 10, 20))
    signal = Signal.objects.get(kind="slow_payment")
    assert "is unpaid 35 days after its due date" in said(signal)

    # Paid on 25 September, entered only a month later.
    billing.record_payment(invoice, invoice.amount_due, paid_on=dt.date(2026, 9, 25))
    detect_new(now=at(2026, 10, 20, 12))
    signal.refresh_from_db()
    number = invoice.number
    assert said(signal) == f"Invoice {number} (€1,190.00) was paid on 25 Sept 2026, 10 days late."
    assert signal.params["paid_on"] == "2026-09-25"


def test_a_payment_recorded_late_within_a_week_removes_the_signal(workspace, client):
    invoice = _invoice(workspace, client, dt.date(2026, 9, 1))
    detect_new(now=at(2026, 10, 20))
    billing.record_payment(invoice, invoice.amount_due, paid_on=dt.date(2026, 9, 18))
    detect_new(now=at(2026, 10, 20, 12))
    assert not Signal.objects.filter(kind="slow_payment").exists()


def test_a_broken_promise_becomes_kept_when_the_payment_is_recorded_late(workspace, client):
    invoice = _invoice(workspace, client, dt.date(2026, 9, 1))
    promise = PaymentPromise.objects.create(workspace=workspace, invoice=invoice,
                                            promised_on=dt.date(2026, 9, 20),
                                            pay_by=dt.date(2026, 9, 30))
    detect_new(now=at(2026, 10, 5))
    assert Signal.objects.get(source_type="promise").kind == "broken_promise"
    promise.refresh_from_db()
    assert promise.outcome == "broken"

    billing.record_payment(invoice, invoice.amount_due, paid_on=dt.date(2026, 9, 29))
    detect_new(now=at(2026, 10, 5, 12))
    kept = Signal.objects.get(source_type="promise")
    assert kept.kind == "kept_promise"
    assert said(kept) == f"Promised to pay invoice {invoice.number} by 30 Sept 2026 and did."
    promise.refresh_from_db()
    assert (promise.outcome, promise.resolved_on) == ("kept", dt.date(2026, 9, 29))
