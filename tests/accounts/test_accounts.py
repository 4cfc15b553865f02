"""Sign-up, login, logout, password reset by email, throttling and the UI language."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher, make_password
from django.core import mail
from django.test import override_settings

from rapport.accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_signing_up_logs_in_and_asks_for_a_workspace(client):
    response = client.post("/accounts/signup/", {
        "name": "Mara Berg", "email": "Mara@Example.com", "language": "de",
        "password1": PASSWORD, "password2": PASSWORD,
    })
    assert response.status_code == 302 and response["Location"] == "/workspace/new/"
    user = User.objects.get()
    assert user.email == "mara@example.com" and user.language == "de"
    assert client.get("/workspace/new/").status_code == 200


def test_sign_up_refuses_a_taken_address_and_weak_passwords(client, owner):
    response = client.post("/accounts/signup/", {
        "email": "OWNER@example.com", "language": "en", "password1": "12345678",
        "password2": "12345678",
    })
    form = response.context["form"]
    assert "already exists" in form.errors["email"][0]
    assert form.errors["password2"]
    assert User.objects.count() == 1


def test_login_and_logout(client, owner, workspace):
    response = client.post("/accounts/login/", {"username": "owner@example.com",
                                                 "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_a_wrong_password_is_refused_with_a_message(client, owner):
    response = client.post("/accounts/login/", {"username": "owner@example.com",
                                                 "password": "wrong"})
    assert response.status_code == 200
    assert "correct email address and password" in response.content.decode()


def test_repeated_failures_lock_the_account_even_for_the_right_password(client, owner):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "owner@example.com", "password": "no"})
    response = client.post("/accounts/login/", {"username": "owner@example.com",
                                                 "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert client.get("/").status_code == 302  # still logged out


def test_a_forgotten_password_is_reset_by_email(client, owner):
    response = client.post("/accounts/password/reset/", {"email": "owner@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@example.com"]
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    new_password = "a brand new secret 2026"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new_password,
                                                  "new_password2": new_password})
    owner.refresh_from_db()
    assert owner.check_password(new_password)
    # The link works once.
    assert not client.get(link, follow=True).context["validlink"]


def test_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"},
                           follow=True)
    assert "Check your inbox" in response.content.decode()
    assert mail.outbox == []


def test_passwords_are_hashed_with_argon2_in_real_settings():
    from rapport.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        assert identify_hasher(make_password("secret")).algorithm == "argon2"


def test_switching_the_language_is_remembered_on_the_account(owner_http, owner):
    response = owner_http.post("/accounts/language/", {"language": "de", "next": "/clients/"})
    assert response.status_code == 302 and response["Location"] == "/clients/"
    owner.refresh_from_db()
    assert owner.language == "de"
    page = owner_http.get("/clients/").content.decode()
    assert "Kunden" in page and 'lang="de"' in page


def test_the_language_switch_never_redirects_off_site(owner_http):
    response = owner_http.post("/accounts/language/", {"language": "en",
                                                       "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_anonymous_visitors_can_switch_the_login_page_language(client):
    client.post("/accounts/language/", {"language": "de"})
    assert "Anmelden" in client.get("/accounts/login/").content.decode()
