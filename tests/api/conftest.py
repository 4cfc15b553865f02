"""API personas: tokens of the owner (read and read-write) and of the outsider."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from rapport.api import tokens
from rapport.core.models import Workspace


class Api:
    """A test client that sends one token with every request and speaks JSON."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.http = HttpClient(HTTP_AUTHORIZATION=f"Bearer {secret}")

    def get(self, path: str, **params: object):
        return self.http.get(f"/api/v1/{path}", params)

    def post(self, path: str, data: object | None = None):
        return self.http.post(f"/api/v1/{path}", data or {}, content_type="application/json")

    def patch(self, path: str, data: object | None = None):
        return self.http.patch(f"/api/v1/{path}", data or {}, content_type="application/json")


@pytest.fixture
def reader(owner, workspace) -> Api:
    return Api(tokens.create_token(owner, workspace, name="read", scope="read").secret)


@pytest.fixture
def writer(owner, workspace) -> Api:
    return Api(tokens.create_token(owner, workspace, name="write", scope="write").secret)


@pytest.fixture
def elsewhere(outsider) -> Workspace:
    return Workspace.objects.get(memberships__user=outsider)
