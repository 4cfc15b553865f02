"""Personas shared by the tests: an owner, a member of the same workspace, an outsider."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.utils import translation

from rapport.accounts.models import User
from rapport.clients.models import Client, Contact, Note, Project
from rapport.core.models import Membership, Workspace
from rapport.core.office_hours import parse_ranges
from rapport.core.services import create_workspace, set_office_hours

PASSWORD = "correct horse battery staple"


def make_workspace(owner: User, name: str = "Studio Nord") -> Workspace:
    workspace = create_workspace(
        owner, name=name, time_zone="Europe/Berlin", holiday_country="DE",
        holiday_subdivision="BE", language="de",
    )
    set_office_hours(workspace, {day: parse_ranges("09:00-12:00, 13:00-17:00")
                                 for day in range(5)})
    return workspace


def make_client(workspace: Workspace, name: str = "Acme GmbH", **fields: object) -> Client:
    return Client.objects.create(workspace=workspace, name=name, **fields)


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Messages raised outside a request are in English unless a test says otherwise."""
    with translation.override("en"):
        yield


@pytest.fixture
def owner(db) -> User:
    return User.objects.create_user("owner@example.com", PASSWORD, name="Olga Owner")


@pytest.fixture
def workspace(owner: User) -> Workspace:
    return make_workspace(owner)


@pytest.fixture
def member(workspace: Workspace) -> User:
    user = User.objects.create_user("member@example.com", PASSWORD, name="Mia Member")
    Membership.objects.create(workspace=workspace, user=user, role=Membership.Role.MEMBER)
    return user


@pytest.fixture
def outsider(db) -> User:
    user = User.objects.create_user("outsider@example.com", PASSWORD, name="Otto Outsider")
    make_workspace(user, name="Elsewhere Ltd")
    return user


@pytest.fixture
def client_obj(workspace: Workspace) -> Client:
    return make_client(workspace)


@pytest.fixture
def owner_http(owner: User, workspace: Workspace) -> HttpClient:
    http = HttpClient()
    http.force_login(owner)
    return http


@pytest.fixture
def full_client(workspace: Workspace, owner: User) -> Client:
    """A client with one of everything, for pages that list children."""
    client = make_client(workspace, "Fullhouse AG")
    contact = Contact.objects.create(workspace=workspace, client=client, name="Frida")
    from rapport.clients.services import set_contact_emails

    set_contact_emails(contact, ["frida@fullhouse.example"])
    Note.objects.create(workspace=workspace, client=client, text="Kick-off went well.")
    Project.objects.create(workspace=workspace, client=client, name="Website", amount=1000)
    return client
