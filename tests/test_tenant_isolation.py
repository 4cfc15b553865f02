"""Every URL of the project, asked for with another workspace's ids, must answer 404.

The URL list is read from the resolver, so a new URL is covered the day it is added;
a URL with an id parameter this test does not know fails loudly until it is taught.
"""

from __future__ import annotations

import importlib
import itertools
import re
from pathlib import Path

import pytest
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver

from rapport.api import tokens
from rapport.billing.models import Invoice
from rapport.clients.models import Contact, Note
from rapport.core.models import Workspace
from tests.billing.factories import billable_client, make_billable
from tests.conftest import make_client

# URL parameters that are not object ids, with a value to put in.
NOT_IDS = {"uidb64": "MQ", "token": "not-a-real-token-" + "x" * 16, "kind": "deposit"}
# Admin is the operator's tool across all workspaces; it is checked separately below.
SKIP_NAMESPACES = {"admin"}
# The REST API answers requests with a bearer token, not a session (tests/api/).
API_NAMESPACE = "api-v1"


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield namespace, prefix + str(entry.pattern), entry


def all_routes():
    for namespace, route, pattern in _walk(get_resolver().url_patterns):
        if namespace in SKIP_NAMESPACES:
            continue
        yield namespace, route, pattern


def _objects_for(workspace: Workspace) -> dict[str, int]:
    """One object of every kind in the workspace, by the URL parameter that names it.

    Each app contributes through `tests/<app>/isolation.py`, a function
    `objects_for(workspace, client) -> dict[str, int]`.
    """
    make_billable(workspace)
    client = billable_client(workspace, f"Client of {workspace.name}")
    ids = {"workspace_pk": workspace.pk, "client_pk": client.pk}
    for path in sorted(Path(__file__).parent.glob("*/isolation.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.isolation")
        ids.update(module.objects_for(workspace, client))
    return ids


def _fill(route: str, ids: dict[str, int]) -> str:
    def replace(match: re.Match) -> str:
        name = match.group(2)
        return NOT_IDS[name] if name in NOT_IDS else str(ids[name])

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", replace, route)


def _params(route: str) -> list[str]:
    return [m.group(2) for m in re.finditer(r"<(?:(\w+):)?(\w+)>", route)]


@pytest.mark.django_db
def test_every_url_with_another_workspaces_ids_answers_404(owner_http, workspace, outsider,
                                                           owner, settings):
    settings.API_RATE_LIMIT = 10_000
    mine = _objects_for(workspace)
    theirs = _objects_for(Workspace.objects.get(memberships__user=outsider))
    secret = tokens.create_token(owner, workspace, name="walk", scope="write").secret
    api_http = HttpClient(HTTP_AUTHORIZATION=f"Bearer {secret}")
    checked = 0
    for ns, route, _pattern in all_routes():
        params = [p for p in _params(route) if p not in NOT_IDS]
        if not params:
            continue
        unknown = set(params) - set(theirs)
        assert not unknown, f"{route}: teach this test which object {unknown} names"
        # Every combination where at least one id is foreign: all foreign, or a parent
        # of mine with a child of theirs (which must not be reachable through my parent).
        for choice in itertools.product([False, True], repeat=len(params)):
            if not any(choice):
                continue
            ids = {p: (theirs[p] if foreign else mine[p]) for p, foreign in zip(params, choice,
                                                                                 strict=True)}
            url = _fill(route, ids)
            http = api_http if ns == API_NAMESPACE else owner_http
            for method in ("get", "post"):
                response = getattr(http, method)(url)
                assert response.status_code in {403, 404, 405}, (
                    f"{method.upper()} {url} answered {response.status_code}"
                )
                if method == "post" and ns != API_NAMESPACE:  # the API's GETs refuse POST
                    assert response.status_code in {403, 404}, f"POST {url} was not refused"
            checked += 1
    assert checked >= 10  # the walk found the client, note, contact and project pages


@pytest.mark.django_db
def test_the_outsiders_data_is_unchanged_after_the_attempts(owner_http, workspace, outsider):
    theirs = _objects_for(Workspace.objects.get(memberships__user=outsider))
    owner_http.post(f"/clients/{theirs['client_pk']}/delete/")
    owner_http.post(f"/clients/{theirs['client_pk']}/notes/{theirs['note_pk']}/delete/")
    owner_http.post(f"/invoices/{theirs['invoice_pk']}/cancel/")
    owner_http.post(f"/invoices/{theirs['invoice_pk']}/payments/{theirs['payment_pk']}/delete/")
    assert Note.objects.filter(pk=theirs["note_pk"]).exists()
    invoice = Invoice.objects.get(pk=theirs["invoice_pk"])
    assert invoice.state == "issued" and invoice.payments.count() == 1
    assert Contact.objects.filter(client_id=theirs["client_pk"]).exists()


@pytest.mark.django_db
def test_lists_show_only_the_own_workspace(owner_http, workspace, outsider):
    theirs_ws = Workspace.objects.get(memberships__user=outsider)
    make_client(theirs_ws, "Secret Client of Elsewhere")
    make_client(workspace, "Visible Client")
    page = owner_http.get("/clients/").content.decode()
    assert "Visible Client" in page
    assert "Secret Client of Elsewhere" not in page
    assert "Secret Client" not in owner_http.get("/").content.decode()


@pytest.mark.django_db
def test_admin_is_closed_to_users_who_are_not_operators(owner_http):
    response = owner_http.get("/admin/clients/client/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def _is_public(pattern: URLPattern) -> bool:
    return getattr(pattern.callback, "login_required", True) is False


def test_only_sign_in_pages_and_token_portals_are_public():
    for ns, route, pattern in all_routes():
        if _is_public(pattern):
            assert ns in {"accounts", API_NAMESPACE} or "<str:token>" in route, (
                f"{route} is open to anonymous visitors without a token"
            )


@pytest.mark.django_db
def test_every_page_requires_login(client, workspace, full_client):
    ids = _objects_for(workspace)
    for _ns, route, pattern in all_routes():
        if _is_public(pattern):
            continue
        url = _fill(route, ids)
        response = client.get(url)
        assert response.status_code in {302, 405}, f"{url} answered {response.status_code}"
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), url
