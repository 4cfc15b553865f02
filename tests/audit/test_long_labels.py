"""A long change order is named in the audit log by its first words and an ellipsis, never
cut in the middle of a word ("… 600 Wörter, e")."""

import pytest

from rapport.agreements import services
from rapport.audit.models import AuditEntry
from tests.agreements.factories import EVIDENCE, sent_proposal
from tests.billing.factories import billable_client, make_billable

pytestmark = pytest.mark.django_db

LONG = ("Zwei zusätzliche Landingpages für die Wärmepumpen-Kampagne (je ca. 600 Wörter, "
        "einschließlich Meta-Beschreibungen und zwei Korrekturschleifen)")


def test_a_long_change_order_is_shortened_at_a_word_with_an_ellipsis(workspace):
    make_billable(workspace)
    client = billable_client(workspace, "Grünwerk Solar GmbH", language="de")
    proposal, _link = sent_proposal(client, deposit_percent="")
    version = proposal.current_version
    contract = services.accept(proposal, version.number, version.sha256, EVIDENCE)
    change = services.new_change_order(contract, LONG, "680", None)
    label = AuditEntry.objects.get(action="change_order.created").object_label
    assert label.endswith("…") and len(label) <= 80
    assert LONG.startswith(label.removesuffix("…").rstrip())
    assert LONG[len(label.removesuffix("…").rstrip())] == " "  # cut between words
    assert str(change).endswith("…") and len(str(change)) <= 60
