"""Messages stored before subjects were kept without reply prefixes get theirs when the
database is migrated, so later replies find them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("comms", "0007_message_drops_redundant_indexes")]
AFTER = [("comms", "0008_message_normalised_subject")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_stored_messages_get_their_subject_without_reply_prefixes(workspace):
    try:
        old = _migrate(BEFORE)
        OldMessage = old.get_model("comms", "Message")
        for n, subject in enumerate(["Re: AW:  Angebot Website", "Rechnung 12", ""]):
            OldMessage.objects.create(workspace_id=workspace.pk, dedup_key=str(n),
                                      thread_key=str(n), date="2026-11-02T10:00Z",
                                      subject=subject, direction="in", source="mbox")
        new = _migrate(AFTER)
        Message = new.get_model("comms", "Message")
        assert dict(Message.objects.values_list("dedup_key", "normalised_subject")) == {
            "0": "angebot website", "1": "rechnung 12", "2": ""}
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
