"""The freelancer withdraws a sent offer; the client's link then says so and refuses it."""

import pytest
from playwright.sync_api import expect

from rapport.agreements import services
from rapport.agreements.models import Contract, Proposal
from tests.agreements.factories import make_proposal
from tests.billing.factories import billable_client, make_billable
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD, make_workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_freelancer_withdraws_a_sent_offer_and_the_portal_says_so(page, browser,
                                                                      django_user_model):
    user = django_user_model.objects.create_user("lena@example.com", PASSWORD, language="en",
                                                 name="Lena Hoffmann")
    workspace = make_billable(make_workspace(user, name="Lena Hoffmann Text"))
    client = billable_client(workspace, "Kranich Verlag GmbH", language="en")
    proposal = make_proposal(client, title="Autumn catalogue texts", amount="3000.00")
    link = services.send(proposal)
    portal_url = f"{page.base_url}{link.get_absolute_url()}"
    log_in(page, "lena@example.com")

    # The client has the link open and could accept it.
    client_context = browser.new_context(viewport={"width": 1100, "height": 900})
    portal = client_context.new_page()
    portal.set_default_timeout(10_000)
    portal.goto(portal_url)
    expect(portal.get_by_test_id("accept-form")).to_be_visible()

    # The freelancer withdraws it: first the confirmation page, which insists on the tick.
    page.goto(f"{page.base_url}{proposal.get_absolute_url()}")
    expect(page.get_by_test_id("proposal-status")).to_have_text("Sent")
    page.get_by_role("button", name="Withdraw offer").click()
    expect(page.get_by_role("heading", name="Withdraw the offer “Autumn catalogue texts”?")
           ).to_be_visible()
    page.get_by_label("Reason (optional)").fill("Booked out until next spring.")
    screenshot(page, "agreements-withdraw-confirm")
    page.get_by_role("button", name="Withdraw offer").click()
    expect(page.get_by_text("Tick the box to confirm the withdrawal.")).to_be_visible()
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.SENT
    page.get_by_label("Withdraw this offer: the client can no longer accept it.").check()
    screenshot(page, "agreements-withdraw-confirm-ticked")
    page.get_by_role("button", name="Withdraw offer").click()

    expect(page.get_by_text("Offer withdrawn. The client link now says so.")).to_be_visible()
    expect(page.get_by_test_id("proposal-status")).to_have_text("Withdrawn")
    expect(page.get_by_test_id("withdrawal")).to_contain_text("Booked out until next spring.")
    expect(page.get_by_role("button", name="Withdraw offer")).to_have_count(0)
    screenshot(page, "agreements-withdraw-detail")
    page.goto(f"{page.base_url}/proposals/")
    expect(page.get_by_role("row", name="Autumn catalogue texts")).to_contain_text("Withdrawn on")
    screenshot(page, "agreements-withdraw-list")

    # The client's stale form is refused, and a reload shows the withdrawal and whom to ask.
    portal.get_by_label("Your full name").fill("Klara Kranich")
    portal.get_by_label("I accept this proposal").check()
    portal.get_by_role("button", name="Accept").click()
    expect(portal.get_by_test_id("portal-error")).to_have_text("This proposal was withdrawn.")
    portal.goto(portal_url)
    notice = portal.get_by_test_id("withdrawn")
    expect(notice).to_contain_text("This offer was withdrawn on")
    expect(notice).to_contain_text("please contact Olga Owner")
    expect(notice.get_by_role("link", name="olga@studio-nord.example")).to_be_visible()
    expect(portal.get_by_test_id("accept-form")).to_have_count(0)
    expect(portal.get_by_text("Request changes")).to_have_count(0)
    expect(portal.get_by_text("Booked out")).to_have_count(0)
    screenshot(portal, "agreements-withdraw-portal")
    client_context.close()
    assert not Contract.objects.exists()
