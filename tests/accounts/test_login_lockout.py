"""Login throttling behind a reverse proxy locks the attacker's address, not everyone's,
and a password reset lifts a lock."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import RequestFactory

from rapport.accounts.client_ip import client_ip
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.1"
ATTACKER, OWNER = "203.0.113.9", "198.51.100.7"


def _login(client, password, peer=PROXY, forwarded=None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/accounts/login/", {"username": "owner@example.com",
                                            "password": password}, **extra)


def _fail_until_locked(client, forwarded=ATTACKER):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong", forwarded=forwarded)


def test_behind_a_trusted_proxy_an_attacker_locks_only_their_own_address(
        client, owner, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    _fail_until_locked(client)
    assert _login(client, PASSWORD, forwarded=ATTACKER).status_code == 429
    response = _login(client, PASSWORD, forwarded=OWNER)
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_forwarded_header_from_an_untrusted_peer_is_ignored(client, owner, settings):
    settings.TRUSTED_PROXIES = []
    # Each attempt claims another address; the lock still follows the real peer.
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong", peer=ATTACKER, forwarded=f"192.0.2.{n}")
    assert _login(client, PASSWORD, peer=ATTACKER, forwarded="192.0.2.200").status_code == 429


def test_a_successful_password_reset_lifts_the_lock(client, owner, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    _fail_until_locked(client, forwarded=OWNER)
    assert _login(client, PASSWORD, forwarded=OWNER).status_code == 429
    client.post("/accounts/password/reset/", {"email": "owner@example.com"})
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)",
                     mail.outbox[-1].body).group(1)
    form_page = client.get(link, follow=True)
    new_password = "a brand new secret 2026"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new_password,
                                                  "new_password2": new_password})
    response = _login(client, new_password, forwarded=OWNER)
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.parametrize("trusted, peer, forwarded, expected", [
    ([], "192.0.2.1", "203.0.113.9", "192.0.2.1"),
    (["10.0.0.0/8"], "10.0.0.1", "203.0.113.9", "203.0.113.9"),
    (["10.0.0.0/8"], "10.0.0.1", "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
    (["10.0.0.0/8"], "10.0.0.1", "not-an-address", "10.0.0.1"),
    (["10.0.0.0/8"], "10.0.0.1", "", "10.0.0.1"),
    (["::1"], "::1", "2001:db8::5", "2001:db8::5"),
    (["10.0.0.1"], "10.0.0.1", "203.0.113.9:4711", "203.0.113.9"),
])
def test_the_client_address_is_read_from_trusted_proxies_only(
        settings, trusted, peer, forwarded, expected):
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
