"""A client's personal data: everything exported for an access request (Art. 15 GDPR),
and erased on request (Art. 17) as far as the law lets it go.

Issued invoices are the exception: § 147 AO and § 14b UStG require keeping them, with
every field § 14 UStG asks for, for eight years counted from the end of the calendar
year in which they were issued. They stay untouched until then; afterwards the periodic
job `anonymise_expired_invoices` removes the buyer's details from them. The README's
"Personal data" section lists the exact rules; keep the two in step.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import zipfile
from typing import IO

from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from rapport.agreements.models import (
    Acceptance,
    AgreementLink,
    ChangeOrder,
    Comment,
    Contract,
    Proposal,
    ProposalVersion,
)
from rapport.billing.documents import einvoice_xml, render_pdf
from rapport.billing.export import document_name
from rapport.billing.models import (
    Deliverable,
    Invoice,
    InvoiceEvent,
    InvoiceLine,
    Payment,
    PendingFee,
    PortalLink,
)
from rapport.clients.models import (
    Client,
    ClientDomain,
    ConfirmedRecipient,
    Contact,
    ContactEmail,
    Note,
    Project,
    StatusChange,
)
from rapport.comms.models import Meeting, MeetingLog, Message
from rapport.core import clock
from rapport.dunning.models import ClientTerms, PaymentPromise, Reminder
from rapport.extras.models import ExtraRequest
from rapport.intake.models import Interview, WaitingListEntry
from rapport.journal.models import JournalEntry, Lesson
from rapport.offboarding.models import ChecklistItem, Erasure, Procedure, Screenshot
from rapport.signals.models import Signal
from rapport.timetracking.models import TimeEntry

logger = logging.getLogger(__name__)

RETENTION_YEARS = 8  # § 147 Abs. 3 AO, § 14b Abs. 1 UStG (since 2025)


# --- what belongs to the client ------------------------------------------------------------


def client_addresses(client: Client) -> set[str]:
    """Every email address known as the client's, in lower case."""
    addresses = set(ContactEmail.objects.filter(contact__client=client)
                    .values_list("address", flat=True))
    addresses |= set(client.confirmed_recipients.values_list("address", flat=True))
    return {address.lower() for address in addresses if address}


def client_messages(client: Client, addresses: set[str] | None = None) -> models.QuerySet:
    """Messages linked to the client, or sent from or to one of its addresses."""
    addresses = client_addresses(client) if addresses is None else addresses
    # To and Cc are comma-separated lists, so only a whole entry counts: a substring match
    # would erase johanna@kunde.de's mail along with anna@kunde.de's.
    query = Q(client=client)
    for address in addresses:
        entry = rf"(^|,)\s*{re.escape(address)}\s*(,|$)"
        query |= (Q(from_address__iexact=address) | Q(to_addresses__iregex=entry)
                  | Q(cc_addresses__iregex=entry))
    return Message.objects.filter(query, workspace=client.workspace)


def _sections(client: Client) -> dict[str, models.QuerySet]:
    invoices = Invoice.objects.filter(client=client)
    proposals = Proposal.objects.filter(client=client)
    contracts = Contract.objects.filter(client=client)
    return {
        "client": Client.objects.filter(pk=client.pk),
        "contacts": Contact.objects.filter(client=client),
        "contact_emails": ContactEmail.objects.filter(contact__client=client),
        "email_domains": ClientDomain.objects.filter(client=client),
        "confirmed_recipients": ConfirmedRecipient.objects.filter(client=client),
        "status_changes": StatusChange.objects.filter(client=client),
        "notes": Note.objects.filter(client=client),
        "projects": Project.objects.filter(client=client),
        "deliverables": Deliverable.objects.filter(project__client=client),
        "messages": client_messages(client),
        "meetings": Meeting.objects.filter(client=client),
        "meeting_logs": MeetingLog.objects.filter(client=client),
        "pending_fees": PendingFee.objects.filter(client=client),
        "invoices": invoices,
        "invoice_lines": InvoiceLine.objects.filter(invoice__in=invoices),
        "payments": Payment.objects.filter(invoice__in=invoices),
        "invoice_events": InvoiceEvent.objects.filter(invoice__in=invoices),
        "reminders": Reminder.objects.filter(invoice__in=invoices),
        "payment_promises": PaymentPromise.objects.filter(invoice__in=invoices),
        "payment_terms": ClientTerms.objects.filter(client=client),
        "proposals": proposals,
        "proposal_versions": ProposalVersion.objects.filter(proposal__in=proposals),
        "proposal_comments": Comment.objects.filter(proposal__in=proposals),
        "contracts": contracts,
        "change_orders": ChangeOrder.objects.filter(contract__in=contracts),
        "acceptances": Acceptance.objects.filter(
            Q(version__proposal__in=proposals) | Q(change_order__contract__in=contracts)),
        "intake_interviews": Interview.objects.filter(client=client),
        "waiting_list": WaitingListEntry.objects.filter(client=client),
        "signals": Signal.objects.filter(client=client),
        "offboarding_items": ChecklistItem.objects.filter(client=client),
        "handover_procedures": Procedure.objects.filter(client=client),
        "handover_screenshots": Screenshot.objects.filter(client=client),
        "time_entries": TimeEntry.objects.filter(client=client),
        "extra_requests": ExtraRequest.objects.filter(client=client),
        "journal_entries": JournalEntry.objects.filter(client=client),
        "journal_lessons": Lesson.objects.filter(entry__client=client),
    }


# Fields that are secrets of the portal, not data about the client.
_NOT_EXPORTED = {"token"}


def export_data(client: Client) -> dict[str, list[dict]]:
    """Every row about the client, section by section, as plain JSON-ready dicts."""
    data: dict[str, list[dict]] = {}
    for name, queryset in _sections(client).items():
        rows = serializers.serialize("python", queryset.order_by("pk"))
        data[name] = [{"id": row["pk"], **{k: v for k, v in row["fields"].items()
                                          if k not in _NOT_EXPORTED}} for row in rows]
    return data


def export_zip(client: Client, out: IO[bytes]) -> list[str]:
    """Write the ZIP for an access request: data.json plus the invoices (PDF with the
    embedded e-invoice, and the XML) and the uploaded screenshots. Returns the names."""
    names = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        payload = {"exported_at": clock.now(), "client_id": client.pk, **export_data(client)}
        archive.writestr("data.json", json.dumps(payload, cls=DjangoJSONEncoder, indent=2,
                                                 ensure_ascii=False))
        names.append("data.json")
        for invoice in client.invoices.exclude(state=Invoice.State.DRAFT).order_by("pk"):
            for extension, content in (("pdf", lambda i=invoice: render_pdf(i)),
                                       ("xml", lambda i=invoice: einvoice_xml(i, "factur-x"))):
                name = f"invoices/{document_name(invoice, extension)}"
                archive.writestr(name, content())
                names.append(name)
        for shot in Screenshot.objects.filter(client=client).order_by("pk"):
            try:
                with shot.image.open("rb") as handle:
                    content = handle.read()
            except (OSError, ValueError):
                continue  # the file is gone; its row is in data.json
            name = f"screenshots/{shot.pk}-{shot.image.name.rsplit('/', 1)[-1]}"
            archive.writestr(name, content)
            names.append(name)
    return names


# --- erasure ---------------------------------------------------------------------------------


def name_matches(client: Client, typed: str) -> bool:
    """The confirmation: the client's name typed again (case and spacing aside)."""
    def norm(value: str) -> str:
        return " ".join(value.split()).casefold()

    return bool(typed.strip()) and norm(typed) == norm(client.name)


def _delete_files(queryset: models.QuerySet, field: str) -> None:
    for row in queryset:
        stored = getattr(row, field)
        if stored:
            stored.delete(save=False)


@transaction.atomic
def erase(client: Client, by: object = None) -> Erasure:
    """Remove the client's personal data; keep issued invoices for their retention period.

    Raises ValidationError when the client was erased already.
    """
    if Erasure.objects.filter(client=client).exists():
        raise ValidationError(_("This client's personal data has been erased already."))
    workspace = client.workspace
    addresses = client_addresses(client)
    now = clock.now()

    client_messages(client, addresses).update(
        subject="", body_text="", from_address="", from_name="", to_addresses="",
        cc_addresses="", message_id="", in_reply_to="", thread_key=models.F("dedup_key"),
        attachments=[], contact=None)
    Meeting.objects.filter(client=client).update(summary="", organizer="", attendees="")
    MeetingLog.objects.filter(client=client).update(notes="")
    Note.objects.filter(client=client).delete()
    Signal.objects.filter(client=client).delete()
    StatusChange.objects.filter(client=client).update(reason="")
    Contact.objects.filter(client=client).delete()  # with their addresses
    ClientDomain.objects.filter(client=client).delete()
    ConfirmedRecipient.objects.filter(client=client).delete()

    Interview.objects.filter(client=client).update(answers={}, gut_note="", token=None,
                                                   revoked_at=now)
    WaitingListEntry.objects.filter(client=client).delete()
    Comment.objects.filter(proposal__client=client).delete()
    Proposal.objects.filter(client=client, contract__isnull=True).delete()
    AgreementLink.objects.filter(
        Q(proposal__client=client) | Q(change_order__contract__client=client),
        revoked_at__isnull=True).update(revoked_at=now)
    PortalLink.objects.filter(invoice__client=client, revoked_at__isnull=True).update(
        revoked_at=now)

    screenshots = Screenshot.objects.filter(client=client)
    _delete_files(screenshots, "image")
    Procedure.objects.filter(client=client).delete()
    ChecklistItem.objects.filter(client=client).update(note="", reason="")

    drafts = Invoice.objects.filter(client=client, state=Invoice.State.DRAFT)
    InvoiceLine.objects.filter(invoice__in=drafts).delete()
    drafts.delete()
    PendingFee.objects.filter(client=client, invoiced_at__isnull=True).delete()
    Project.objects.filter(client=client).update(description="")
    # Hours and extras keep their figures (the real hourly rate, billed lines); the
    # words about the client go. The journal keeps its lessons, which are the
    # freelancer's own rules, but not the answers written about this client.
    TimeEntry.objects.filter(client=client).update(description="")
    ExtraRequest.objects.filter(client=client).update(description="", message=None,
                                                      meeting=None)
    JournalEntry.objects.filter(client=client).update(answers={})

    client.name = _("Erased client %(number)s") % {"number": client.pk}
    client.street = client.postal_code = client.city = client.vat_id = ""
    client.save(update_fields=["name", "street", "postal_code", "city", "vat_id"])
    client.tags.clear()
    return Erasure.objects.create(workspace=workspace, client=client, erased_at=now,
                                  erased_by=by if getattr(by, "pk", None) else None)


# --- after the retention period --------------------------------------------------------------


def retention_ends(issued_on: dt.date) -> dt.date:
    """The last day an invoice must be kept: eight years after the end of its year."""
    return dt.date(issued_on.year + RETENTION_YEARS, 12, 31)


def is_anonymised(invoice: Invoice) -> bool:
    return bool(invoice.buyer.get("anonymised"))


def anonymise_invoice(invoice: Invoice) -> None:
    """Strip the buyer's details from an invoice past its retention period.

    Numbers, dates, lines and amounts stay for the seller's own figures. This is the one
    change to an issued invoice the law asks for, so it bypasses the immutability guard
    on purpose (as closing a workspace does)."""
    if invoice.pdf:
        invoice.pdf.delete(save=False)
    buyer = {"anonymised": True, "country": invoice.buyer.get("country", ""),
             "is_business": invoice.buyer.get("is_business", True)}
    models.QuerySet.update(Invoice.objects.filter(pk=invoice.pk), buyer=buyer, intro_text="",
                           closing_text="", pdf="")
    InvoiceEvent.objects.filter(invoice=invoice, kind=InvoiceEvent.Kind.SENT).update(
        detail="to —")
    Payment.objects.filter(invoice=invoice).update(note="")
    PaymentPromise.objects.filter(invoice=invoice).update(note="")
    Reminder.objects.filter(invoice=invoice).update(recipients=[], subject="", body="")


def anonymise_expired_invoices(today: dt.date | None = None) -> dict[str, int]:
    """Anonymise erased clients' invoices whose retention period is over.

    Idempotent; one client that fails is logged and skipped, the others go on."""
    today = today or clock.today()
    done = failed = 0
    for erasure in Erasure.objects.select_related("client").order_by("pk"):
        invoices = [invoice for invoice in Invoice.objects.filter(client=erasure.client)
                    .exclude(state=Invoice.State.DRAFT)
                    if not is_anonymised(invoice) and invoice.issue_date
                    and retention_ends(invoice.issue_date) < today]
        if not invoices:
            continue
        try:
            with transaction.atomic():
                for invoice in invoices:
                    anonymise_invoice(invoice)
        except Exception:  # noqa: BLE001 - one client's failure must not stop the others
            logger.exception("Anonymising the invoices of client %s failed", erasure.client_id)
            failed += 1
            continue
        done += len(invoices)
    return {"anonymised": done, "failed_clients": failed}
