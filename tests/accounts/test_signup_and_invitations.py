"""Sign-up can be closed; workspace owners then invite people by email. Mails anyone can
trigger without an account are limited per address and per IP address."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client as HttpClient
from django.utils import timezone

from rapport.accounts.models import Invitation, User
from rapport.core.models import Membership
from tests.billing.smtp import smtp_server  # noqa: F401
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a long and new secret 2026"


def _link(body: str) -> str:
    return re.search(r"http://testserver(/accounts/invitation/\S+/)", body).group(1)


def _invite(http, email="lena@example.com"):
    return http.post("/accounts/team/", {"email": email})


@pytest.fixture
def closed(settings):
    settings.SIGNUP_OPEN = False


def test_with_sign_up_closed_nobody_can_create_an_account_on_their_own(client, closed):
    response = client.get("/accounts/signup/")
    assert response.status_code == 403
    assert "Sign-up is closed" in response.content.decode()
    client.post("/accounts/signup/", {"name": "X", "email": "x@example.com",
                                      "language": "en", "password1": NEW_PASSWORD,
                                      "password2": NEW_PASSWORD})
    assert not User.objects.filter(email="x@example.com").exists()
    assert "Create an account" not in client.get("/accounts/login/").content.decode()


def test_an_invited_person_creates_an_account_and_joins_the_workspace(
        owner_http, workspace, closed, smtp_server):  # noqa: F811
    response = _invite(owner_http)
    assert response.status_code == 302
    [message] = smtp_server.messages
    assert message["To"].addresses[0].addr_spec == "lena@example.com"
    assert message["From"].addresses[0].display_name == "Studio Nord"
    assert message["Reply-To"].addresses[0].addr_spec == "owner@example.com"
    body = message.get_body(preferencelist=("plain",)).get_content()
    link = _link(body)

    guest = HttpClient()
    page = guest.get(link).content.decode()
    assert "Create your account for lena@example.com" in page
    response = guest.post(link, {"name": "Lena", "language": "en",
                                 "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    lena = User.objects.get(email="lena@example.com")
    assert Membership.objects.get(user=lena).workspace == workspace
    assert "Studio Nord" in guest.get("/").content.decode()
    # The link works once.
    assert HttpClient().get(link).status_code == 404


def test_an_existing_account_logs_in_first_and_only_the_invited_address_may_accept(
        owner_http, workspace, outsider):
    _invite(owner_http, "outsider@example.com")
    link = _link(mail.outbox[-1].body)
    assert "Log in with it to accept" in HttpClient().get(link).content.decode()
    stranger = User.objects.create_user("stranger@example.com", PASSWORD)
    http = HttpClient()
    http.force_login(stranger)
    response = http.post(link)
    assert "This invitation is for outsider@example.com" in response.content.decode()
    assert not Membership.objects.filter(user=stranger, workspace=workspace).exists()
    http.force_login(outsider)
    assert http.post(link).status_code == 302
    assert Membership.objects.get(user=outsider, workspace=workspace).role == "member"


def test_withdrawn_and_expired_invitations_do_not_open(owner_http, workspace):
    _invite(owner_http, "a@example.com")
    _invite(owner_http, "b@example.com")
    withdrawn, expired = (Invitation.objects.get(email=e) for e in ("a@example.com",
                                                                    "b@example.com"))
    owner_http.post(f"/accounts/team/invitations/{withdrawn.pk}/revoke/")
    Invitation.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1))
    for invitation in (withdrawn, expired):
        assert HttpClient().get(f"/accounts/invitation/{invitation.token}/").status_code == 404


def test_only_owners_invite(member, workspace):
    http = HttpClient()
    http.force_login(member)
    page = http.get("/accounts/team/").content.decode()
    assert "Only an owner of the workspace can invite people." in page
    _invite(http)
    assert not Invitation.objects.exists() and mail.outbox == []


def test_password_reset_mails_are_limited_per_address(client, owner, settings):
    settings.ACCOUNT_MAIL_LIMIT_PER_ADDRESS = 2
    for _ in range(2):
        assert client.post("/accounts/password/reset/",
                           {"email": "owner@example.com"}).status_code == 302
    response = client.post("/accounts/password/reset/", {"email": "OWNER@example.com"})
    assert response.status_code == 200
    assert "Too many requests" in response.content.decode()
    assert len(mail.outbox) == 2


def test_password_reset_mails_are_limited_per_ip_address(client, settings):
    settings.ACCOUNT_MAIL_LIMIT_PER_IP = 3
    for n in range(3):
        client.post("/accounts/password/reset/", {"email": f"n{n}@example.com"},
                    REMOTE_ADDR="192.0.2.7")
    response = client.post("/accounts/password/reset/", {"email": "n9@example.com"},
                           REMOTE_ADDR="192.0.2.7")
    assert "Too many requests" in response.content.decode()
    other = client.post("/accounts/password/reset/", {"email": "n9@example.com"},
                        REMOTE_ADDR="192.0.2.8")
    assert other.status_code == 302


def test_sign_ups_are_limited_per_ip_address(settings):
    settings.ACCOUNT_MAIL_LIMIT_PER_IP = 2
    for n in range(3):
        response = HttpClient().post("/accounts/signup/", {
            "name": "N", "email": f"n{n}@example.com", "language": "en",
            "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, REMOTE_ADDR="192.0.2.9")
    assert "Too many requests" in response.content.decode()
    assert User.objects.count() == 2
