"""An offer past its date says it expired and offers renewal, never sending it."""

import pytest
from playwright.sync_api import expect

from rapport.agreements import services
from rapport.agreements.models import Proposal
from tests.agreements.factories import make_proposal
from tests.billing.factories import billable_client, make_billable
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_expired_offer_says_so_and_can_be_renewed_but_not_sent(page, django_user_model):
    user = django_user_model.objects.create_user("lena@example.com", PASSWORD, language="en",
                                                 name="Lena Hoffmann")
    workspace = make_billable(make_workspace(user, name="Lena Hoffmann Text"))
    client = billable_client(workspace, "Kranich Verlag GmbH", language="en")
    proposal = make_proposal(client, title="Autumn catalogue texts", amount="3000.00")
    services.send(proposal)
    Proposal.objects.filter(pk=proposal.pk).update(valid_until="2026-01-15")
    log_in(page, "lena@example.com")

    page.goto(f"{page.base_url}{proposal.get_absolute_url()}")
    expect(page.get_by_test_id("proposal-status")).to_have_text("Expired")
    expect(page.get_by_test_id("expired")).to_contain_text("This offer expired on")
    expect(page.get_by_role("button", name="Send to client")).to_have_count(0)
    expect(page.get_by_role("button", name="Withdraw offer")).to_have_count(0)
    screenshot(page, "expired-offer-detail")

    page.get_by_role("button", name="Renew with a new date").click()
    expect(page.get_by_text("Saving with this new date offers it to the client again",
                            exact=False)).to_be_visible()
    page.get_by_role("button", name="Save proposal").click()
    expect(page.get_by_test_id("proposal-status")).to_have_text("Sent")
    expect(page.get_by_role("button", name="Send to client")).to_be_visible()
    screenshot(page, "expired-offer-renewed")
