"""What each event says: small, stable JSON built from the object at the moment it
happened (ids, numbers, amounts as text, dates in ISO 8601)."""

from __future__ import annotations

from django.conf import settings

from rapport.agreements.models import Acceptance, Proposal
from rapport.billing.models import Invoice


def _link(path: str) -> str:
    return f"{settings.BASE_URL}{path}"


def invoice_paid(invoice_id: int) -> dict:
    invoice = Invoice.objects.select_related("client").get(pk=invoice_id)
    paid_on = invoice.paid_on()
    return {"invoice": {
        "id": invoice.pk, "number": invoice.number, "currency": invoice.currency,
        "amount_due": str(invoice.amount_due), "paid_total": str(invoice.paid_total()),
        "issue_date": invoice.issue_date.isoformat() if invoice.issue_date else None,
        "paid_on": paid_on.isoformat() if paid_on else None,
        "client": {"id": invoice.client_id, "name": invoice.client.name},
        "url": _link(invoice.get_absolute_url()),
    }}


def proposal_accepted(proposal_id: int) -> dict:
    proposal = Proposal.objects.select_related("client").get(pk=proposal_id)
    version = proposal.current_version
    acceptance = Acceptance.objects.filter(version=version).first() if version else None
    return {"proposal": {
        "id": proposal.pk, "title": proposal.title,
        "version": version.number if version else None,
        "sha256": version.sha256 if version else None,
        "accepted_by": acceptance.name if acceptance else None,
        "accepted_at": acceptance.accepted_at.isoformat() if acceptance else None,
        "client": {"id": proposal.client_id, "name": proposal.client.name},
        "url": _link(proposal.get_absolute_url()),
    }}


def health_changed(client: object, before: str, after: str) -> dict:
    return {"client": {"id": client.pk, "name": client.name,
                       "url": _link(client.get_absolute_url())},
            "health": {"before": before, "after": after}}
