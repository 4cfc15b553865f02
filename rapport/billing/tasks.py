"""Background tasks of billing, run by `rapport worker`, scheduled by `rapport tick`."""

from __future__ import annotations

from django_tasks import task

from rapport.billing.retainers import bill_due_retainers


@task()
def bill_retainers() -> list[str]:
    """Issue the retainer invoices that are due; safe to run any number of times a day."""
    return [invoice.number for invoice in bill_due_retainers()]
