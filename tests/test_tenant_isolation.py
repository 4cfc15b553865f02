"""Every URL of the project, asked for with another workspace's ids, must answer 404.

The URL list is read from the resolver, so a new URL is covered the day it is added;
a URL with an id parameter this test does not know fails loudly until it is taught.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from rapport.billing import services
from rapport.billing.models import Deliverable, Invoice, PortalLink
from rapport.clients.models import Contact, Note, Project
from rapport.core.models import Workspace
from tests.billing.factories import billable_client, make_billable
from tests.conftest import make_client

# URL parameters that are not object ids, with a value to put in.
NOT_IDS = {"uidb64": "MQ", "token": "not-a-real-token-" + "x" * 16, "kind": "deposit"}
# Admin is the operator's tool across all workspaces; it is checked separately below.
SKIP_NAMESPACES = {"admin"}


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
    make_billable(workspace)
    client = billable_client(workspace, f"Client of {workspace.name}")
    contact = Contact.objects.create(workspace=workspace, client=client, name="Kim")
    note = Note.objects.create(workspace=workspace, client=client, text="private")
    project = Project.objects.create(workspace=workspace, client=client, name="P", amount=1)
    invoice = services.new_draft(workspace, client, project=project)
    services.add_line(invoice, "Secret work", 1, 100)
    invoice = services.issue(invoice)
    payment = services.record_payment(invoice, "10")
    link = PortalLink.objects.create(workspace=workspace, invoice=invoice,
                                     expires_at=timezone.now() + dt.timedelta(days=1))
    deliverable = Deliverable.objects.create(workspace=workspace, project=project, name="D")
    return {
        "workspace_pk": workspace.pk, "client_pk": client.pk, "contact_pk": contact.pk,
        "note_pk": note.pk, "project_pk": project.pk, "invoice_pk": invoice.pk,
        "payment_pk": payment.pk, "link_pk": link.pk, "deliverable_pk": deliverable.pk,
    }


def _fill(route: str, ids: dict[str, int]) -> str:
    def replace(match: re.Match) -> str:
        name = match.group(2)
        return NOT_IDS[name] if name in NOT_IDS else str(ids[name])

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", replace, route)


def _params(route: str) -> list[str]:
    return [m.group(2) for m in re.finditer(r"<(?:(\w+):)?(\w+)>", route)]


@pytest.mark.django_db
def test_every_url_with_another_workspaces_ids_answers_404(owner_http, workspace, outsider):
    mine = _objects_for(workspace)
    theirs = _objects_for(Workspace.objects.get(memberships__user=outsider))
    checked = 0
    for _ns, route, _pattern in all_routes():
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
            for method in ("get", "post"):
                response = getattr(owner_http, method)(url)
                assert response.status_code in {403, 404, 405}, (
                    f"{method.upper()} {url} answered {response.status_code}"
                )
                if method == "post":
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


@pytest.mark.django_db
def test_every_page_requires_login(client, workspace, full_client):
    ids = _objects_for(workspace)
    public = {"portal:invoice", "portal:invoice_pdf", "portal:invoice_xml",
              "accounts:login", "accounts:signup", "accounts:password_reset",
              "accounts:password_reset_done", "accounts:password_reset_confirm",
              "accounts:password_reset_complete", "accounts:set_language",
              "accounts:logout"}
    for ns, route, pattern in all_routes():
        if f"{ns}:{pattern.name}" in public:
            continue
        url = _fill(route, ids)
        response = client.get(url)
        assert response.status_code in {302, 405}, f"{url} answered {response.status_code}"
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), url
