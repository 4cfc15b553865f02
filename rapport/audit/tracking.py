"""Which changes are recorded, read from the models' own signals: `pre_save` reads the
stored state, `post_save` and `post_delete` compare and write the entry. The domain apps
need no code for it; new tracked kinds are one entry in `TRACKED`.

Some changes happen through queryset updates, which send no signals: the services record
those with `record()` themselves (a reminder marked sent, offers expiring in bulk).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from textwrap import shorten

from django.apps import apps
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

from rapport.audit.record import record

Changes = dict[str, tuple[object, object]]


@dataclass
class Spec:
    """How one model is audited: the fields compared, and the action a change means."""

    fields: tuple[str, ...]
    # On creation: (action, {field: (before, after)}, {} for all fields or None for
    # none, the object the entry is about or None for the new row itself).
    created: Callable[[models.Model], list[tuple[str, dict | None, models.Model | None]]] | None \
        = None
    changed: Callable[[models.Model, Changes], list[str]] = lambda obj, changes: []
    deleted: str = ""
    label: Callable[[models.Model], str] = str
    parent: Callable[[models.Model], models.Model | None] = lambda obj: None
    extra: tuple[str, ...] = field(default_factory=tuple)  # shown on creation


def _status_action(prefix: str, field_name: str) -> Callable[[models.Model, Changes], list[str]]:
    def changed(obj: models.Model, changes: Changes) -> list[str]:
        return [f"{prefix}.{changes[field_name][1]}"] if field_name in changes else []
    return changed


# -- invoices and payments -----------------------------------------------------------------

def _invoice_changed(invoice: models.Model, changes: Changes) -> list[str]:
    actions = []
    if "state" in changes:
        actions.append(f"invoice.{changes['state'][1]}")
    if "sent_at" in changes and changes["sent_at"][1] and not changes["sent_at"][0]:
        actions.append("invoice.sent")
    return actions


def _invoice_label(invoice: models.Model) -> str:
    return invoice.number  # a draft has none; the history names it "Draft invoice"


def _paid_state(amount_due: Decimal, paid: Decimal) -> str:
    if paid >= amount_due:
        return "paid"
    return "partially_paid" if paid > 0 else "open"


def _payment_created(payment: models.Model) -> list[tuple[str, dict, models.Model | None]]:
    """The payment itself, and what it did to the invoice (part-paid or paid)."""
    invoice = payment.invoice
    paid = sum((p.amount for p in invoice.payments.all()), Decimal("0"))
    was, now = (_paid_state(invoice.amount_due, paid - payment.amount),
                _paid_state(invoice.amount_due, paid))
    entries: list[tuple[str, dict, models.Model | None]] = [("payment.recorded", {}, None)]
    if now != was:
        entries.append(("invoice.paid" if now == "paid" else "invoice.partially_paid",
                        {"payment_status": (was, now)}, invoice))
    return entries


# -- reminders -----------------------------------------------------------------------------

def _reminder_created(reminder: models.Model) -> list[tuple[str, dict, models.Model | None]]:
    entries: list[tuple[str, dict, models.Model | None]] = [("reminder.planned", {}, None)]
    if (reminder.fee_amount or 0) > 0 or (reminder.interest_amount or 0) > 0:
        entries.append(("reminder.fee_charged", {}, None))
    return entries


def _reminder_changed(reminder: models.Model, changes: Changes) -> list[str]:
    new = changes.get("state", (None, None))[1]
    return [f"reminder.{new}"] if new in {"sent", "skipped", "failed"} else []


def _terms_changed(terms: models.Model, changes: Changes) -> list[str]:
    if "paused_until" not in changes:
        return []
    return ["reminders.paused" if changes["paused_until"][1] else "reminders.resumed"]


def _terms_created(terms: models.Model) -> list[tuple[str, dict, models.Model | None]]:
    return [("reminders.paused", {}, None)] if terms.paused_until else []


# -- agreements ----------------------------------------------------------------------------

def _contract_changed(contract: models.Model, changes: Changes) -> list[str]:
    return ["contract.countersigned"] if changes.get("countersigned_at", (1, None))[1] else []


def _created(action: str) -> Callable[[models.Model], list[tuple[str, dict, None]]]:
    return lambda obj: [(action, {}, None)]


def _event_created(event: models.Model) -> list[tuple[str, dict | None, models.Model | None]]:
    """The client's first look at an invoice in the portal (the link records it with an
    update; the invoice's timeline event is the one row saved)."""
    return [("invoice.viewed", None, event.invoice)] if event.kind == event.Kind.VIEWED else []


TRACKED: dict[str, Spec] = {
    "billing.invoiceevent": Spec(fields=("kind",), created=_event_created),
    "billing.invoice": Spec(
        fields=("state", "number", "issue_date", "due_date", "gross_total", "sent_at"),
        created=_created("invoice.created"), changed=_invoice_changed,
        deleted="invoice.deleted", label=_invoice_label, extra=("kind", "client", "currency")),
    "billing.payment": Spec(
        fields=("amount", "paid_on", "note"), created=_payment_created,
        deleted="payment.removed", label=lambda p: p.invoice.number,
        parent=lambda p: p.invoice),
    "agreements.proposal": Spec(
        fields=("status", "withdrawal_reason"), created=_created("proposal.created"),
        changed=_status_action("proposal", "status"), deleted="proposal.deleted",
        label=lambda p: p.title, extra=("client", "valid_until")),
    "agreements.contract": Spec(
        fields=("countersigned_at", "countersigned_by", "end_date"),
        created=_created("contract.created"), changed=_contract_changed,
        label=lambda c: str(c.proposal), parent=lambda c: c.proposal),
    "agreements.changeorder": Spec(
        fields=("status", "price", "new_end_date"), created=_created("change_order.created"),
        changed=_status_action("change_order", "status"),
        label=lambda c: shorten(c.description, 80, placeholder=" …"),
        parent=lambda c: c.contract.proposal),
    "dunning.reminder": Spec(
        fields=("state", "fee_amount", "interest_amount", "due_on"),
        created=_reminder_created, changed=_reminder_changed,
        label=lambda r: r.title, parent=lambda r: r.invoice),
    "dunning.clientterms": Spec(
        fields=("paused_until", "pause_reason"), created=_terms_created,
        changed=_terms_changed, label=lambda t: t.client.name, parent=lambda t: t.client),
    "clients.client": Spec(
        fields=("status",), created=_created("client.created"),
        changed=lambda c, changes: ["client.status_changed"] if "status" in changes else [],
        deleted="client.deleted",
        label=lambda c: c.name, extra=("status",)),
}

_BEFORE = "_audit_before"


def _values(obj: models.Model, names: tuple[str, ...]) -> dict[str, object]:
    result = {}
    for name in names:
        model_field = obj._meta.get_field(name)
        result[name] = getattr(obj, model_field.attname)
    return result


def _on_pre_save(sender: type[models.Model], instance: models.Model, raw: bool = False,
                 update_fields: frozenset[str] | None = None, **kwargs: object) -> None:
    spec = TRACKED.get(sender._meta.label_lower)
    if spec is None or raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(spec.fields):
        return
    attnames = [instance._meta.get_field(name).attname for name in spec.fields]
    stored = (models.QuerySet(model=sender).filter(pk=instance.pk)
              .values(*attnames).first())
    if stored is not None:
        setattr(instance, _BEFORE, {name: stored[attname]
                                    for name, attname in zip(spec.fields, attnames,
                                                             strict=True)})


def _parent_of(spec: Spec, instance: models.Model) -> dict[str, object]:
    parent = spec.parent(instance)
    return {"parent": parent} if parent is not None else {}


def _on_post_save(sender: type[models.Model], instance: models.Model, created: bool,
                  raw: bool = False, **kwargs: object) -> None:
    spec = TRACKED.get(sender._meta.label_lower)
    if spec is None or raw:
        return
    workspace_id = instance.workspace_id
    if created:
        if spec.created is None:
            return
        values = _values(instance, spec.fields + spec.extra)
        for action, changes, about in spec.created(instance):
            before = {name: was for name, (was, _now) in (changes or {}).items()}
            after = {} if changes is None else values if not changes else {
                name: now for name, (_was, now) in changes.items()}
            if about is not None:  # an entry about another object (the paid invoice)
                other = TRACKED[about._meta.label_lower]
                record(workspace_id, about, action, before=before, after=after,
                       label=other.label(about) or "", **_parent_of(other, about))
                continue
            record(workspace_id, instance, action, before=before, after=after,
                   label=spec.label(instance) or "", **_parent_of(spec, instance))
        return
    stored = instance.__dict__.pop(_BEFORE, None)
    if stored is None:
        return
    now = _values(instance, spec.fields)
    changes = {name: (stored[name], now[name]) for name in spec.fields
               if stored[name] != now[name]}
    if not changes:
        return
    actions = spec.changed(instance, changes) or [f"{sender._meta.model_name}.changed"]
    before = {name: was for name, (was, _now) in changes.items()}
    after = {name: new for name, (_was, new) in changes.items()}
    for action in actions:
        record(workspace_id, instance, action, before=before, after=after,
               label=spec.label(instance) or "", **_parent_of(spec, instance))


def _on_post_delete(sender: type[models.Model], instance: models.Model,
                    **kwargs: object) -> None:
    spec = TRACKED.get(sender._meta.label_lower)
    if spec is None or not spec.deleted:
        return
    try:
        parent = _parent_of(spec, instance)
        label = spec.label(instance) or ""
    except models.ObjectDoesNotExist:  # deleted together with its parent
        return
    record(instance.workspace_id, instance, spec.deleted,
           before=_values(instance, spec.fields), label=label, **parent)


def _connect() -> None:
    for label in TRACKED:
        model = apps.get_model(label)
        uid = f"audit-{label}"
        pre_save.connect(_on_pre_save, sender=model, dispatch_uid=f"{uid}-pre")
        post_save.connect(_on_post_save, sender=model, dispatch_uid=f"{uid}-post")
        post_delete.connect(_on_post_delete, sender=model, dispatch_uid=f"{uid}-delete")


_connect()
