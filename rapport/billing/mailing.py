"""Sending an issued invoice to the client: a short email with the PDF and a portal link.

`send_invoice()` records the sending at once (a SENT event and `sent_at`) and leaves the
slow, external part – rendering the PDF and talking to the mail server – to
`transaction.on_commit`:

* called outside a transaction (a plain view), the mail goes out before the function
  returns;
* called inside `transaction.atomic()` (or with ATOMIC_REQUESTS), it goes out when the
  outermost block commits, and not at all if that block rolls back – so no client ever
  gets an invoice whose "sent" record was rolled back, and a SQLite write lock is never
  held while WeasyPrint renders.

If the delivery fails, the SENT event is removed and `sent_at` restored, and a
`ValidationError` naming the reason is raised from the commit point (from the call
itself in the first case), so a view can show it like any other refusal.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass
from functools import partial

from babel.dates import format_date
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rapport.billing.bank import format_iban
from rapport.billing.documents import render_pdf
from rapport.billing.export import document_name
from rapport.billing.models import Invoice, InvoiceEvent
from rapport.billing.portal import PORTAL_LINK_DAYS as PORTAL_LINK_DAYS  # where it was
from rapport.billing.portal import portal_link_for
from rapport.billing.texts import title
from rapport.clients import outbound
from rapport.clients.models import Note, OutboundMail
from rapport.core import clock
from rapport.core.money import babel_locale, format_money

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    """Everything the after-commit step needs; plain values, no half-committed objects."""

    invoice_pk: int
    event_pk: int
    sent_at: dt.datetime
    previous_sent_at: dt.datetime | None
    to: tuple[str, ...]
    portal_url: str
    link_expires_at: dt.datetime
    message: str
    sender_name: str
    reply_to: tuple[str, ...] = ()
    # The text the freelancer checked and perhaps changed in the preview, sent verbatim.
    subject: str = ""
    body: str = ""
    note_pk: int | None = None


def _clean_recipients(to: list[str]) -> list[str]:
    recipients = [address.strip() for address in to if address and address.strip()]
    if not recipients:
        raise ValidationError(_("Enter at least one address."))
    for address in recipients:
        try:
            validate_email(address)
        except ValidationError as exc:
            raise ValidationError(
                _("“%(value)s” is not an email address.") % {"value": address}
            ) from exc
    return list(dict.fromkeys(recipients))  # drop repeats, keep the order


def _clean_base_url(base_url: str) -> str:
    base_url = base_url.strip().rstrip("/")
    try:
        URLValidator(schemes=["http", "https"])(base_url)
    except ValidationError as exc:
        raise ValidationError(
            _("“%(value)s” is not a web address the client could open.") % {"value": base_url}
        ) from exc
    return base_url


def _refuse_unless_sendable(invoice: Invoice) -> None:
    if invoice.state == Invoice.State.DRAFT:
        raise ValidationError(_("A draft cannot be sent; issue it first."))
    if invoice.state == Invoice.State.CANCELLED:
        raise ValidationError(
            _("This invoice has been cancelled; send the cancellation invoice instead.")
        )


def _single_line(value: str) -> str:
    """Collapse whitespace so a name can never smuggle a header line into the email."""
    return " ".join(value.split())


def reply_to_for(invoice: Invoice) -> list[str]:
    """The seller's own address, so a client's answer reaches the freelancer, not the app."""
    for candidate in (invoice.seller.get("email", ""), invoice.workspace.email):
        address = _single_line(candidate or "")
        try:
            validate_email(address)
        except ValidationError:
            continue
        return [address]
    return []


def _format_date(value: dt.date, language: str) -> str:
    return format_date(value, format="long", locale=babel_locale(language))


def compose_body(invoice: Invoice, *, portal_url: str, link_expires_at: dt.datetime,
                 message: str = "", sender_name: str = "") -> str:
    """The plain-text body in the active language; call inside `translation.override`."""
    language = invoice.language
    contact = _single_line(invoice.buyer.get("contact", ""))
    parts = [_("Hello %(name)s,") % {"name": contact} if contact else _("Hello,")]
    facts = {"number": invoice.number, "date": _format_date(invoice.issue_date, language)}
    balance = invoice.balance()
    if invoice.kind == Invoice.Kind.CANCELLATION:
        facts["cancelled"] = invoice.cancels.number if invoice.cancels else ""
        parts.append(_("please find attached cancellation invoice %(number)s of %(date)s. It "
                       "cancels invoice %(cancelled)s; there is nothing to pay.") % facts)
    elif balance > 0:
        facts.update(amount=format_money(balance, invoice.currency, language),
                     due_date=_format_date(invoice.due_date, language))
        payment = [_("please find attached invoice %(number)s of %(date)s. Please transfer "
                     "%(amount)s by %(due_date)s, quoting %(number)s as the payment "
                     "reference.") % facts]
        iban = invoice.seller.get("iban", "")
        if iban:
            payment.append(_("Account holder: %(holder)s, IBAN: %(iban)s") % {
                "holder": invoice.seller.get("account_holder") or invoice.seller.get("name"),
                "iban": format_iban(iban),
            })
        parts.append("\n".join(payment))
    else:
        parts.append(_("please find attached invoice %(number)s of %(date)s for your records. "
                       "It has been paid in full – thank you.") % facts)
    if message.strip():
        parts.append(message.strip())
    parts.append(_("You can also view and download the invoice online until %(date)s:") % {
        "date": _format_date(timezone.localtime(link_expires_at).date(), language),
    } + f"\n{portal_url}")
    signature = sender_name.strip() or invoice.seller.get("name", "")
    parts.append(_("Kind regards") + (f"\n{signature}" if signature else ""))
    return "\n\n".join(parts) + "\n"


def default_subject(invoice: Invoice) -> str:
    """"Invoice RE-2026-0001 from Studio Nord", in the invoice's language."""
    seller = invoice.seller.get("name") or invoice.workspace.name
    with translation.override(invoice.language):
        return _("%(title)s %(number)s from %(seller)s") % {
            "title": title(invoice), "number": invoice.number, "seller": _single_line(seller),
        }


def draft(invoice: Invoice, *, base_url: str, message: str = "",
          sender_name: str = "") -> tuple[str, str]:
    """Subject and text for the preview, with the client link the email will carry.

    The link is the one `send_invoice` will use (a usable one is reused, see
    `portal_link_for`), so the text the freelancer edits is the text the client gets.
    Drafts and cancelled invoices are refused with a ValidationError.
    """
    _refuse_unless_sendable(invoice)
    link = portal_link_for(invoice)
    with translation.override(invoice.language):
        body = compose_body(invoice, portal_url=_clean_base_url(base_url)
                            + link.get_absolute_url(), link_expires_at=link.expires_at,
                            message=message, sender_name=sender_name)
    return default_subject(invoice), body


def build_invoice_email(invoice: Invoice, *, to: list[str], portal_url: str,
                        link_expires_at: dt.datetime, message: str = "",
                        sender_name: str = "", pdf: bytes | None = None,
                        reply_to: list[str] | None = None, subject: str = "",
                        body: str = "") -> EmailMessage:
    """The complete email with the PDF attached, in the invoice's language.

    Public so a view can preview it; `pdf` saves a second rendering when the caller has it.
    The From name is the workspace's (`sender_name` only signs the text); replies go to
    `reply_to`, else to the seller's address.
    """
    if pdf is None:
        pdf = render_pdf(invoice)
    subject = _single_line(subject) or default_subject(invoice)
    if not body.strip():
        with translation.override(invoice.language):
            body = compose_body(invoice, portal_url=portal_url,
                                link_expires_at=link_expires_at, message=message,
                                sender_name=sender_name)
    reply_to = reply_to or reply_to_for(invoice)
    email = EmailMessage(subject=subject, body=body,
                         from_email=outbound.from_address(invoice.workspace), to=list(to),
                         reply_to=reply_to or None)
    email.attach(document_name(invoice, "pdf"), pdf, "application/pdf")
    return email


def send_invoice(invoice: Invoice, *, to: list[str], base_url: str, message: str = "",
                 sender_name: str = "", user: object = None,
                 confirm: bool = False, subject: str = "", body: str = "") -> InvoiceEvent:
    """Email an issued invoice (or cancellation invoice) with its PDF and a portal link.

    Records the SENT event (detail "to a@x, b@y") and `sent_at` now and returns the
    event; the email itself leaves after the surrounding transaction commits (see the
    module docstring for what happens on failure). `base_url` is the site's address as
    the client reaches it, e.g. `request.build_absolute_uri("/")`. Refuses drafts and
    cancelled invoices, empty or malformed addresses with a ValidationError, and
    addresses that are not the client's unless `confirm` (see `rapport.clients.outbound`).
    `subject` and `body` (from the preview, see `draft`) replace the composed text; what
    was sent is noted on the client's timeline.
    """
    recipients = _clean_recipients(to)
    base_url = _clean_base_url(base_url)
    _refuse_unless_sendable(invoice)
    outbound.check_recipients(invoice.client, recipients, confirm=confirm, user=user,
                              also_known=[invoice.buyer.get("email", "")])
    outbound.check_quota(invoice.workspace, len(recipients))
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        _refuse_unless_sendable(locked)  # it may have been cancelled meanwhile
        now = clock.now()
        link = portal_link_for(locked, now)
        event = InvoiceEvent.objects.create(
            workspace=locked.workspace, invoice=locked, kind=InvoiceEvent.Kind.SENT, at=now,
            detail="to " + ", ".join(recipients),
        )
        portal_url = base_url + link.get_absolute_url()
        shown_subject = _single_line(subject) or default_subject(locked)
        shown_body = body if body.strip() else ""
        if not shown_body:
            with translation.override(locked.language):
                shown_body = compose_body(locked, portal_url=portal_url,
                                          link_expires_at=link.expires_at, message=message,
                                          sender_name=sender_name)
        note = Note.objects.create(
            workspace=locked.workspace, client=locked.client, kind=Note.Kind.NOTE,
            created_by=user if getattr(user, "pk", None) else None,
            text=f"{_('Invoice sent by email')} {locked.number} — {shown_subject}\n"
                 f"{', '.join(recipients)}\n\n{shown_body}")
        delivery = Delivery(
            invoice_pk=locked.pk, event_pk=event.pk, sent_at=now,
            previous_sent_at=locked.sent_at, to=tuple(recipients),
            portal_url=portal_url, link_expires_at=link.expires_at,
            message=message, sender_name=sender_name,
            reply_to=tuple(outbound.reply_to_for(invoice.workspace, user)),
            subject=shown_subject, body=shown_body, note_pk=note.pk,
        )
        locked.sent_at = now
        locked.save(update_fields=["sent_at"])
        transaction.on_commit(partial(deliver, delivery))
    invoice.sent_at = now
    return event


def _undo_record(delivery: Delivery) -> None:
    """Take back the SENT record of a mail that never left, unless a later send replaced it."""
    with transaction.atomic():
        InvoiceEvent.objects.filter(pk=delivery.event_pk).delete()
        if delivery.note_pk:
            Note.objects.filter(pk=delivery.note_pk).delete()
        Invoice.objects.filter(pk=delivery.invoice_pk, sent_at=delivery.sent_at).update(
            sent_at=delivery.previous_sent_at
        )


def deliver(delivery: Delivery) -> None:
    """Render and send the email; runs after commit, so it reads committed rows only."""
    invoice = Invoice.objects.select_related("workspace", "cancels").get(pk=delivery.invoice_pk)
    try:
        email = build_invoice_email(
            invoice, to=list(delivery.to), portal_url=delivery.portal_url,
            link_expires_at=delivery.link_expires_at, message=delivery.message,
            sender_name=delivery.sender_name, reply_to=list(delivery.reply_to),
            subject=delivery.subject, body=delivery.body,
        )
        outbound.send(email, workspace=invoice.workspace, kind=OutboundMail.Kind.INVOICE)
    except (smtplib.SMTPException, OSError) as exc:
        logger.warning("Sending invoice %s to %s failed: %s", invoice.number,
                       ", ".join(delivery.to), exc)
        _undo_record(delivery)
        raise ValidationError(
            _("The email could not be sent (%(reason)s). Nothing was recorded as sent; "
              "please try again later.") % {"reason": exc}
        ) from exc
    except Exception:
        logger.exception("Sending invoice %s failed", invoice.number)
        _undo_record(delivery)
        raise
