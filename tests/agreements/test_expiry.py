import datetime as dt

import pytest

from rapport.agreements import services
from rapport.agreements.models import Proposal
from rapport.agreements.tasks import expire_overdue_offers
from rapport.core import clock
from rapport.core.models import Workspace
from tests.agreements.factories import EVIDENCE, make_proposal, sent_proposal
from tests.billing.factories import billable_client

pytestmark = pytest.mark.django_db


def _status(proposal: Proposal) -> str:
    proposal.refresh_from_db()
    return proposal.status


def test_only_open_offers_past_their_date_expire_in_every_workspace(workspace, outsider):
    kranich = billable_client(workspace, "Kranich Verlag GmbH", language="en")
    elsewhere = billable_client(Workspace.objects.get(memberships__user=outsider), "Other AG",
                                language="en")
    sent, _link = sent_proposal(kranich)
    asked, _link = sent_proposal(kranich)
    services.request_changes(asked, asked.current_version, "Klara", "Shorter, please.")
    theirs, _link = sent_proposal(elsewhere)
    draft = make_proposal(kranich, title="Never sent")
    accepted, _link = sent_proposal(kranich)
    version = accepted.current_version
    services.accept(accepted, version.number, version.sha256, EVIDENCE)

    last_valid_day = sent.valid_until
    with clock.travel(last_valid_day):
        assert services.expire_offers() == 0  # valid through its last day
    with clock.travel(last_valid_day + dt.timedelta(days=1)):
        assert services.expire_offers() == 3
        assert services.expire_offers() == 0  # idempotent
    assert {_status(p) for p in (sent, asked, theirs)} == {Proposal.Status.EXPIRED}
    assert _status(draft) == Proposal.Status.DRAFT
    assert _status(accepted) == Proposal.Status.ACCEPTED


def test_one_workspace_can_be_expired_alone(workspace, outsider):
    mine, _link = sent_proposal(billable_client(workspace, language="en"))
    theirs, _link = sent_proposal(billable_client(
        Workspace.objects.get(memberships__user=outsider), language="en"))
    with clock.travel(mine.valid_until + dt.timedelta(days=1)):
        assert services.expire_offers(workspace) == 1
    assert _status(mine) == Proposal.Status.EXPIRED and _status(theirs) == Proposal.Status.SENT


def test_the_periodic_task_expires_offers_without_a_page_read(workspace):
    proposal, _link = sent_proposal(billable_client(workspace, language="en"))
    proposal.valid_until = clock.today() + dt.timedelta(days=1)
    proposal.save()
    assert [r.kind for r in services.reminders(workspace)] == ["expiring"]
    with clock.travel(proposal.valid_until + dt.timedelta(days=1)):
        assert expire_overdue_offers.call() == 1
        assert expire_overdue_offers.call() == 0
        assert services.reminders(workspace) == []
    assert _status(proposal) == Proposal.Status.EXPIRED
