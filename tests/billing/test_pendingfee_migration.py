"""Moving the pending fees from comms to billing keeps every row and turns the bare invoice
number into a foreign key — and back again."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.billing.factories import billable_client, make_billable

BEFORE = [("billing", "0002_renumber_duplicate_draft_line_positions"),
          ("comms", "0004_sync_attempts_limit")]
AFTER = [("billing", "0003_pendingfee_from_comms_with_invoice_key")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_fees_keep_their_invoice_through_the_move_and_back(workspace):
    from rapport.billing import services

    make_billable(workspace)
    client = billable_client(workspace)
    draft = services.new_draft(workspace, client)
    try:
        old = _migrate(BEFORE)
        OldFee = old.get_model("comms", "PendingFee")
        common = {"workspace_id": workspace.pk, "client_id": client.pk, "amount": "60.00"}
        billed = OldFee.objects.create(description="billed", invoice_id=draft.pk,
                                       invoiced_at="2026-03-02T10:00Z", **common)
        lost = OldFee.objects.create(description="draft gone", invoice_id=draft.pk + 999,
                                     invoiced_at="2026-03-02T10:00Z", **common)
        waiting = OldFee.objects.create(description="waiting", **common)

        new = _migrate(AFTER)
        Fee = new.get_model("billing", "PendingFee")
        assert Fee.objects.get(pk=billed.pk).invoice_id == draft.pk
        assert Fee.objects.get(pk=lost.pk).invoice_id is None
        assert Fee.objects.get(pk=lost.pk).invoiced_at is not None  # not billed again
        assert Fee.objects.get(pk=waiting.pk).invoice_id is None
        assert Fee.objects.count() == 3

        old = _migrate(BEFORE)
        OldFee = old.get_model("comms", "PendingFee")
        assert OldFee.objects.get(pk=billed.pk).invoice_id == draft.pk
        assert OldFee.objects.count() == 3
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
