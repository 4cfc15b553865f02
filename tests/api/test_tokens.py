"""Personal access tokens: hashed at rest, shown once, revocable, expiring, scoped."""

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from rapport.api import tokens
from rapport.api.models import ApiToken
from rapport.core.models import Membership
from tests.api.conftest import Api

pytestmark = pytest.mark.django_db


def test_only_the_sha256_of_the_token_is_stored(owner, workspace):
    new = tokens.create_token(owner, workspace, name="export", scope="read")
    stored = ApiToken.objects.get(pk=new.token.pk)
    assert new.secret.startswith("rap_") and len(new.secret) > 40
    assert stored.token_hash == hashlib.sha256(new.secret.encode()).hexdigest()
    assert new.secret not in {getattr(stored, f.attname) for f in ApiToken._meta.fields}
    assert stored.prefix == new.secret[:8]


def test_two_tokens_never_share_a_secret(owner, workspace):
    secrets = {tokens.create_token(owner, workspace, name=str(i), scope="read").secret
               for i in range(20)}
    assert len(secrets) == 20


def test_a_valid_token_reads_and_records_when_it_was_last_used(owner, workspace):
    new = tokens.create_token(owner, workspace, name="export", scope="read")
    assert Api(new.secret).get("clients").status_code == 200
    new.token.refresh_from_db()
    assert new.token.last_used_at is not None
    assert timezone.now() - new.token.last_used_at < dt.timedelta(minutes=1)


def test_a_revoked_token_is_refused_at_once(owner, workspace):
    new = tokens.create_token(owner, workspace, name="export", scope="read")
    api = Api(new.secret)
    assert api.get("clients").status_code == 200
    tokens.revoke(new.token)
    response = api.get("clients")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert response["WWW-Authenticate"] == "Bearer"


def test_an_expired_token_is_refused(owner, workspace):
    new = tokens.create_token(owner, workspace, name="old", scope="read",
                              expires_at=timezone.now() + dt.timedelta(seconds=1))
    assert Api(new.secret).get("clients").status_code == 200
    ApiToken.objects.filter(pk=new.token.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert Api(new.secret).get("clients").status_code == 401


def test_a_token_stops_working_when_its_user_leaves_the_workspace(member, workspace):
    new = tokens.create_token(member, workspace, name="mine", scope="write")
    assert Api(new.secret).get("clients").status_code == 200
    Membership.objects.filter(user=member, workspace=workspace).delete()
    assert Api(new.secret).get("clients").status_code == 401


@pytest.mark.parametrize("header", ["", "Bearer ", "Bearer rap_wrong", "Token rap_x",
                                    "Bearer " + "x" * 500])
def test_a_missing_or_wrong_token_gets_401_with_the_error_body(client, header):
    response = client.get("/api/v1/clients", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert set(response.json()["error"]) == {"code", "message"}


def test_a_logged_in_browser_session_is_not_an_api_login(owner_http):
    """The API takes tokens only: a session cookie would make every write forgeable from
    another site and would carry no scope or workspace of its own."""
    assert owner_http.get("/api/v1/clients").status_code == 401
    assert owner_http.post("/api/v1/payments", {}, content_type="application/json"
                           ).status_code == 401


def test_a_read_token_is_refused_every_write_with_403(reader):
    for path in ("invoices", "invoices/1/issue", "payments", "messages/import",
                 "signals/1/dismiss"):
        response = reader.post(path, {})
        assert response.status_code == 403, path
        assert response.json()["error"]["code"] == "read_only_token"


def test_the_schema_and_the_docs_are_served_without_a_token_from_this_site(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    docs = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower() and "https://" not in docs


@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/nothing/here", "/api/v1/clients/1/x"])
def test_an_unknown_api_address_answers_404_with_the_error_body(reader, path):
    response = reader.http.get(path)
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}
