"""Audit entries in the reader's language: the stored action codes and field values stay
language-neutral; their words are chosen when the entry is shown or exported."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from rapport.audit.models import AuditEntry
from rapport.billing.models import Invoice

ACTIONS = {
    "invoice.created": _("Invoice draft created"),
    "invoice.issued": _("Invoice issued"),
    "invoice.cancelled": _("Invoice cancelled"),
    "invoice.sent": _("Invoice sent by email"),
    "invoice.viewed": _("Invoice viewed by the client"),
    "invoice.partially_paid": _("Invoice partly paid"),
    "invoice.paid": _("Invoice paid in full"),
    "invoice.deleted": _("Invoice draft deleted"),
    "payment.recorded": _("Payment recorded"),
    "payment.removed": _("Payment removed"),
    "proposal.created": _("Proposal created"),
    "proposal.sent": _("Proposal sent"),
    "proposal.viewed": _("Proposal viewed by the client"),
    "proposal.changes_requested": _("Client asked for changes"),
    "proposal.accepted": _("Proposal accepted"),
    "proposal.declined": _("Proposal declined"),
    "proposal.expired": _("Proposal expired"),
    "proposal.withdrawn": _("Proposal withdrawn"),
    "proposal.deleted": _("Proposal deleted"),
    "contract.created": _("Contract concluded"),
    "contract.countersigned": _("Contract countersigned"),
    "change_order.created": _("Change order created"),
    "change_order.sent": _("Change order sent"),
    "change_order.accepted": _("Change order accepted"),
    "reminder.planned": _("Payment reminder planned"),
    "reminder.fee_charged": _("Reminder fee or interest charged"),
    "reminder.sent": _("Payment reminder sent"),
    "reminder.skipped": _("Payment reminder skipped"),
    "reminder.failed": _("Payment reminder could not be sent"),
    "reminders.paused": _("Reminders paused"),
    "reminders.resumed": _("Reminders resumed"),
    "client.created": _("Client created"),
    "client.status_changed": _("Client status changed"),
    "client.deleted": _("Client deleted"),
}

# The object types the audit page filters by, in the order shown.
OBJECT_TYPES = {
    "billing.invoice": _("Invoices"),
    "billing.payment": _("Payments"),
    "agreements.proposal": _("Proposals"),
    "agreements.contract": _("Contracts"),
    "agreements.changeorder": _("Change orders"),
    "dunning.reminder": _("Reminders"),
    "dunning.clientterms": _("Reminder pauses"),
    "clients.client": _("Clients"),
}


def action_text(action: str) -> str:
    return str(ACTIONS.get(action, action))


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def type_text(object_type: str) -> str:
    model = _model(object_type)
    return str(model._meta.verbose_name) if model else object_type


def object_text(entry: AuditEntry) -> str:
    """"Invoice RE-2026-0001", "Draft invoice #12"."""
    label = entry.object_label or f"#{entry.object_id}"
    if entry.object_type == "billing.invoice" and not entry.object_label:
        return f"{_('Draft invoice')} #{entry.object_id}"
    return f"{type_text(entry.object_type).capitalize()} {label}"


def actor_text(entry: AuditEntry) -> str:
    if entry.actor == AuditEntry.ActorKind.USER:
        return entry.actor_name or capfirst(str(AuditEntry.ActorKind.USER.label))
    return capfirst(str(AuditEntry.ActorKind(entry.actor).label)) if entry.actor in \
        AuditEntry.ActorKind.values else entry.actor


def value_text(model: type[models.Model] | None, name: str, value: object) -> str:
    """A stored value as the reader reads it: a choice's label, a local date, or as is."""
    if value is None or value == "":
        return "—"
    model_field = None
    if model is not None:
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            model_field = None
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if name == "payment_status":
        return str(dict(Invoice.PaymentStatus.choices).get(value, value))
    if isinstance(model_field, models.DecimalField):
        try:
            return number_format(Decimal(str(value)), decimal_pos=model_field.decimal_places,
                                 force_grouping=True)
        except (InvalidOperation, ValueError):
            return str(value)
    if isinstance(model_field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is None:
            return value
        # Stored in UTC; shown in the reader's time zone like every other time on the page.
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return date_format(moment, "SHORT_DATETIME_FORMAT")
    if isinstance(model_field, models.DateField) and isinstance(value, str):
        day = parse_date(value)
        return date_format(day, "SHORT_DATE_FORMAT") if day else value
    return str(value)


# Fields whose model gives no readable name of their own.
FIELD_NAMES = {"payment_status": _("payment status"), "gross_total": _("Total")}


def field_text(model: type[models.Model] | None, name: str) -> str:
    """The field's name as a label: capitalised in every language ("State", "Status")."""
    if name in FIELD_NAMES:
        return capfirst(str(FIELD_NAMES[name]))
    if model is not None:
        try:
            return capfirst(str(model._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:
            pass
    return capfirst(name.replace("_", " "))


def changes(entry: AuditEntry) -> list[dict[str, str]]:
    """Each changed field: its name, the value before and after, in the reader's words."""
    model = _model(entry.object_type)
    before, after = entry.before or {}, entry.after or {}
    rows = []
    for name in list(dict.fromkeys([*before, *after])):
        if name in {"client"} or (not before and after.get(name) in (None, "")):
            continue  # a new row: only the values it was created with
        rows.append({
            "field": field_text(model, name),
            "before": value_text(model, name, before.get(name)) if name in before else "",
            "after": value_text(model, name, after.get(name)) if name in after else "",
        })
    return rows


def as_row(entry: AuditEntry) -> dict[str, object]:
    """One entry for the history, the audit page and the export."""
    return {
        "entry": entry, "at": entry.at, "who": actor_text(entry),
        "action": action_text(entry.action), "object": object_text(entry),
        "changes": changes(entry),
    }
