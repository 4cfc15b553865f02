"""Personal data: everything about a client exported as a ZIP for an access request, and
erased on request — while issued invoices stay intact and valid for their retention
period and are anonymised by the scheduled job afterwards."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile

import facturx
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from lxml import etree

from rapport.billing.documents import einvoice_xml
from rapport.billing.models import Invoice, InvoiceEvent, PortalLink
from rapport.clients.models import Contact, ContactEmail, Note
from rapport.comms.models import Direction, Meeting, Message, Source
from rapport.core import clock
from rapport.front.management.commands.tick import PERIODIC
from rapport.offboarding import personal_data
from rapport.offboarding.tasks import anonymise_invoices
from tests.billing.test_documents import en16931_schematron  # noqa: F401
from tests.offboarding.factories import ending_client, with_procedure
from tests.offboarding.isolation import PNG

pytestmark = pytest.mark.django_db


@pytest.fixture
def ending(workspace):
    ending = ending_client(workspace, issued_on=dt.date(2026, 3, 10))
    client = ending.client
    Message.objects.create(
        workspace=workspace, dedup_key=hashlib.sha256(b"k1").hexdigest(),
        message_id="<k1@kranich.example>", thread_key="<k1@kranich.example>",
        date=timezone.now(), subject="Unser Herbstprogramm",
        body_text="Liebe Olga, anbei meine private Handynummer 0171 5550123.",
        from_address="klara@kranich.example", from_name="Klara Kranich",
        to_addresses="olga@studio-nord.example", direction=Direction.INBOUND,
        client=client, source=Source.EML)
    Meeting.objects.create(workspace=workspace, uid="m1", summary="Abstimmung mit Klara",
                           start=timezone.now(), end=timezone.now() + dt.timedelta(hours=1),
                           organizer="klara@kranich.example",
                           attendees="klara@kranich.example", client=client,
                           source=Source.ICS)
    Note.objects.create(workspace=workspace, client=client, text="Klara ist im Mutterschutz.")
    return ending


def read_zip(client) -> tuple[zipfile.ZipFile, dict]:
    buffer = io.BytesIO()
    personal_data.export_zip(client, buffer)
    archive = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    return archive, json.loads(archive.read("data.json"))


def test_the_export_holds_the_data_and_the_invoice_files(ending):
    procedure = with_procedure(ending)
    shot = procedure.screenshots.get()
    archive, data = read_zip(ending.client)
    deposit, extra = ending.deposit.number, ending.open_invoice.number
    assert set(archive.namelist()) == {
        "data.json", f"invoices/{deposit}.pdf", f"invoices/{deposit}.xml",
        f"invoices/{extra}.pdf", f"invoices/{extra}.xml",
        f"screenshots/{shot.pk}-{shot.image.name.rsplit('/', 1)[-1]}"}
    assert archive.read(f"screenshots/{shot.pk}-{shot.image.name.rsplit('/', 1)[-1]}") == PNG
    assert data["handover_procedures"][0]["title"] == "Newsletter versenden"
    assert data["offboarding_items"]  # the checklist, with the note on where I stopped
    for key in ("client", "contacts", "contact_emails", "projects", "messages", "meetings",
                "notes", "invoices", "invoice_lines", "payments", "proposals", "signals",
                "deliverables", "offboarding_items", "handover_procedures"):
        assert key in data, key
    assert data["client"][0]["name"] == "Kranich Verlag GmbH"
    assert [c["name"] for c in data["contacts"]] == ["Klara Kranich"]
    assert data["messages"][0]["body_text"].startswith("Liebe Olga")
    assert data["meetings"][0]["summary"] == "Abstimmung mit Klara"
    assert data["notes"][0]["text"] == "Klara ist im Mutterschutz."
    assert {i["number"] for i in data["invoices"]} == {deposit, extra}
    assert data["payments"][0]["amount"] == str(ending.deposit.amount_due)
    assert [p["title"] for p in data["proposals"]] == ["Blog posts 2027"]
    assert archive.read(f"invoices/{extra}.pdf").startswith(b"%PDF")
    assert all("token" not in row for row in data["proposals"])  # no portal secrets


def test_erasure_needs_the_clients_name_typed_again(ending):
    assert personal_data.name_matches(ending.client, "  kranich verlag  gmbh ")
    assert not personal_data.name_matches(ending.client, "Kranich")
    assert not personal_data.name_matches(ending.client, "")


def test_erasure_removes_personal_data_from_messages_notes_contacts_and_meetings(ending):
    client = ending.client
    personal_data.erase(client)
    client.refresh_from_db()
    assert client.name == f"Erased client {client.pk}"
    assert (client.street, client.city, client.vat_id) == ("", "", "")
    message = Message.objects.get(dedup_key=hashlib.sha256(b"k1").hexdigest())
    assert (message.subject, message.body_text, message.from_address, message.from_name,
            message.to_addresses, message.message_id) == ("", "", "", "", "", "")
    assert message.direction == "in" and message.client == client  # counts stay
    meeting = Meeting.objects.get(uid="m1")
    assert (meeting.summary, meeting.organizer, meeting.attendees) == ("", "", "")
    assert not Note.objects.filter(client=client).exists()
    assert not Contact.objects.filter(client=client).exists()
    assert not ContactEmail.objects.filter(address="klara@kranich.example").exists()
    assert not any(link.is_usable() for link in PortalLink.objects.filter(
        invoice__client=client))
    with pytest.raises(ValidationError, match="erased already"):
        personal_data.erase(client)


def _unlinked_message(workspace, key: str, **addresses) -> Message:
    return Message.objects.create(
        workspace=workspace, dedup_key=hashlib.sha256(key.encode()).hexdigest(),
        date=timezone.now(), subject=f"Betreff {key}", body_text="Text", from_name="",
        direction=Direction.INBOUND, source=Source.EML, **addresses)


def test_erasure_matches_whole_addresses_and_spares_lookalikes(ending):
    workspace = ending.client.workspace
    copied = _unlinked_message(workspace, "cc", from_address="olga@studio-nord.example",
                               cc_addresses="tom@other.example, Klara@Kranich.example")
    lookalike = _unlinked_message(workspace, "anklara", from_address="anklara@kranich.example",
                                  to_addresses="olga@studio-nord.example,"
                                               "klara@kranich.example.evil")
    personal_data.erase(ending.client)
    copied.refresh_from_db()
    lookalike.refresh_from_db()
    assert (copied.subject, copied.cc_addresses) == ("", "")
    assert lookalike.subject == "Betreff anklara"
    assert lookalike.from_address == "anklara@kranich.example"


def test_erasure_keeps_issued_invoices_intact_and_their_e_invoice_valid(
        ending, en16931_schematron):  # noqa: F811
    invoice = ending.open_invoice
    before = einvoice_xml(invoice)
    personal_data.erase(ending.client)
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.buyer["name"] == "Kranich Verlag GmbH"  # the snapshot § 14 UStG needs
    assert invoice.buyer["city"] == "Hamburg"
    xml = einvoice_xml(invoice)
    assert xml == before
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    processor, executable = en16931_schematron
    report = executable.transform_to_string(
        xdm_node=processor.parse_xml(xml_text=xml.decode("utf-8")))
    svrl = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
    assert etree.fromstring(report.encode()).xpath("//svrl:failed-assert", namespaces=svrl) == []


def test_retention_ends_eight_years_after_the_end_of_the_year_of_issue():
    assert personal_data.retention_ends(dt.date(2026, 3, 10)) == dt.date(2034, 12, 31)
    assert personal_data.retention_ends(dt.date(2026, 12, 31)) == dt.date(2034, 12, 31)


def test_the_job_anonymises_invoices_only_after_the_retention_period(ending):
    assert anonymise_invoices in PERIODIC  # the hourly tick runs it
    InvoiceEvent.objects.create(workspace=ending.client.workspace, invoice=ending.open_invoice,
                                kind=InvoiceEvent.Kind.SENT, detail="to klara@kranich.example")
    personal_data.erase(ending.client)
    with clock.travel(dt.date(2034, 12, 31)):
        assert anonymise_invoices.call() == {"anonymised": 0, "failed_clients": 0}
    assert Invoice.objects.get(pk=ending.open_invoice.pk).buyer["name"] == "Kranich Verlag GmbH"
    with clock.travel(dt.date(2035, 1, 1)):
        assert anonymise_invoices.call() == {"anonymised": 2, "failed_clients": 0}
        assert anonymise_invoices.call()["anonymised"] == 0  # idempotent
    invoice = Invoice.objects.get(pk=ending.open_invoice.pk)
    assert invoice.buyer == {"anonymised": True, "country": "DE", "is_business": True}
    assert "Kranich" not in json.dumps(invoice.buyer)
    assert (invoice.number, invoice.gross_total, invoice.state) == (
        ending.open_invoice.number, ending.open_invoice.gross_total, "issued")
    assert invoice.events.get(kind="sent").detail == "to —"


def test_invoices_of_clients_who_were_not_erased_are_never_anonymised(ending):
    with clock.travel(dt.date(2040, 1, 1)):
        assert anonymise_invoices.call()["anonymised"] == 0
    assert Invoice.objects.get(pk=ending.deposit.pk).buyer["name"] == "Kranich Verlag GmbH"


def test_time_extras_and_journal_are_exported_and_their_words_erased(ending):
    from rapport.extras.models import ExtraRequest
    from rapport.journal.models import JournalEntry, Lesson
    from rapport.timetracking.models import TimeEntry

    client, workspace = ending.client, ending.client.workspace
    start = timezone.now() - dt.timedelta(hours=2)
    TimeEntry.objects.create(workspace=workspace, client=client, started_at=start,
                             ended_at=start + dt.timedelta(minutes=90), minutes=90,
                             description="Call mit Klara über ihre Elternzeit")
    ExtraRequest.objects.create(workspace=workspace, client=client,
                                kind=ExtraRequest.Kind.SCOPE_CREEP,
                                description="Klara wollte noch schnell ein Logo",
                                label="Logo", requested_on=dt.date(2026, 11, 3))
    entry = JournalEntry.objects.create(
        workspace=workspace, client=client, answers={"gut_feeling": "Klara war von Anfang an"
                                                     " unzuverlässig."})
    Lesson.objects.create(workspace=workspace, entry=entry, text="Anzahlung immer vorab")

    _, data = read_zip(client)
    assert data["time_entries"][0]["description"] == "Call mit Klara über ihre Elternzeit"
    assert data["extra_requests"][0]["description"] == "Klara wollte noch schnell ein Logo"
    assert "unzuverlässig" in data["journal_entries"][0]["answers"]["gut_feeling"]
    assert data["journal_lessons"][0]["text"] == "Anzahlung immer vorab"

    personal_data.erase(client)
    time_entry = TimeEntry.objects.get(client=client)
    assert (time_entry.description, time_entry.minutes) == ("", 90)  # hours still count
    assert ExtraRequest.objects.get(client=client).description == ""
    entry.refresh_from_db()
    assert entry.answers == {}
    assert Lesson.objects.get(entry=entry).text == "Anzahlung immer vorab"  # my own rule
