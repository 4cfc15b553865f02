"""Reminders travel through a real SMTP server on loopback, with invoice and letter."""

import datetime as dt

import pytest

from rapport.core import clock
from rapport.dunning import services
from rapport.dunning.models import Reminder

pytestmark = pytest.mark.django_db
DUE = dt.date(2026, 3, 16)


def _run(day):
    with clock.travel(day):
        services.plan()
        for reminder_id in services.due_for_delivery():
            services.deliver(reminder_id)


def test_the_first_notice_arrives_in_german_with_fee_invoice_and_letter(
    overdue, smtp_server, known_rates  # noqa: F811
):
    terms = services.terms_for(overdue.client)
    terms.late_fees_since, terms.late_fees_source = dt.date(2026, 1, 1), "agreed"
    terms.save()
    for day in (3, 14):
        _run(DUE + dt.timedelta(days=day))
    assert len(smtp_server.messages) == 2
    notice = smtp_server.messages[1]
    assert notice["To"] == "buchhaltung@brandt.example"
    assert str(notice["Reply-To"]) == "olga@studio-nord.example"  # the freelancer, not the app
    assert notice["Subject"].startswith("1. Mahnung")
    text = notice.get_body(preferencelist=("plain",)).get_content()
    assert "trotz Zahlungserinnerung noch offen (1.190,00" in text
    assert "40,00" in text and "4,69" in text  # flat fee and 14 days of interest
    assert "/p/" in text  # the portal link
    attachments = {part.get_filename(): part.get_content_type()
                   for part in notice.iter_attachments()}
    assert attachments == {f"{overdue.number}.pdf": "application/pdf",
                           f"{overdue.number}-3.pdf": "application/pdf"}
    reminder = Reminder.objects.get(title="1. Mahnung")
    assert reminder.body in text.replace("\r\n", "\n")  # the exact mail is kept


def test_an_english_client_gets_english_text(overdue, smtp_server):  # noqa: F811
    overdue.client.language = "en"
    overdue.client.save()
    # The invoice's language is part of its snapshot; a new English invoice is needed.
    from rapport.billing import services as billing

    invoice = billing.new_draft(overdue.workspace, overdue.client)
    billing.add_line(invoice, "Copy", 1, "500.00")
    invoice = billing.issue(invoice, dt.date(2026, 3, 2))
    _run(DUE + dt.timedelta(days=3))
    subjects = sorted(m["Subject"] for m in smtp_server.messages)
    assert f"Payment reminder: invoice {invoice.number}" in subjects
    english = next(m for m in smtp_server.messages if invoice.number in m["Subject"])
    assert "is still open" in english.get_body(preferencelist=("plain",)).get_content()


def test_a_reminder_comes_under_the_workspaces_name_and_is_counted(
        overdue, smtp_server):  # noqa: F811
    from rapport.clients.models import OutboundMail

    _run(DUE + dt.timedelta(days=3))
    [message] = smtp_server.messages
    assert message["From"].addresses[0].display_name == overdue.workspace.name
    assert OutboundMail.objects.get(workspace=overdue.workspace).kind == "reminder"
