"""The API tokens page: create (secret shown once), expiry, revoke after confirming."""

import datetime as dt

import pytest
from django.utils import timezone

from rapport.api import tokens
from rapport.api.models import ApiToken

pytestmark = pytest.mark.django_db


def test_the_secret_is_shown_once_after_creating_and_never_again(owner_http, owner):
    response = owner_http.post("/api/tokens/", {"name": "Export", "scope": "write"},
                               follow=True)
    token = ApiToken.objects.get(user=owner)
    page = response.content.decode()
    assert token.prefix in page and "shown only this once" in page
    secret = page.split('data-testid="token-secret">')[1].split("<")[0]
    assert tokens.hash_token(secret) == token.token_hash and token.scope == "write"
    again = owner_http.get("/api/tokens/").content.decode()
    assert secret not in again and "Export" in again


def test_a_chosen_expiry_ends_with_that_day_in_the_workspaces_time_zone(owner_http, owner,
                                                                      workspace):
    day = timezone.localdate() + dt.timedelta(days=30)
    owner_http.post("/api/tokens/", {"name": "Temp", "scope": "read",
                                     "expires_on": day.isoformat()})
    expires = ApiToken.objects.get(user=owner).expires_at.astimezone(workspace.tz)
    assert (expires.date(), expires.time()) == (day + dt.timedelta(days=1), dt.time(0))
    page = owner_http.get("/api/tokens/").content.decode()
    assert day.strftime("%d/%m/%Y") in page  # the chosen day is shown as the last one


def test_an_expiry_in_the_past_is_refused(owner_http):
    response = owner_http.post("/api/tokens/", {"name": "Old", "scope": "read",
                                                "expires_on": "2000-01-01"})
    assert "Choose today or a later day." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_asks_first_and_then_revokes(owner_http, owner, workspace):
    token = tokens.create_token(owner, workspace, name="Export", scope="read").token
    page = owner_http.get(f"/api/tokens/{token.pk}/revoke/").content.decode()
    assert "Revoke the token “Export”?" in page
    token.refresh_from_db()
    assert token.revoked_at is None
    owner_http.post(f"/api/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_another_users_token_can_neither_be_seen_nor_revoked(owner_http, member, workspace):
    theirs = tokens.create_token(member, workspace, name="Mias script", scope="read").token
    assert "Mias script" not in owner_http.get("/api/tokens/").content.decode()
    assert owner_http.post(f"/api/tokens/{theirs.pk}/revoke/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_the_page_reads_in_german(owner_http):
    owner_http.post("/accounts/language/", {"language": "de", "next": "/"})
    page = owner_http.get("/api/tokens/").content.decode()
    assert "API-Tokens" in page and "Token erstellen" in page
