"""The inbox, uploads with background import, assigning senders, the client's timeline."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from rapport.billing.models import PendingFee
from rapport.comms.calendar import import_ics
from rapport.comms.crypto import decrypt
from rapport.comms.mailimport import import_mail_file
from rapport.comms.models import ImportRun, MailAccount, Meeting, Message
from rapport.core.models import Workspace
from tests.comms import isolation
from tests.comms.helpers import DATA, kranich
from tests.test_tenant_isolation import _fill, _params, all_routes


def _worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_an_uploaded_mbox_is_imported_in_the_background_with_progress(owner_http, workspace):
    kranich(workspace)
    upload = SimpleUploadedFile("export.mbox", (DATA / "sample.mbox").read_bytes())
    response = owner_http.post("/inbox/upload/", {"file": upload}, follow=True)
    run = ImportRun.objects.get()
    assert run.state == "queued"
    page = response.content.decode()
    assert "export.mbox" in page and f"/inbox/imports/{run.pk}/" in page  # polled
    _worker()
    run.refresh_from_db()
    assert (run.state, run.imported, run.percent) == ("done", 5, 100)
    fragment = owner_http.get(f"/inbox/imports/{run.pk}/").content.decode()
    assert "hx-trigger" not in fragment  # finished: polling stops
    assert "message 5, line 79: no headers" in fragment
    assert Message.objects.count() == 5


def test_a_wrong_file_type_is_refused(owner_http, workspace):
    upload = SimpleUploadedFile("photo.jpg", b"\xff\xd8")
    response = owner_http.post("/inbox/upload/", {"file": upload})
    assert "Upload an .mbox, .eml or .ics file." in response.content.decode()
    assert not ImportRun.objects.exists()


def test_assigning_an_unknown_sender_creates_a_contact_and_links_earlier_mail(
        owner_http, workspace):
    client = kranich(workspace)
    import_mail_file(workspace, DATA / "sample.mbox")
    page = owner_http.get("/inbox/").content.decode()
    assert "sam.stranger@gmail.com" in page and "Who is this?" in page
    owner_http.post("/inbox/senders/assign/", {"address": "sam.stranger@gmail.com",
                                               "name": "Sam Stranger", "client": client.pk})
    message = Message.objects.get(from_address="sam.stranger@gmail.com")
    assert message.client == client and message.contact.name == "Sam Stranger"
    assert "sender-sam.stranger@gmail.com" not in owner_http.get("/inbox/").content.decode()


def test_a_sender_cannot_be_assigned_to_another_workspaces_client(owner_http, workspace,
                                                                   outsider):
    import_mail_file(workspace, DATA / "sample.mbox")
    theirs = kranich(Workspace.objects.get(memberships__user=outsider))
    owner_http.post("/inbox/senders/assign/", {"address": "sam.stranger@gmail.com",
                                               "client": theirs.pk})
    assert Message.objects.get(from_address="sam.stranger@gmail.com").client is None


def test_the_client_page_shows_counts_and_a_late_cancellation(owner_http, workspace):
    client = kranich(workspace)
    import_mail_file(workspace, DATA / "sample.mbox")
    import_ics(workspace, (DATA / "google.ics").read_bytes(),
               now=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    page = owner_http.get(f"/inbox/clients/{client.pk}/fragment/").content.decode()
    assert "cancelled 1 h before start" in page
    assert "Neue Idee für den Katalog" in page
    # Anna answered the 09:30 question at 10:00 next day: 24.5 h -> "24 h".
    assert "24 h" in page
    only_meetings = owner_http.get(f"/inbox/clients/{client.pk}/?show=meetings")
    assert "Neue Idee" not in only_meetings.content.decode()


def test_a_billable_no_show_waits_for_the_next_invoice(owner_http, workspace):
    client = kranich(workspace)
    response = owner_http.post(f"/inbox/clients/{client.pk}/log/", {
        "held_on": "2026-11-20", "planned_minutes": 30, "actual_minutes": 0,
        "agenda_minutes": 0, "off_topic_minutes": 0, "no_show": "on", "billable": "on",
        "fee": "60.00"})
    assert response.status_code == 302
    fee = PendingFee.objects.get()
    assert (fee.client, fee.amount, fee.invoiced_at) == (client, 60, None)
    # An invoice line for a German client: German words, German date.
    assert fee.description == "Versäumter Termin am 20.11.2026"
    page = owner_http.get(f"/inbox/clients/{client.pk}/").content.decode()
    assert "no-show" in page and "Versäumter Termin am 20.11.2026" in page


def test_a_billable_log_needs_a_reason_and_an_amount(owner_http, workspace):
    client = kranich(workspace)
    response = owner_http.post(f"/inbox/clients/{client.pk}/log/", {
        "held_on": "2026-11-20", "planned_minutes": 30, "actual_minutes": 45,
        "agenda_minutes": 20, "off_topic_minutes": 25, "billable": "on"})
    assert response.status_code == 422
    assert "How much should the client pay?" in response.content.decode()
    assert not PendingFee.objects.exists()


def test_an_account_password_is_stored_encrypted_and_never_shown(owner_http, workspace):
    response = owner_http.post("/inbox/accounts/new/", {
        "name": "Work", "host": "imap.example.com", "port": 993, "security": "ssl",
        "username": "mara@berg-text.example", "folders": "INBOX, Sent",
        "password": "app-password-123"})
    assert response.status_code == 302
    account = MailAccount.objects.get()
    assert b"app-password-123" not in bytes(account.password_encrypted)
    assert decrypt(account.password_encrypted) == "app-password-123"
    assert "app-password-123" not in owner_http.get("/inbox/").content.decode()
    edit = owner_http.get(f"/inbox/accounts/{account.pk}/edit/").content.decode()
    assert "app-password-123" not in edit and "Leave empty to keep" in edit
    owner_http.post(f"/inbox/accounts/{account.pk}/edit/", {
        "name": "Work", "host": "imap.example.com", "port": 993, "security": "ssl",
        "username": "mara@berg-text.example", "folders": "INBOX, Sent, Archive",
        "password": ""})
    account.refresh_from_db()
    assert account.folder_names() == ["INBOX", "Sent", "Archive"]
    assert decrypt(account.password_encrypted) == "app-password-123"


def test_a_meeting_without_client_can_be_assigned(owner_http, workspace):
    client = kranich(workspace)
    now = dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)
    meeting = Meeting.objects.create(workspace=workspace, uid="x", start=now,
                                     end=now + dt.timedelta(hours=1), source="ics")
    owner_http.post(f"/inbox/meetings/{meeting.pk}/assign/", {"client": client.pk})
    meeting.refresh_from_db()
    assert meeting.client == client


@pytest.mark.django_db
def test_every_comms_url_refuses_another_workspaces_objects(owner_http, workspace, outsider):
    from tests.conftest import make_client

    mine = isolation.objects_for(workspace, make_client(workspace))
    other = Workspace.objects.get(memberships__user=outsider)
    theirs = isolation.objects_for(other, make_client(other, "Theirs"))
    mine["client_pk"], theirs["client_pk"] = (make_client(workspace, "M").pk,
                                              make_client(other, "T").pk)
    checked = 0
    for ns, route, _pattern in all_routes():
        params = _params(route)
        if ns != "comms" or not params:
            continue
        url = _fill(route, theirs)
        for method in ("get", "post"):
            assert getattr(owner_http, method)(url).status_code in {404, 405}, url
        checked += 1
    assert checked >= 10


def test_the_client_page_include_loads_the_section_with_htmx(workspace):
    from django.template import Context, Template

    client = kranich(workspace)
    html = Template("{% load comms %}{% client_comms client %}").render(
        Context({"client": client}))
    assert f'hx-get="/inbox/clients/{client.pk}/fragment/"' in html
    assert 'hx-trigger="load"' in html


def test_a_message_is_shown_as_escaped_text(owner_http, workspace):
    import_mail_file(workspace, DATA / "sample.mbox")
    message = Message.objects.get(from_address="sam.stranger@gmail.com")
    Message.objects.filter(pk=message.pk).update(body_text="<script>alert(1)</script>")
    page = owner_http.get(f"/inbox/messages/{message.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_a_log_can_only_name_a_meeting_of_this_client(owner_http, workspace, outsider):
    client = kranich(workspace)
    other = Workspace.objects.get(memberships__user=outsider)
    now = dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)
    theirs = Meeting.objects.create(workspace=other, uid="t", start=now, end=now,
                                    source="ics")
    mine = Meeting.objects.create(workspace=workspace, uid="m", start=now, end=now,
                                  source="ics", client=client)
    data = {"held_on": "2026-11-20", "planned_minutes": 30, "actual_minutes": 40,
            "agenda_minutes": 25, "off_topic_minutes": 15}
    response = owner_http.post(f"/inbox/clients/{client.pk}/log/",
                               {**data, "meeting": theirs.pk})
    assert response.status_code == 422
    owner_http.post(f"/inbox/clients/{client.pk}/log/", {**data, "meeting": mine.pk})
    assert client.meeting_logs.get().meeting == mine


def test_billing_picks_up_open_fees_once(workspace):
    from decimal import Decimal

    from rapport.billing import services as billing
    from rapport.comms.models import MeetingLog
    from rapport.comms.services import log_meeting

    client = kranich(workspace)
    log = MeetingLog(workspace=workspace, client=client, held_on=dt.date(2026, 11, 20),
                     late_cancellation=True, billable=True)
    log_meeting(log, fee_amount=Decimal("45.00"))
    fees = billing.open_fees(client)
    assert [f.amount for f in fees] == [Decimal("45.00")]
    assert fees[0].description == "Termin am 20.11.2026 kurzfristig abgesagt"
    first = billing.new_draft(workspace, client)
    assert [line.description for line in first.lines.all()] == [fees[0].description]
    assert PendingFee.objects.get().invoice == first
    assert billing.open_fees(client) == []
    assert not billing.new_draft(workspace, client).lines.exists()  # billed once
    billing.delete_draft(first)
    assert billing.open_fees(client) == fees  # back for the next invoice
