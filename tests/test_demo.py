"""The demo command: a working login and a workspace that shows every kind of client."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from rapport.accounts.models import User
from rapport.clients.models import (
    Client,
    ClientDomain,
    Contact,
    ContactEmail,
    Note,
    Project,
    StatusChange,
    Tag,
)
from rapport.core.models import Membership, OfficeHours, Workspace
from rapport.front.demo import DEMO_EMAIL, DEMO_PASSWORD, DEMO_WORKSPACE, build_demo

MODELS = [User, Workspace, Membership, OfficeHours, Client, Contact, ContactEmail,
          ClientDomain, Tag, StatusChange, Note, Project]


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def workspace() -> Workspace:
    run_demo()
    return Workspace.objects.get(name=DEMO_WORKSPACE)


@pytest.mark.django_db
def test_prints_the_login_and_the_password_works() -> None:
    output = run_demo()
    assert f"Demo login: {DEMO_EMAIL} / {DEMO_PASSWORD}" in output
    assert "http://127.0.0.1:8000/" in output
    user = User.objects.get(email=DEMO_EMAIL)
    assert user.check_password(DEMO_PASSWORD)
    assert user.name == "Lena Hoffmann"
    assert user.language == "de"
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request, username=DEMO_EMAIL, password=DEMO_PASSWORD) == user


@pytest.mark.django_db
def test_workspace_has_profile_office_hours_and_non_negotiables(workspace: Workspace) -> None:
    user = User.objects.get(email=DEMO_EMAIL)
    assert Membership.objects.filter(
        workspace=workspace, user=user, role=Membership.Role.OWNER
    ).exists()
    assert workspace.vat_id.startswith("DE")
    assert workspace.city == "Berlin"
    assert (workspace.time_zone, workspace.default_currency) == ("Europe/Berlin", "EUR")
    assert (workspace.holiday_country, workspace.holiday_subdivision) == ("DE", "BE")
    assert workspace.preferred_channels == ["email", "video"]
    assert workspace.max_calls_per_week == 1
    assert "Keine Arbeit am Sonntag" in workspace.non_negotiables
    hours = workspace.hours_by_weekday
    assert [str(r) for r in hours[0]] == ["09:00–12:30", "13:30–17:00"]
    assert [str(r) for r in hours[4]] == ["09:00–13:00"]
    assert hours[5] == hours[6] == []


@pytest.mark.django_db
def test_clients_cover_the_cases(workspace: Workspace) -> None:
    clients = Client.objects.filter(workspace=workspace)
    assert clients.count() >= 8
    statuses = set(clients.values_list("status", flat=True))
    assert {Client.Status.PROSPECT, Client.Status.ACTIVE} <= statuses
    assert len(statuses) >= 3
    english = clients.filter(language="en")
    assert english.count() >= 2
    assert english.filter(time_zone="America/New_York").exists()
    for client in clients:
        assert client.contacts.exists(), client
        assert client.tags.exists(), client
        assert client.domains.exists(), client  # learnt from the contacts' addresses
        assert 2 <= client.notes.count() <= 5, client
        assert 1 <= client.projects.count() <= 2, client
        if client.status != Client.Status.PROSPECT:
            assert client.status_changes.exists(), client


@pytest.mark.django_db
def test_notes_and_projects(workspace: Workspace) -> None:
    notes = Note.objects.filter(workspace=workspace)
    incidents = notes.filter(kind=Note.Kind.INCIDENT)
    assert incidents.exists()
    assert not incidents.filter(incident_category="").exists()
    assert not incidents.filter(severity__isnull=True).exists()
    check_ins = notes.filter(kind=Note.Kind.CHECK_IN)
    assert check_ins.filter(check_in_outcome=Note.Outcome.ALL_GOOD).exists()
    assert check_ins.filter(check_in_outcome=Note.Outcome.CONCERN).exists()
    rate_types = set(
        Project.objects.filter(workspace=workspace).values_list("rate_type", flat=True)
    )
    assert rate_types == set(Project.RateType.values)


@pytest.mark.django_db
def test_running_twice_changes_nothing() -> None:
    run_demo()
    before = counts()
    output = run_demo()
    assert counts() == before
    assert "already exists" in output
    assert f"Demo login: {DEMO_EMAIL} / {DEMO_PASSWORD}" in output


@pytest.mark.django_db
def test_reset_rebuilds_from_scratch() -> None:
    run_demo()
    old_user = User.objects.get(email=DEMO_EMAIL)
    old_workspace = Workspace.objects.get(name=DEMO_WORKSPACE)
    Client.objects.filter(workspace=old_workspace, invoices__isnull=True).first().delete()
    before = counts()

    output = run_demo("--reset")

    assert "Demo data created" in output
    user = User.objects.get(email=DEMO_EMAIL)
    assert user.pk != old_user.pk
    assert not Workspace.objects.filter(pk=old_workspace.pk).exists()
    assert Workspace.objects.filter(name=DEMO_WORKSPACE).count() == 1
    after = counts()
    assert after["Client"] == before["Client"] + 1
    assert after["User"] == before["User"]


@pytest.mark.django_db
def test_reset_leaves_other_users_alone() -> None:
    other = User.objects.create_user("real@example.com", "secret-pass-123")
    run_demo("--reset")
    run_demo("--reset")
    assert User.objects.filter(pk=other.pk).exists()


@pytest.mark.django_db
def test_custom_login() -> None:
    output = run_demo("--email", "Trial@Example.com", "--password", "another-secret")
    assert "Demo login: trial@example.com / another-secret" in output
    assert User.objects.get(email="trial@example.com").check_password("another-secret")


@pytest.mark.django_db
def test_build_demo_reports_what_it_did() -> None:
    first = build_demo()
    assert first.created and first.clients >= 8
    second = build_demo()
    assert not second.created


@pytest.mark.django_db
def test_demo_pages_render(client: HttpClient, workspace: Workspace) -> None:
    client.force_login(User.objects.get(email=DEMO_EMAIL))
    # The demo user reads German; keep that language from leaking into later tests.
    with translation.override(translation.get_language()):
        assert client.get("/").status_code == 200
        response = client.get(reverse("clients:list"))
        assert response.status_code == 200
        assert "Nordlicht Kommunikation GmbH" in response.content.decode()
        for demo_client in Client.objects.filter(workspace=workspace):
            assert client.get(demo_client.get_absolute_url()).status_code == 200, demo_client
