import datetime as dt
import re

import pytest
from django.test import Client as HttpClient

from rapport.agreements import services
from rapport.agreements.models import Acceptance, Comment, Contract, Proposal
from rapport.core import clock
from tests.agreements.factories import EVIDENCE, make_proposal, sent_proposal
from tests.billing.factories import billable_client, make_billable

pytestmark = pytest.mark.django_db

DAY = dt.date(2027, 3, 10)


@pytest.fixture
def kranich(workspace):
    make_billable(workspace)
    return billable_client(workspace, "Kranich Verlag GmbH", language="en")


def _withdraw_url(proposal: Proposal) -> str:
    return f"/proposals/{proposal.pk}/withdraw/"


def _accept_form(link) -> dict[str, str]:
    page = HttpClient().get(link.get_absolute_url()).content.decode()
    return {"version": re.search(r'name="version" value="(\d+)"', page).group(1),
            "sha256": re.search(r'name="sha256" value="([0-9a-f]{64})"', page).group(1),
            "name": "Klara Kranich", "agree": "on"}


# -- service -------------------------------------------------------------------------------

def test_withdrawing_records_state_date_and_reason(kranich):
    proposal, _link = sent_proposal(kranich)
    with clock.travel(DAY):
        services.withdraw(proposal, "  Booked out until summer. ")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.WITHDRAWN
    assert proposal.withdrawn_at.date() == DAY
    assert proposal.withdrawal_reason == "Booked out until summer."


def test_withdrawing_twice_keeps_the_first_record(kranich):
    proposal, _link = sent_proposal(kranich)
    with clock.travel(DAY):
        services.withdraw(proposal, "first")
    services.withdraw(proposal, "second")
    proposal.refresh_from_db()
    assert proposal.withdrawn_at.date() == DAY and proposal.withdrawal_reason == "first"


def test_an_offer_with_a_change_request_can_be_withdrawn_but_not_an_expired_one(kranich):
    proposal, _link = sent_proposal(kranich)
    services.request_changes(proposal, proposal.current_version, "Klara", "Cheaper, please.")
    assert services.withdraw(proposal).status == Proposal.Status.WITHDRAWN
    other, _link = sent_proposal(kranich)
    with clock.travel(other.valid_until + dt.timedelta(days=1)):
        services.expire_offers()
        with pytest.raises(services.AcceptanceRefused, match="already expired"):
            services.withdraw(other)
    other.refresh_from_db()
    assert other.status == Proposal.Status.EXPIRED


def test_an_accepted_proposal_cannot_be_withdrawn(kranich):
    proposal, _link = sent_proposal(kranich)
    version = proposal.current_version
    services.accept(proposal, version.number, version.sha256, EVIDENCE)
    with pytest.raises(services.AcceptanceRefused, match="binding contract"):
        services.withdraw(proposal)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED and proposal.withdrawn_at is None


def test_a_draft_cannot_be_withdrawn(kranich):
    proposal = make_proposal(kranich)
    with pytest.raises(services.AcceptanceRefused, match="sent to the client"):
        services.withdraw(proposal)


def test_a_withdrawn_proposal_cannot_be_accepted_edited_resent_or_commented(kranich):
    proposal, _link = sent_proposal(kranich)
    version = proposal.current_version
    services.withdraw(proposal)
    with pytest.raises(services.AcceptanceRefused, match="withdrawn"):
        services.accept(proposal, version.number, version.sha256, EVIDENCE)
    with pytest.raises(services.AcceptanceRefused, match="withdrawn"):
        services.update_content(proposal, proposal.content)
    with pytest.raises(services.AcceptanceRefused, match="withdrawn"):
        services.send(proposal)
    with pytest.raises(services.AcceptanceRefused, match="withdrawn"):
        services.request_changes(proposal, version, "Klara", "Please reconsider.")
    assert not Contract.objects.exists() and not Comment.objects.exists()


# -- the freelancer's pages ----------------------------------------------------------------

def test_withdrawal_needs_the_confirmation_step(owner_http, kranich):
    proposal, _link = sent_proposal(kranich)
    detail = owner_http.get(proposal.get_absolute_url()).content.decode()
    assert _withdraw_url(proposal) in detail
    page = owner_http.get(_withdraw_url(proposal))
    assert page.status_code == 200 and 'name="confirm"' in page.content.decode()
    response = owner_http.post(_withdraw_url(proposal), {"reason": "Booked out"})
    assert response.status_code == 400
    assert "Tick the box" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SENT


def test_the_withdrawal_shows_in_the_detail_and_the_list(owner_http, kranich):
    proposal, _link = sent_proposal(kranich)
    with clock.travel(DAY):
        response = owner_http.post(_withdraw_url(proposal),
                                   {"reason": "Booked out", "confirm": "on"})
    assert response.status_code == 302 and response["Location"] == proposal.get_absolute_url()
    detail = owner_http.get(proposal.get_absolute_url()).content.decode()
    status = re.search(r'data-testid="proposal-status">([^<]+)<', detail).group(1)
    assert status == "Withdrawn"
    assert 'data-testid="withdrawn-on">on 03/10/2027<' in detail
    assert "Booked out" in detail and "Offer withdrawn." in detail
    assert _withdraw_url(proposal) not in detail
    assert f"/proposals/{proposal.pk}/edit/" not in detail
    index = owner_http.get("/proposals/").content.decode()
    assert "Withdrawn on 03/10/2027" in index


def test_an_accepted_proposal_is_refused_with_a_clear_error(owner_http, kranich):
    proposal, _link = sent_proposal(kranich)
    version = proposal.current_version
    services.accept(proposal, version.number, version.sha256, EVIDENCE)
    assert _withdraw_url(proposal) not in owner_http.get(
        proposal.get_absolute_url()).content.decode()
    response = owner_http.post(_withdraw_url(proposal), {"confirm": "on"}, follow=True)
    assert "binding contract and cannot be withdrawn" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED


def test_a_withdrawn_proposal_is_not_edited_or_resent_through_the_views(owner_http, kranich):
    proposal, _link = sent_proposal(kranich)
    services.withdraw(proposal)
    response = owner_http.get(f"/proposals/{proposal.pk}/edit/", follow=True)
    assert "cannot be changed or sent again" in response.content.decode()
    response = owner_http.post(f"/proposals/{proposal.pk}/send/", follow=True)
    assert "cannot be changed or sent again" in response.content.decode()
    assert proposal.versions.count() == 1


def test_another_workspace_cannot_see_or_withdraw_the_offer(kranich, outsider):
    proposal, _link = sent_proposal(kranich)
    http = HttpClient()
    http.force_login(outsider)
    assert http.get(_withdraw_url(proposal)).status_code == 404
    assert http.post(_withdraw_url(proposal), {"confirm": "on"}).status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SENT


# -- the client's portal -------------------------------------------------------------------

def test_the_portal_says_withdrawn_and_whom_to_contact(kranich):
    proposal, link = sent_proposal(kranich)
    with clock.travel(DAY):
        services.withdraw(proposal, "Internal: client haggles")
    page = HttpClient().get(link.get_absolute_url()).content.decode()
    assert 'data-testid="withdrawn"' in page
    assert "This offer was withdrawn on March 10, 2027" in page
    assert "olga@studio-nord.example" in page and "Olga Owner" in page
    assert 'data-testid="accept-form"' not in page and "Request changes" not in page
    assert "client haggles" not in page


def test_a_direct_post_cannot_accept_a_withdrawn_offer(kranich):
    proposal, link = sent_proposal(kranich)
    form = _accept_form(link)
    services.withdraw(proposal)
    response = HttpClient().post(f"{link.get_absolute_url()}accept/", form)
    assert response.status_code == 409
    assert "This proposal was withdrawn." in response.content.decode()
    response = HttpClient().post(f"{link.get_absolute_url()}changes/",
                                 {"name": "Klara", "text": "Please reconsider."})
    assert response.status_code == 400
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.WITHDRAWN
    assert not Acceptance.objects.exists() and not Contract.objects.exists()
    assert not Comment.objects.exists()


def test_the_portal_speaks_the_offers_language(workspace, kranich):
    proposal = services.new_proposal(workspace, kranich, title="Katalogtexte", language="de")
    link = services.send(proposal)
    form = _accept_form(link)
    with clock.travel(DAY):
        services.withdraw(proposal)
    page = HttpClient().get(link.get_absolute_url()).content.decode()
    assert '<html lang="de">' in page and 'data-testid="withdrawn"' in page
    assert "10. März 2027" in page
    response = HttpClient().post(f"{link.get_absolute_url()}accept/", form)
    assert response.status_code == 409
    assert "Dieses Angebot wurde zurückgezogen." in response.content.decode()


def test_expiry_leaves_a_withdrawn_offer_withdrawn(kranich):
    proposal, link = sent_proposal(kranich)
    services.withdraw(proposal)
    with clock.travel(proposal.valid_until + dt.timedelta(days=2)):
        assert services.expire_offers() == 0
        page = HttpClient().get(link.get_absolute_url()).content.decode()
    assert 'data-testid="withdrawn"' in page and 'data-testid="expired"' not in page
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.WITHDRAWN
