"""When reminders go out, what they charge, and that each goes out once."""

import datetime as dt
from decimal import Decimal

import pytest

from rapport.billing import services as billing
from rapport.core import clock
from rapport.dunning import services
from rapport.dunning.models import PaymentPromise, Reminder

pytestmark = pytest.mark.django_db
DUE = dt.date(2026, 3, 16)


def _run(day):
    with clock.travel(day):
        planned = services.plan()
        for reminder_id in services.due_for_delivery():
            services.deliver(reminder_id)
        return planned


def test_the_default_policy_walks_through_its_levels(overdue, mailoutbox):
    assert _run(DUE - dt.timedelta(days=4)) == []
    [note] = _run(DUE - dt.timedelta(days=3))
    assert note.title == "Freundlicher Hinweis"  # the client writes German
    assert _run(DUE + dt.timedelta(days=2)) == []
    [reminder] = _run(DUE + dt.timedelta(days=3))
    assert reminder.title == "Zahlungserinnerung" and reminder.fee_amount == 0
    [first] = _run(DUE + dt.timedelta(days=14))
    assert first.title == "1. Mahnung"
    [final] = _run(DUE + dt.timedelta(days=28))
    assert final.title == "Letzte Mahnung"
    assert _run(DUE + dt.timedelta(days=60)) == []
    assert [m.subject for m in mailoutbox] == [
        f"{t}: invoice {overdue.number}".replace("invoice", "Rechnung")
        for t in ("Freundlicher Hinweis", "Zahlungserinnerung", "1. Mahnung", "Letzte Mahnung")
    ]
    assert Reminder.objects.filter(state="sent").count() == 4


def test_running_the_tick_twice_sends_nothing_twice(overdue, mailoutbox):
    day = DUE + dt.timedelta(days=3)
    _run(day)
    _run(day)
    with clock.travel(day):
        assert services.plan() == []
    assert len(mailoutbox) == 1


def test_an_invoice_first_seen_late_skips_the_note_and_gets_the_reminder(overdue, mailoutbox):
    _run(DUE + dt.timedelta(days=22))  # Tuesday after Easter
    _run(DUE + dt.timedelta(days=22))
    assert list(Reminder.objects.values_list("title", "state")) == [
        ("Zahlungserinnerung", "sent")]
    assert [m.subject.split(":")[0] for m in mailoutbox] == ["Zahlungserinnerung"]


def test_the_next_level_waits_a_week_after_the_previous(overdue, mailoutbox):
    _run(DUE + dt.timedelta(days=22))  # the reminder goes out on day 22 (a Tuesday)
    assert _run(DUE + dt.timedelta(days=28)) == []
    [first] = _run(DUE + dt.timedelta(days=29))
    assert first.title == "1. Mahnung"


def test_fees_only_where_agreed(overdue, mailoutbox, known_rates):
    for day in (3, 14):
        _run(DUE + dt.timedelta(days=day))
    first = Reminder.objects.get(title="1. Mahnung")
    assert first.fee_amount == 0 and first.interest_amount == 0
    assert first.fee_explanation == [
        "Keine Verzugsgebühren: Für diese Rechnung wurden keine vereinbart."]


def test_agreed_fees_charge_interest_and_the_flat_fee_once(overdue, mailoutbox, known_rates):
    terms = services.terms_for(overdue.client)
    terms.late_fees_since, terms.late_fees_source = dt.date(2026, 1, 1), "agreed"
    terms.save()
    for day in (3, 14, 28):
        _run(DUE + dt.timedelta(days=day))
    first = Reminder.objects.get(title="1. Mahnung")
    # 1,190.00 × (1.27 + 9) % × 14/365 = 4.686… → 4.69
    assert first.fee_amount == Decimal("40.00")
    assert first.interest_amount == Decimal("4.69")
    final = Reminder.objects.get(title="Letzte Mahnung")
    assert final.fee_amount == Decimal("0.00")  # the flat fee is charged once
    assert final.interest_amount == Decimal("9.38")  # 1,190.00 × 10.27 % × 28/365 = 9.375…
    assert "40,00" in final.body and "Mahnverfahren" in final.body


def test_a_missing_base_rate_is_said_not_guessed(overdue, mailoutbox):
    terms = services.terms_for(overdue.client)
    terms.late_fees_since, terms.late_fees_source = dt.date(2026, 1, 1), "agreed"
    terms.save()
    for day in (2, 14):  # Friday 3 and Wednesday 15 July
        _run(dt.date(2026, 7, 1) + dt.timedelta(days=day))
    first = Reminder.objects.get(title="1. Mahnung")
    assert first.interest_amount == 0
    assert "2026-07-01" not in " ".join(first.fee_explanation)  # the client's letter
    assert services.missing_base_rate(overdue, dt.date(2026, 7, 15)) == dt.date(2026, 7, 1)


def test_an_invoice_paid_after_planning_is_not_reminded(overdue, mailoutbox):
    with clock.travel(DUE + dt.timedelta(days=3)):
        [planned] = services.plan()
    billing.record_payment(overdue, overdue.amount_due, DUE + dt.timedelta(days=3))
    assert services.deliver(planned.pk) == "skipped"
    planned.refresh_from_db()
    assert planned.state == "skipped" and "Nothing is open" in planned.skip_reason
    assert mailoutbox == []


def test_paused_clients_get_nothing_until_the_pause_ends(overdue, mailoutbox):
    terms = services.terms_for(overdue.client)
    terms.paused_until, terms.pause_reason = DUE + dt.timedelta(days=10), "Holiday season"
    terms.save()
    assert _run(DUE + dt.timedelta(days=3)) == []
    assert "paused" in services.blocking_reason(overdue, DUE + dt.timedelta(days=3))
    assert len(_run(DUE + dt.timedelta(days=11))) == 1


def test_a_promise_holds_reminders_and_is_judged_kept_or_broken(overdue, mailoutbox):
    services.record_promise(overdue, DUE + dt.timedelta(days=20), "Buchhaltung im Urlaub",
                            today=DUE + dt.timedelta(days=1))
    assert _run(DUE + dt.timedelta(days=5)) == []
    step_day = DUE + dt.timedelta(days=22)  # Tuesday after Easter
    with clock.travel(step_day):
        services.resolve_promises()
    promise = PaymentPromise.objects.get()
    assert promise.outcome == "broken" and promise.resolved_on == step_day
    assert len(_run(step_day)) == 1  # reminders resume

    services.record_promise(overdue, DUE + dt.timedelta(days=40), today=step_day)
    billing.record_payment(overdue, overdue.balance(), DUE + dt.timedelta(days=35))
    services.resolve_promises(DUE + dt.timedelta(days=36))
    assert PaymentPromise.objects.order_by("pk").last().outcome == "kept"


def test_a_smtp_failure_is_retried_with_backoff_and_shown(overdue, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    day = DUE + dt.timedelta(days=3)
    _run(day)
    reminder = Reminder.objects.get(state="failed")
    assert reminder.attempts == 1 and "refused" in reminder.last_error
    assert reminder.next_attempt_at.date() == day  # ten minutes later
    with clock.travel(reminder.next_attempt_at - dt.timedelta(seconds=1)):
        assert services.due_for_delivery() == []
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with clock.travel(reminder.next_attempt_at + dt.timedelta(seconds=1)):
        assert services.deliver(reminder.pk) == "sent"


def test_a_claimed_row_is_never_sent_again_automatically(overdue, mailoutbox):
    day = DUE + dt.timedelta(days=3)
    with clock.travel(day):
        [planned] = services.plan()
        assert services.claim(planned.pk, clock.now())  # a worker claimed it, then died
        assert services.due_for_delivery() == []
        assert services.deliver(planned.pk) == "not-claimed"
    later = clock.now() + dt.timedelta(hours=1)
    with clock.travel(later):
        assert list(services.uncertain(overdue.workspace)) == [planned]
        services.resend(planned)
        services.deliver(planned.pk)
    assert len(mailoutbox) == 1


def test_next_step_says_what_happens_when(overdue):
    step = services.next_step(overdue, DUE)
    assert step.level.title_en == "Payment reminder" and step.on == DUE + dt.timedelta(days=3)


def test_a_promise_moves_the_next_reminder(overdue):
    services.record_promise(overdue, DUE + dt.timedelta(days=10), today=DUE + dt.timedelta(days=1))
    step = services.next_step(overdue, DUE + dt.timedelta(days=2))
    assert step.on == DUE + dt.timedelta(days=11)  # the Friday after the promised Thursday


def test_no_reminder_is_scheduled_or_sent_on_a_sunday_or_a_public_holiday(overdue, mailoutbox):
    sunday = dt.date(2026, 3, 29)
    services.record_promise(overdue, sunday - dt.timedelta(days=1), today=DUE)
    step = services.next_step(overdue, DUE + dt.timedelta(days=2))
    assert step.on == sunday + dt.timedelta(days=1)  # Monday, not the Sunday after Saturday
    resolved = dt.date(2026, 4, 30)
    services.resolve_promises(resolved)
    assert _run(dt.date(2026, 5, 1)) == []  # Labour Day, a public holiday in Berlin
    assert _run(dt.date(2026, 5, 3)) == []  # a Sunday
    assert services.next_step(overdue, dt.date(2026, 5, 3)).on == dt.date(2026, 5, 4)
    [reminder] = _run(dt.date(2026, 5, 4))
    assert reminder.title == "Zahlungserinnerung" and len(mailoutbox) == 1


def test_a_friendly_note_due_on_a_sunday_waits_for_monday(workspace, mailoutbox):
    from rapport.billing import services as billing
    from tests.billing.factories import billable_client, make_billable

    make_billable(workspace)
    invoice = billing.new_draft(workspace, billable_client(workspace))
    billing.add_line(invoice, "Lektorat", 1, "100.00")
    invoice = billing.issue(invoice, dt.date(2026, 11, 18))  # due Wednesday 2 December
    assert invoice.due_date == dt.date(2026, 12, 2)
    step = services.next_step(invoice, dt.date(2026, 11, 25))
    assert step.level.title_en == "Friendly note"
    assert step.on == dt.date(2026, 11, 30)  # due − 3 days is Sunday 29 November
    assert step.on.weekday() == 0
