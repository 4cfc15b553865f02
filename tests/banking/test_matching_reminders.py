"""A payment found on the bank statement stops the reminder, even one already planned."""

import datetime as dt

import pytest
from django.core.management import call_command

from rapport.banking.matching import match_new
from rapport.clients.models import Contact
from rapport.clients.services import set_contact_emails
from rapport.core import clock
from rapport.dunning import services as dunning
from rapport.dunning.models import Reminder
from rapport.dunning.tasks import run_reminders
from tests.banking.factories import bank_line, issued
from tests.billing.factories import billable_client, make_billable

DUE = dt.date(2026, 3, 16)  # issued 2026-03-02 with 14 days


def _client(workspace, name, email):
    client = billable_client(workspace, name)
    contact = Contact.objects.create(workspace=workspace, client=client, name=name)
    set_contact_emails(contact, [email])
    return client


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_no_reminder_for_an_invoice_paid_by_bank_transfer(workspace, mailoutbox):
    make_billable(workspace)
    paid = issued(_client(workspace, "Möbelmanufaktur Brandt KG", "buchhaltung@brandt.example"),
                  "1000.00")
    unpaid = issued(_client(workspace, "Kranich Verlag GmbH", "rechnung@kranich.example"),
                    "500.00")
    reminder_day = DUE + dt.timedelta(days=3)
    with clock.travel(reminder_day):
        planned = dunning.plan()  # the morning tick planned both reminders
    assert {r.invoice_id for r in planned} == {paid.pk, unpaid.pk}

    row = bank_line(workspace, "1190.00", f"RE {paid.number.split('-', 1)[1]}  Danke",
                    name="Möbelmanufaktur Brandt KG", on=reminder_day)
    assert match_new(workspace.pk, [row.pk])["booked"] == 1

    with clock.travel(reminder_day):
        run_reminders.enqueue()
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    by_invoice = {r.invoice_id: r for r in Reminder.objects.all()}
    assert by_invoice[paid.pk].state == "skipped"
    assert "Nothing is open" in by_invoice[paid.pk].skip_reason
    assert by_invoice[unpaid.pk].state == "sent"
    assert [m.to for m in mailoutbox] == [["rechnung@kranich.example"]]


@pytest.mark.django_db
def test_a_promise_is_kept_by_the_day_the_money_reached_the_bank(workspace):
    make_billable(workspace)
    invoice = issued(billable_client(workspace, "Nordlicht KG"), "200.00")
    kept = dunning.record_promise(invoice, pay_by=dt.date(2026, 3, 25), today=DUE)
    late = issued(invoice.client, "100.00")
    broken = dunning.record_promise(late, pay_by=dt.date(2026, 3, 25), today=DUE)
    rows = [bank_line(workspace, "238.00", invoice.number, on=dt.date(2026, 3, 24)),
            bank_line(workspace, "119.00", late.number, on=dt.date(2026, 3, 27))]
    match_new(workspace.pk, [r.pk for r in rows])  # imported a week later
    assert dunning.resolve_promises(dt.date(2026, 4, 1)) == 2
    kept.refresh_from_db()
    broken.refresh_from_db()
    assert (kept.outcome, kept.resolved_on) == ("kept", dt.date(2026, 3, 24))
    assert broken.outcome == "broken"


@pytest.mark.django_db
def test_a_booked_payment_announces_its_client_to_the_follow_up(
        workspace, django_capture_on_commit_callbacks):
    from rapport.core.pipeline import facts_committed

    make_billable(workspace)
    invoice = issued(billable_client(workspace, "Nordlicht KG"), "200.00")
    heard = []

    def listen(sender, **kwargs):
        heard.append(kwargs["client_ids"])

    facts_committed.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            match_new(workspace.pk, [bank_line(workspace, "238.00", invoice.number).pk])
    finally:
        facts_committed.disconnect(listen)
    assert [invoice.client_id] in heard
