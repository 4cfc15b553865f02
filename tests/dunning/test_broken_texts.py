"""A broken reminder text hurts nobody: refused on save, held back if already stored,
and never stops the reminders of other workspaces."""

import datetime as dt

import pytest
from django.db import connection

from rapport.accounts.models import User
from rapport.billing import services as billing
from rapport.billing.models import Invoice
from rapport.clients.models import Contact
from rapport.clients.services import set_contact_emails
from rapport.core import clock
from rapport.dunning import services
from rapport.dunning.defaults import default_policy
from rapport.dunning.forms import LevelForm
from rapport.dunning.models import Reminder
from rapport.dunning.tasks import run_reminders
from tests.billing.factories import billable_client, make_billable
from tests.conftest import make_workspace

pytestmark = pytest.mark.django_db
ISSUED = dt.date(2026, 3, 2)
REMINDER_DAY = dt.date(2026, 3, 19)  # three days after the due date


def _overdue_invoice(workspace, address):
    make_billable(workspace)
    client = billable_client(workspace, f"Client of {workspace.name}")
    contact = Contact.objects.create(workspace=workspace, client=client, name="Frau Kunde")
    set_contact_emails(contact, [address])
    invoice = billing.new_draft(workspace, client)
    billing.add_line(invoice, "Work", 1, "500.00")
    return billing.issue(invoice, ISSUED)


@pytest.fixture
def neighbour(db):
    user = User.objects.create_user("neighbour@example.com", "x" * 12)
    return make_workspace(user, name="Nachbar Studio")


def _tick(day=REMINDER_DAY):
    """What the worker does: the periodic task, then each enqueued delivery."""
    with clock.travel(day):
        run_reminders.call()
        for reminder_id in services.due_for_delivery():
            services.deliver(reminder_id)


def _break_texts(workspace, text="Bitte zahlen Sie {amount} bis morgen}.\n"):
    policy = default_policy(workspace)
    policy.levels.update(body_de=text, body_en=text)


def test_a_stray_brace_in_one_workspace_does_not_stop_reminders_of_another(
        workspace, neighbour, mailoutbox):
    _overdue_invoice(workspace, "kunde@broken.example")
    healthy = _overdue_invoice(neighbour, "kunde@healthy.example")
    _break_texts(workspace)  # stored before validation existed
    _tick()
    assert [m.to for m in mailoutbox] == [["kunde@healthy.example"]]
    assert healthy.reminders.get().state == Reminder.State.SENT


def test_a_reminder_with_a_broken_text_is_held_back_with_the_reason_shown(
        workspace, owner, mailoutbox):
    invoice = _overdue_invoice(workspace, "kunde@broken.example")
    _break_texts(workspace)
    _tick()
    held = invoice.reminders.get()
    assert held.state == Reminder.State.FAILED and mailoutbox == []
    assert "Unmatched brace" in held.last_error and "morgen}" in held.last_error
    from django.test import Client as HttpClient

    http = HttpClient()
    http.force_login(owner)
    page = http.get("/").content.decode()
    assert "Held back" in page and "Unmatched brace" in page


def test_after_fixing_the_text_sending_again_uses_the_fixed_text(workspace, mailoutbox):
    invoice = _overdue_invoice(workspace, "kunde@broken.example")
    _break_texts(workspace)
    _tick()
    _break_texts(workspace, "Offen: {open_amount}. Zahlbar bis {{sofort}}.")
    services.resend(invoice.reminders.get())
    _tick()
    [mail] = mailoutbox
    assert "Offen: 595,00" in mail.body and "{sofort}" in mail.body


def test_a_row_that_raises_while_planning_does_not_stop_the_other_invoices(
        workspace, neighbour, mailoutbox):
    broken = _overdue_invoice(workspace, "kunde@broken.example")
    _overdue_invoice(neighbour, "kunde@healthy.example")
    with connection.cursor() as cursor:  # a corrupt row, as an old import might leave it
        cursor.execute(f"UPDATE {Invoice._meta.db_table} SET buyer = %s WHERE id = %s",
                       ['["not", "a", "mapping"]', broken.pk])
    _tick()
    assert [m.to for m in mailoutbox] == [["kunde@healthy.example"]]


@pytest.mark.parametrize("text, message", [
    ("Offen: {amount}}", "Unmatched brace near"),
    ("Hallo {kunde}", "“{kunde}” is not a known placeholder"),
    ("Hallo {client.__class__}", "“{client.__class__}” is not a valid placeholder"),
    ("Hallo {client[0]}", "“{client[0]}” is not a valid placeholder"),
    ("Hallo {client!r}", "“{client!r}” is not a valid placeholder"),
    ("Hallo {", "Unmatched brace near"),
])
def test_the_level_form_names_the_broken_placeholder(text, message):
    form = LevelForm(data={"delay_days": 3, "title_de": "Erinnerung", "title_en": "Reminder",
                           "fee_kind": "none", "fee_value": "0", "deadline_days": 7,
                           "body_de": text, "body_en": "Invoice {number} is open."})
    assert not form.is_valid()
    assert any(message in error for error in form.errors["body_de"])
    assert "body_en" not in form.errors


def test_the_level_form_explains_in_german(settings):
    from django.utils import translation

    with translation.override("de"):
        form = LevelForm(data={"delay_days": 3, "title_de": "E", "title_en": "R",
                               "fee_kind": "none", "fee_value": "0", "deadline_days": 7,
                               "body_de": "Hallo {kunde}", "body_en": "Open: {total}}"})
        assert not form.is_valid()
        assert "ist kein bekannter Platzhalter" in form.errors["body_de"][0]
        assert "Nicht geschlossene Klammer" in form.errors["body_en"][0]


def test_a_promise_that_cannot_be_resolved_does_not_stop_the_reminders(
        workspace, neighbour, mailoutbox):
    from rapport.dunning.models import PaymentPromise
    from tests.failing_rows import refused_writes

    broken = _overdue_invoice(workspace, "kunde@broken.example")
    _overdue_invoice(neighbour, "kunde@healthy.example")
    services.record_promise(broken, dt.date(2026, 3, 17), today=dt.date(2026, 3, 10))
    with refused_writes(PaymentPromise, workspace.pk, "UPDATE"):
        _tick()
    assert ["kunde@healthy.example"] in [m.to for m in mailoutbox]


def test_the_level_form_refuses_a_line_break_in_the_title_which_is_the_subject():
    form = LevelForm(data={"delay_days": 3, "title_de": "Erinnerung\r\nBcc: x@y.example",
                           "title_en": "Reminder", "fee_kind": "none", "fee_value": "0",
                           "deadline_days": 7, "body_de": "Offen: {amount}",
                           "body_en": "Open: {amount}"})
    assert not form.is_valid()
    assert form.errors["title_de"] == ["Line breaks are not allowed here."]
    assert "title_en" not in form.errors
