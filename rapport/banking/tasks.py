"""Background tasks of the bank import, run by `rapport worker`."""

from __future__ import annotations

from django_tasks import task


@task()
def import_statement(import_pk: int) -> str:
    """Import an uploaded statement; running it twice is harmless (claimed once, dedup)."""
    from rapport.banking import jobs
    from rapport.banking.models import BankImport

    run = BankImport.objects.filter(pk=import_pk).first()
    return jobs.run_import(run).state if run else "gone"


@task()
def match_new_transactions(workspace_id: int, transaction_ids: list[int]) -> None:
    """Offer freshly imported transactions to automatic matching."""
    from rapport.banking import matching  # type: ignore[attr-defined]

    matching.match_new(workspace_id, transaction_ids)
