"""Logging extra requests and billing the paid ones through the existing invoice and
change-order services (numbering, tax and documents stay theirs)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from rapport.agreements.models import ChangeOrder, Contract
from rapport.agreements.services import new_change_order
from rapport.billing import services as billing
from rapport.billing.models import Invoice, InvoiceLine
from rapport.clients.models import Client
from rapport.core.dates import document_date
from rapport.core.money import format_money, quantize
from rapport.core.pipeline import follow_up
from rapport.extras.contracted import extra_work_rate
from rapport.extras.models import ExtraRequest
from rapport.extras.recurrence import Recurrence


@transaction.atomic
def log_extra(extra: ExtraRequest) -> ExtraRequest:
    """Save a logged request; the client's signals and health follow after the commit."""
    extra.full_clean()
    extra.save()
    follow_up(extra.workspace_id, [extra.client_id])
    return extra


@transaction.atomic
def delete_extra(extra: ExtraRequest) -> None:
    """A request logged by mistake: gone, and its signal with it (an invoice line it
    already became stays; issued invoices are not touched)."""
    workspace_id, client_id = extra.workspace_id, extra.client_id
    extra.delete()
    follow_up(workspace_id, [client_id])


def _locked(extra: ExtraRequest) -> ExtraRequest:
    extra = ExtraRequest.objects.select_for_update().get(pk=extra.pk)
    if extra.kind != ExtraRequest.Kind.PAID:
        raise ValidationError(_("Only a paid extra is billed."))
    if extra.state != ExtraRequest.State.OPEN:
        raise ValidationError(_("This extra is already billed."))
    return extra


def next_invoice(client: Client, currency: str) -> Invoice:
    """The client's open draft invoice in this currency, or a new draft."""
    draft = (Invoice.objects.filter(workspace=client.workspace, client=client,
                                    kind=Invoice.Kind.STANDARD, state=Invoice.State.DRAFT,
                                    currency=currency)
             .order_by("-created_at", "-pk").first())
    return draft or billing.new_draft(client.workspace, client, currency=currency)


def _line_text(extra: ExtraRequest, language: str) -> str:
    with translation.override(language):
        return _("Extra: %(what)s (requested on %(date)s)") % {
            "what": extra.description[:200],
            "date": document_date(extra.requested_on, language)}


@transaction.atomic
def put_on_invoice(extra: ExtraRequest) -> Invoice:
    """Add the paid extra as a line to the client's next invoice (see `next_invoice`)."""
    extra = _locked(extra)
    invoice = next_invoice(extra.client, extra.currency)
    line = billing.add_line(invoice, _line_text(extra, invoice.language), 1, extra.amount,
                            unit=InvoiceLine.Unit.FLAT)
    extra.invoice_line = line
    extra.save(update_fields=["invoice_line"])
    return invoice


def open_contract(client: Client) -> Contract | None:
    """The contract a change order for this client belongs to: the newest one."""
    return (Contract.objects.filter(workspace=client.workspace, client=client)
            .select_related("proposal", "version").order_by("-created_at", "-pk").first())


def contract_currency(contract: Contract) -> str:
    return contract.version.content.get("cost", {}).get("currency") or "EUR"


def _draft_change_order(contract: Contract, description: str, price: Decimal,
                        ) -> ChangeOrder:
    """The contract's draft change order with this line added, or a new draft."""
    draft = (ChangeOrder.objects.select_for_update()
             .filter(contract=contract, status=ChangeOrder.Status.DRAFT)
             .order_by("-created_at", "-pk").first())
    if draft is None:
        return new_change_order(contract, description, price, None)
    draft.description = f"{draft.description}\n{description}"
    draft.price = draft.price + price
    draft.save(update_fields=["description", "price"])
    return draft


@transaction.atomic
def put_in_change_order(extra: ExtraRequest) -> ChangeOrder:
    """Add the paid extra to the draft change order of the client's contract (a new
    draft if there is none); the client accepts it in the portal as usual."""
    extra = _locked(extra)
    contract = open_contract(extra.client)
    if contract is None:
        raise ValidationError(_("This client has no contract to change; put the extra on "
                                "the next invoice instead."))
    currency = contract_currency(contract)
    if currency != extra.currency:
        raise ValidationError(
            _("The contract is in %(contract)s, the extra in %(extra)s: amounts in different "
              "currencies are never added. Put it on an invoice in %(extra)s instead.")
            % {"contract": currency, "extra": extra.currency})
    change = _draft_change_order(contract, extra.description, extra.amount)
    extra.change_order = change
    extra.save(update_fields=["change_order"])
    return change


def proposed_price(client: Client, recurrence: Recurrence) -> tuple[Decimal, str] | None:
    """What the recurring extra would cost per occurrence at the rate for extra work
    (estimated minutes on average × hourly rate); None without an agreed rate."""
    rate = extra_work_rate(client)
    if rate is None or not recurrence.minutes:
        return None
    average = Decimal(recurrence.minutes) / recurrence.count
    return quantize(average / 60 * rate.amount, rate.currency), rate.currency


@transaction.atomic
def propose_change_order(client: Client, recurrence: Recurrence, language: str
                         ) -> ChangeOrder:
    """Turn a recurring unpaid extra into a draft change order: from now on it is part of
    the agreement and paid per occurrence. The recurring extras are marked as covered, so
    the proposal is not made twice."""
    contract = open_contract(client)
    if contract is None:
        raise ValidationError(_("This client has no contract yet: propose a rate increase "
                                "instead, or write a proposal."))
    priced = proposed_price(client, recurrence)
    currency = contract_currency(contract)
    price = priced[0] if priced and priced[1] == currency else Decimal("0.00")
    with translation.override(contract.proposal.language or language):
        description = _("“%(label)s” from now on as a paid extra, each time at %(price)s "
                        "(requested %(count)s times between %(first)s and %(last)s).") % {
            "label": recurrence.label, "count": recurrence.count,
            "price": format_money(price, currency, contract.proposal.language or language),
            "first": document_date(recurrence.first_on, contract.proposal.language),
            "last": document_date(recurrence.last_on, contract.proposal.language)}
    change = _draft_change_order(contract, description, price)
    ExtraRequest.objects.filter(pk__in=[e.pk for e in recurrence.extras]).update(
        change_order=change)
    follow_up(client.workspace_id, [client.pk])
    return change


def client_extras(client: Client, since: dt.date | None = None) -> list[ExtraRequest]:
    extras = ExtraRequest.objects.filter(workspace=client.workspace, client=client)
    if since is not None:
        extras = extras.filter(requested_on__gte=since)
    return list(extras.select_related("project", "message", "meeting", "change_order",
                                      "invoice_line__invoice"))
