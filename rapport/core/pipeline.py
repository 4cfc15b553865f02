"""Events drive the pipeline: when new facts about clients are committed (an import, a
sync, a payment, a note, a dismissed signal), their follow-up — link, detect signals,
refresh health — is queued at once for exactly those clients.

Call `follow_up()` inside the transaction that writes the facts; the announcement is sent
only after it commits, so the worker never looks for rows that are not there yet, and a
rolled-back write announces nothing. The domain apps listen to `facts_committed` (core
imports none of them); the health app turns it into one background task.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal as Announcement

# keyword arguments: workspace_id (int), client_ids (sorted list of int),
# messages_from (int | None: the lowest message pk written by the commit)
facts_committed = Announcement()


def follow_up(workspace_id: int, client_ids: Iterable[int | None],
              messages_from: int | None = None) -> None:
    """Queue the follow-up for these clients once the current transaction commits
    (at once outside a transaction). Clients that are None are ignored."""
    ids = sorted({pk for pk in client_ids if pk})
    if not ids:
        return

    def announce() -> None:
        facts_committed.send(sender=None, workspace_id=workspace_id, client_ids=ids,
                             messages_from=messages_from)

    transaction.on_commit(announce, robust=True)
