import pytest

from rapport.agreements.models import ChangeOrder, Contract, Proposal
from rapport.billing.models import Invoice
from rapport.core.models import Workspace
from rapport.front.demo import DEMO_EMAIL, DEMO_WORKSPACE, build_demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_stage_of_an_agreement(client):
    build_demo()
    workspace = Workspace.objects.get(name=DEMO_WORKSPACE)
    proposals = Proposal.objects.filter(workspace=workspace)
    awaiting = proposals.get(client__name="Radwerk Kollektiv eG", status="sent")
    assert awaiting.links.exists() and awaiting.comments.exists()
    assert proposals.filter(status="expired").exists()
    contract = Contract.objects.get(workspace=workspace, client__name="Grünwerk Solar GmbH")
    assert contract.countersigned_at and contract.version.acceptance
    assert Invoice.objects.filter(project=contract.project, kind="deposit").count() == 1
    assert ChangeOrder.objects.get(contract=contract).status == "sent"

    change = ChangeOrder.objects.get(contract=contract)
    assert client.get(change.links.get().get_absolute_url()).status_code == 200
    assert client.get(awaiting.links.get().get_absolute_url()).status_code == 200
    from rapport.accounts.models import User

    client.force_login(User.objects.get(email=DEMO_EMAIL))
    index = client.get("/proposals/")
    assert index.status_code == 200
    assert any(r.kind == "ending" for r in index.context["reminders"])
    for url in (awaiting.get_absolute_url(), contract.get_absolute_url(),
                f"/proposals/{awaiting.pk}/edit/"):
        assert client.get(url).status_code == 200, url
