import datetime as dt

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from rapport.agreements import services
from rapport.core.models import Workspace
from tests.agreements.factories import make_proposal, sent_proposal
from tests.billing.factories import billable_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def link(workspace):
    _proposal, link = sent_proposal(billable_client(workspace, "Kranich Verlag GmbH",
                                                    language="en"))
    return link


def _all_urls(token: str) -> list[tuple[str, str]]:
    return [("get", f"/o/{token}/"), ("get", f"/o/{token}/pdf/"),
            ("post", f"/o/{token}/accept/"), ("post", f"/o/{token}/changes/")]


def test_a_valid_link_opens_without_login(link):
    response = HttpClient().get(link.get_absolute_url())
    assert response.status_code == 200
    assert "Kranich" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex"


def test_the_token_carries_at_least_128_bits(link):
    assert len(link.token) >= 32


def test_unknown_tokens_get_404(link):
    for method, url in _all_urls("x" * 32):
        assert getattr(HttpClient(), method)(url).status_code == 404, url


@pytest.mark.parametrize(("state", "says"), [
    ("expired", "This link has expired."),
    ("revoked", "has withdrawn this link"),
])
def test_expired_and_revoked_links_say_why_and_show_or_accept_nothing(link, state, says):
    if state == "expired":
        link.expires_at = timezone.now() - dt.timedelta(seconds=1)
        link.save()
    else:
        services.revoke(link)
    for method, url in _all_urls(link.token):
        response = getattr(HttpClient(), method)(url)
        assert response.status_code == 410, url
        page = response.content.decode()
        assert says in page and "%PDF" not in page
        assert 'name="sha256"' not in page
    assert not link.proposal.versions.filter(acceptance__isnull=False).exists()


def test_a_draft_without_a_version_is_not_reachable(workspace):
    from rapport.agreements.models import AgreementLink

    proposal = make_proposal(billable_client(workspace))
    link = AgreementLink.objects.create(workspace=workspace, proposal=proposal,
                                        expires_at=timezone.now() + dt.timedelta(days=1))
    assert HttpClient().get(link.get_absolute_url()).status_code == 404


def test_no_portal_page_shows_another_clients_data(workspace, outsider, link):
    other_ws = Workspace.objects.get(memberships__user=outsider)
    other = billable_client(other_ws, "Geheim Holding AG", language="en")
    other_proposal = make_proposal(other, title="Secret merger texts")
    services.send(other_proposal)
    sibling = billable_client(workspace, "Nachbar GmbH", language="en")
    make_proposal(sibling, title="Neighbour deal")
    for _method, url in _all_urls(link.token)[:2]:
        body = HttpClient().get(url).content
        for secret in (b"Geheim", b"Secret merger", b"Nachbar", b"Neighbour deal"):
            assert secret not in body


def test_a_revoked_link_cannot_be_used_by_the_user_of_another_workspace(link, outsider):
    http = HttpClient()
    http.force_login(outsider)
    assert http.post(f"/proposals/links/{link.pk}/revoke/").status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None
