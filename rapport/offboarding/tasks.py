"""Background tasks of offboarding, run by `rapport worker`, scheduled by `rapport tick`."""

from __future__ import annotations

from django_tasks import task

from rapport.offboarding.personal_data import anonymise_expired_invoices


@task()
def anonymise_invoices() -> dict[str, int]:
    """Anonymise erased clients' invoices once their 8-year retention is over; idempotent."""
    return anonymise_expired_invoices()
