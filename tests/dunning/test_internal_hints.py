"""To-dos for the freelancer stay on the freelancer's screen, never in the client's mail."""

import datetime as dt
import subprocess

import pytest

from rapport.core import clock
from rapport.dunning import services

pytestmark = pytest.mark.django_db
DUE = dt.date(2026, 3, 16)
AFTER_THE_MISSING_HALF_YEAR_BEGAN = dt.date(2026, 7, 6)
HINTS = ("Basiszinssatz ein", "Mahneinstellungen", "Noch keine Verzugszinsen",
         "enter the base rate", "reminder settings")


def _run(day: dt.date) -> None:
    with clock.travel(day):
        services.plan()
        for reminder_id in services.due_for_delivery():
            services.deliver(reminder_id)


def _pdf_text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                         check=True).stdout.decode()
    return " ".join(out.split())


def test_a_missing_base_rate_is_a_note_for_the_user_and_not_a_line_in_the_clients_letter(
        overdue, smtp_server, owner_http):  # noqa: F811
    terms = services.terms_for(overdue.client)
    terms.late_fees_since, terms.late_fees_source = dt.date(2026, 1, 1), "agreed"
    terms.save()
    _run(DUE + dt.timedelta(days=3))
    _run(AFTER_THE_MISSING_HALF_YEAR_BEGAN)  # no base rate from 2026-07-01 is entered

    notice = overdue.reminders.get(title="1. Mahnung")
    assert notice.fee_amount > 0  # the flat fee is still charged, so a letter goes out
    mail = smtp_server.messages[-1]
    body = mail.get_body(preferencelist=("plain",)).get_content()
    letters = [part.get_content() for part in mail.iter_attachments()
               if part.get_filename() == f"{overdue.number}-{notice.level.position}.pdf"]
    assert letters, "the notice carries its letter"
    letter = _pdf_text(letters[0])
    assert "40,00 €" in letter
    for hint in HINTS:
        assert hint not in body
        assert hint not in letter
        assert all(hint not in line for line in notice.fee_explanation)

    with clock.travel(AFTER_THE_MISSING_HALF_YEAR_BEGAN):
        page = owner_http.get(f"/invoices/{overdue.pk}/").content.decode()
    assert 'data-testid="missing-base-rate"' in page
    assert "No default interest yet: enter the base rate valid from July 1, 2026" in page


def test_no_note_while_the_base_rates_cover_the_whole_time(
        overdue, owner_http, known_rates):
    terms = services.terms_for(overdue.client)
    terms.late_fees_since, terms.late_fees_source = dt.date(2026, 1, 1), "agreed"
    terms.save()
    _run(DUE + dt.timedelta(days=3))
    _run(AFTER_THE_MISSING_HALF_YEAR_BEGAN)
    with clock.travel(AFTER_THE_MISSING_HALF_YEAR_BEGAN):
        page = owner_http.get(f"/invoices/{overdue.pk}/").content.decode()
    assert 'data-testid="missing-base-rate"' not in page


def test_the_migration_removes_the_to_do_from_reminders_planned_before(overdue):
    import importlib

    from django.apps import apps

    from rapport.dunning.models import Reminder

    _run(DUE + dt.timedelta(days=3))
    reminder = Reminder.objects.get()
    Reminder.objects.filter(pk=reminder.pk).update(fee_explanation=[
        "Noch keine Verzugszinsen: Tragen Sie in den Mahneinstellungen den ab 2026-07-01 "
        "gültigen Basiszinssatz ein.", "Pauschale für Geschäftskunden (§ 288 Abs. 5 BGB): 40,00 €"])
    migration = importlib.import_module(
        "rapport.dunning.migrations.0002_drop_base_rate_todo_from_client_letters")
    migration.drop_todo_lines(apps, None)
    reminder.refresh_from_db()
    assert reminder.fee_explanation == ["Pauschale für Geschäftskunden (§ 288 Abs. 5 BGB): 40,00 €"]
