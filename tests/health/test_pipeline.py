"""Events drive the pipeline: every commit of new facts queues one follow-up for exactly
the clients it touched, and running that follow-up makes their signals and health
appear — no tick needed."""

from __future__ import annotations

import datetime as dt
import mailbox
from email.message import EmailMessage

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from rapport.billing import services as billing
from rapport.clients.models import Note
from rapport.comms.calendar import import_ics
from rapport.comms.mailimport import import_mail_file
from rapport.comms.models import Direction, Message
from rapport.comms.services import save_upload
from rapport.comms.tasks import import_upload
from rapport.core.pipeline import follow_up
from rapport.health.models import HealthSnapshot
from rapport.health.pipeline import follow_up_clients
from rapport.signals import services as signal_services
from rapport.signals.models import Signal
from tests.billing.factories import billable_client, make_billable
from tests.comms.helpers import kranich, vogt
from tests.signals.helpers import message

RUDE = "Honestly, this is amateurish. What are we paying you for?"
FOLLOW_UP = "rapport.health.pipeline.follow_up_clients"


def queued() -> list[tuple[int, list[int], int | None]]:
    """The follow-ups waiting in the queue: (workspace, clients, first message)."""
    return [tuple(row.args_kwargs["args"]) for row in DBTaskResult.objects.filter(
        task_path=FOLLOW_UP, status="READY").order_by("enqueued_at")]


def run_queued() -> None:
    for workspace_id, client_ids, messages_from in queued():
        follow_up_clients.call(workspace_id, client_ids, messages_from)
    DBTaskResult.objects.filter(task_path=FOLLOW_UP).delete()


def write_mbox(path, *mails: tuple[str, str, str]) -> None:
    box = mailbox.mbox(str(path))
    for number, (sender, subject, body) in enumerate(mails, start=1):
        mail = EmailMessage()
        mail["From"], mail["To"] = sender, "mara@berg-text.example"
        mail["Subject"], mail["Message-ID"] = subject, f"<pipeline-{number}@example.org>"
        mail["Date"] = timezone.now() - dt.timedelta(hours=number)
        mail.set_content(body)
        box.add(mail)
    box.close()


@pytest.mark.django_db
def test_an_imported_mbox_queues_one_follow_up_for_the_clients_of_its_messages(
        workspace, tmp_path, django_capture_on_commit_callbacks):
    anna = kranich(workspace)
    vogt(workspace)  # a second client, not in the file
    path = tmp_path / "mail.mbox"
    write_mbox(path, ("anna@kranich.example", "Entwurf", RUDE),
               ("sam.stranger@gmail.com", "Hello", "Do you have time next week?"))
    with django_capture_on_commit_callbacks(execute=True):
        import_mail_file(workspace, path)
    first = Message.objects.filter(workspace=workspace).order_by("pk").first()
    assert queued() == [(workspace.pk, [anna.pk], first.pk)]
    assert not Signal.objects.exists()

    run_queued()
    assert Signal.objects.filter(client=anna, kind="disrespect").count() == 1
    snapshot = HealthSnapshot.objects.get(client=anna)
    assert snapshot.dirty_at is None and snapshot.messages == 1


@pytest.mark.django_db
def test_a_file_of_known_mail_queues_nothing(workspace, tmp_path,
                                             django_capture_on_commit_callbacks):
    kranich(workspace)
    path = tmp_path / "mail.mbox"
    write_mbox(path, ("anna@kranich.example", "Entwurf", RUDE))
    with django_capture_on_commit_callbacks(execute=True):
        import_mail_file(workspace, path)
    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        import_mail_file(workspace, path)
    assert queued() == []


@pytest.mark.django_db
def test_a_calendar_with_a_cancelled_meeting_queues_its_client(
        workspace, django_capture_on_commit_callbacks):
    anna = kranich(workspace)
    vogt(workspace)
    start = timezone.now() + dt.timedelta(hours=3)
    fmt = "%Y%m%dT%H%M%SZ"
    ics = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nBEGIN:VEVENT\r\n"
           f"UID:pipeline-call\r\nDTSTART:{start:{fmt}}\r\n"
           f"DTEND:{start + dt.timedelta(hours=1):{fmt}}\r\nDTSTAMP:{timezone.now():{fmt}}\r\n"
           "SEQUENCE:1\r\nSTATUS:CANCELLED\r\nSUMMARY:Abstimmung\r\n"
           "ORGANIZER:mailto:anna@kranich.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    with django_capture_on_commit_callbacks(execute=True):
        import_ics(workspace, ics.encode())
    assert queued() == [(workspace.pk, [anna.pk], None)]
    run_queued()
    assert Signal.objects.filter(client=anna, kind="cancellation").exists()


@pytest.mark.django_db
def test_a_payment_queues_the_invoice_s_client(workspace, django_capture_on_commit_callbacks):
    make_billable(workspace)
    client = billable_client(workspace, "Zahlt GmbH")
    billable_client(workspace, "Andere AG")
    invoice = billing.new_draft(workspace, client)
    billing.add_line(invoice, "Arbeit", 1, "100.00")
    invoice = billing.issue(invoice, timezone.localdate() - dt.timedelta(days=60))
    with django_capture_on_commit_callbacks(execute=True):
        billing.record_payment(invoice, "100.00")
    assert queued() == [(workspace.pk, [client.pk], None)]
    run_queued()
    signal = Signal.objects.get(client=client, kind="slow_payment")
    assert signal.source_type == "invoice"
    assert HealthSnapshot.objects.get(client=client).invoices == 1


@pytest.mark.django_db
def test_dismissing_a_signal_reassesses_the_client_at_once(
        workspace, django_capture_on_commit_callbacks):
    client = kranich(workspace)
    message(workspace, client, RUDE, timezone.now() - dt.timedelta(days=1))
    signal_services.detect_new()
    run_queued()
    follow_up_clients.call(workspace.pk, [client.pk])
    before = HealthSnapshot.objects.get(client=client)
    counted = sum(row[3] for row in before.signs)  # signals counted in the window
    assert counted >= 1
    signal = Signal.objects.get(client=client, kind="disrespect")

    with django_capture_on_commit_callbacks(execute=True):
        signal_services.dismiss(signal)
    assert queued() == [(workspace.pk, [client.pk], None)]
    run_queued()
    after = HealthSnapshot.objects.get(client=client)
    assert after.dirty_at is None and sum(row[3] for row in after.signs) == counted - 1
    assert after.computed_at > before.computed_at


@pytest.mark.django_db
def test_an_incident_noted_on_the_client_page_becomes_a_signal(
        workspace, owner_http, django_capture_on_commit_callbacks):
    client = kranich(workspace)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_http.post(reverse("clients:note_create", args=[client.pk]), {
            "kind": Note.Kind.INCIDENT, "text": "Shouted at my assistant.",
            "happened_on": timezone.localdate().isoformat(),
            "incident_category": "disrespect", "severity": 3})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert queued() == [(workspace.pk, [client.pk], None)]
    run_queued()
    assert Signal.objects.filter(client=client, kind="incident", source_type="note").exists()


@pytest.mark.django_db
def test_a_rolled_back_import_queues_nothing(workspace, django_capture_on_commit_callbacks):
    client = kranich(workspace)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message(workspace, client, RUDE)
        follow_up(workspace.pk, [client.pk])
        transaction.set_rollback(True)
    assert queued() == []


@pytest.mark.django_db
def test_messages_committed_behind_the_checkpoint_are_still_detected(workspace):
    """Two imports committing out of order: the later one's keys are read first."""
    client = kranich(workspace)
    late = message(workspace, client, RUDE)
    newer = message(workspace, client, "Thanks, looks good.")
    signal_services.detect_new()  # reads both; pretend it only saw the newer one
    Signal.objects.all().delete()
    assert signal_services.message_position() == newer.pk
    follow_up_clients.call(workspace.pk, [client.pk], late.pk)
    assert Signal.objects.filter(source_id=late.pk, kind="disrespect").exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_follow_up_of_an_upload(workspace, tmp_path):
    """The real queue: the import task queues the follow-up, the same worker run does it."""
    client = kranich(workspace)
    path = tmp_path / "mail.mbox"
    write_mbox(path, ("anna@kranich.example", "Entwurf", RUDE))
    run = save_upload(workspace, SimpleUploadedFile("mail.mbox", path.read_bytes()))
    import_upload.enqueue(run.pk)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert Message.objects.get(client=client).direction == Direction.INBOUND
    assert Signal.objects.filter(client=client, kind="disrespect").exists()
    # The import's follow-up (and the one the new contact address queued) ran.
    follow_ups = DBTaskResult.objects.filter(task_path=FOLLOW_UP)
    assert {r.status for r in follow_ups} == {"SUCCESSFUL"}
    assert any(r.args_kwargs["args"][2] is not None for r in follow_ups)  # the import's


@pytest.mark.django_db
def test_the_health_page_says_when_and_from_what_its_verdict_was_made(
        workspace, owner, owner_http, settings):
    client = kranich(workspace)
    message(workspace, client, RUDE)
    message(workspace, client, "Danke!", outbound=True)
    follow_up_clients.call(workspace.pk, [client.pk])
    when = HealthSnapshot.objects.get(client=client).computed_at
    HealthSnapshot.objects.filter(client=client).update(
        computed_at=when.replace(hour=22, minute=5, second=0, tzinfo=dt.UTC))
    page = owner_http.get(reverse("health:client", args=[client.pk])).content.decode()
    local = when.replace(hour=22, minute=5, second=0, tzinfo=dt.UTC).astimezone(workspace.tz)
    assert "from 2 messages and 0 invoices" in page
    assert f"{local:%H:%M}" in page or local.strftime("%-I:%M") in page  # workspace time

    owner.language = "de"
    owner.save()
    page = owner_http.get(reverse("health:client", args=[client.pk])).content.decode()
    assert "Zuletzt aktualisiert am" in page
    assert "aus 2 Nachrichten und 0 Rechnungen" in page
    assert f"{local:%H:%M}" in page  # 23:05 in Berlin in winter


def unknown_rude_mail(workspace, sender: str) -> Message:
    """A rude mail from an address no client has yet, read once by the detection."""
    mail = message(workspace, None, RUDE, timezone.now() - dt.timedelta(hours=2))
    Message.objects.filter(pk=mail.pk).update(from_address=sender)
    signal_services.detect_new()
    assert not Signal.objects.exists()
    return mail


@pytest.mark.django_db
def test_a_contact_address_added_on_the_client_page_brings_that_sender_s_signal(
        workspace, owner_http, django_capture_on_commit_callbacks):
    client = vogt(workspace)
    mail = unknown_rude_mail(workspace, "sam@newco.example")
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_http.post(reverse("clients:contact_create", args=[client.pk]), {
            "name": "Sam Neu", "role": "", "phone": "", "emails_text": "sam@newco.example"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert queued() == [(workspace.pk, [client.pk], None)]
    run_queued()
    assert Message.objects.get(pk=mail.pk).client == client
    assert Signal.objects.filter(client=client, source_id=mail.pk, kind="disrespect").exists()
    assert HealthSnapshot.objects.get(client=client).messages == 1


@pytest.mark.django_db
def test_an_email_domain_added_to_the_client_brings_the_signals_of_its_mail(
        workspace, owner_http, django_capture_on_commit_callbacks):
    from rapport.clients.forms import ClientForm

    client = vogt(workspace)
    mail = unknown_rude_mail(workspace, "info@vogt-gruppe.example")
    form = ClientForm(instance=client)
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data["domains_text"] = "vogt-gruppe.example"
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_http.post(reverse("clients:edit", args=[client.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert queued() == [(workspace.pk, [client.pk], None)]
    run_queued()
    assert Signal.objects.filter(client=client, source_id=mail.pk, kind="disrespect").exists()


def disrespect_counted(client) -> int:
    """Rude mails counted under "lack of respect" in the stored health verdict."""
    return sum(row[3] for row in HealthSnapshot.objects.get(client=client).signs
               if row[0] == "lack_of_respect")


@pytest.mark.django_db
def test_muting_a_kind_reassesses_the_client_and_unmuting_brings_its_signals_back(
        workspace, owner_http, django_capture_on_commit_callbacks):
    client = kranich(workspace)
    rude = message(workspace, client, RUDE, timezone.now() - dt.timedelta(days=1))
    follow_up_clients.call(workspace.pk, [client.pk], rude.pk)
    counted = disrespect_counted(client)
    assert counted == 1

    with django_capture_on_commit_callbacks(execute=True):
        owner_http.post(reverse("signals:mute", args=[client.pk]), {"kind": "disrespect"})
    assert queued() == [(workspace.pk, [client.pk], None)]
    run_queued()
    muted = HealthSnapshot.objects.get(client=client)
    assert muted.dirty_at is None and disrespect_counted(client) == 0

    # A rude mail that arrives while the kind is muted gets no signal ...
    later = message(workspace, client, "This is amateurish work, frankly.",
                    timezone.now() - dt.timedelta(hours=3))
    follow_up_clients.call(workspace.pk, [client.pk], later.pk)
    assert not Signal.objects.filter(source_id=later.pk, kind="disrespect").exists()
    # ... and has one as soon as the kind counts again.
    with django_capture_on_commit_callbacks(execute=True):
        owner_http.post(reverse("signals:unmute", args=[client.pk]), {"kind": "disrespect"})
    assert queued() == [(workspace.pk, [client.pk], rude.pk)]
    run_queued()
    assert Signal.objects.filter(source_id=later.pk, kind="disrespect").exists()
    back = HealthSnapshot.objects.get(client=client)
    assert back.dirty_at is None and disrespect_counted(client) == 2


def overdue_invoice(workspace):
    make_billable(workspace)
    client = billable_client(workspace, "Zahlt GmbH")
    invoice = billing.new_draft(workspace, client)
    billing.add_line(invoice, "Arbeit", 1, "100.00")
    return client, billing.issue(invoice, timezone.localdate() - dt.timedelta(days=60))


@pytest.mark.django_db
def test_a_cancelled_invoice_loses_its_slow_payment_signal_at_once(
        workspace, django_capture_on_commit_callbacks):
    client, invoice = overdue_invoice(workspace)
    follow_up_clients.call(workspace.pk, [client.pk])
    assert Signal.objects.filter(client=client, kind="slow_payment").exists()
    with django_capture_on_commit_callbacks(execute=True):
        billing.cancel(invoice)
    assert queued() == [(workspace.pk, [client.pk], None)]
    run_queued()
    assert not Signal.objects.filter(client=client, kind="slow_payment").exists()


@pytest.mark.django_db
def test_a_removed_payment_and_a_recorded_promise_queue_the_invoice_s_client(
        workspace, owner_http, django_capture_on_commit_callbacks):
    from rapport.dunning.services import record_promise

    client, invoice = overdue_invoice(workspace)
    payment = billing.record_payment(invoice, "100.00")
    with django_capture_on_commit_callbacks(execute=True):
        owner_http.post(reverse("billing:payment_delete", args=[invoice.pk, payment.pk]))
    assert queued() == [(workspace.pk, [client.pk], None)]
    run_queued()
    with django_capture_on_commit_callbacks(execute=True):
        record_promise(invoice, timezone.localdate() + dt.timedelta(days=7))
    assert queued() == [(workspace.pk, [client.pk], None)]


@pytest.mark.django_db
def test_a_logged_call_off_topic_becomes_a_signal_without_a_tick(
        workspace, django_capture_on_commit_callbacks):
    from rapport.comms.models import MeetingLog
    from rapport.comms.services import log_meeting

    client = kranich(workspace)
    with django_capture_on_commit_callbacks(execute=True):
        log_meeting(MeetingLog(workspace=workspace, client=client,
                               held_on=timezone.localdate(), planned_minutes=30,
                               actual_minutes=90, agenda_minutes=20, off_topic_minutes=70))
    assert queued() == [(workspace.pk, [client.pk], None)]
    run_queued()
    assert Signal.objects.filter(client=client, source_type="meetinglog").exists()
