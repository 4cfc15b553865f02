"""Clients, their contacts and projects. Changes go through the client pages' own forms
and the client's lifecycle method, and trigger the same follow-up as the pages."""


import datetime as dt
from typing import Literal

from django.db import transaction
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate
from ninja.responses import Status

from rapport.api import auth
from rapport.api.common import ERRORS, get_owned, narrowed, save_with_form, workspace_of
from rapport.api.pagination import Pagination
from rapport.api.schemas import (
    ClientIn,
    ClientOut,
    ClientPatch,
    ContactIn,
    ContactOut,
    ContactPatch,
    ProjectIn,
    ProjectOut,
    ProjectPatch,
)
from rapport.clients.forms import ClientForm, ContactForm, ProjectForm
from rapport.clients.models import Client, Contact, Project

router = Router(tags=["clients"])

ClientStatus = Literal["prospect", "active", "paused", "offboarding", "former", "declined"]
ProjectStatus = Literal["planned", "active", "on_hold", "completed", "cancelled"]


@router.get("/clients", response={200: list[ClientOut], **ERRORS}, summary="List clients")
@paginate(Pagination)
def list_clients(request: HttpRequest, status: ClientStatus | None = None,
                 created_from: dt.date | None = None, created_until: dt.date | None = None):
    clients = Client.objects.filter(workspace=workspace_of(request)).order_by("name", "pk")
    return narrowed(clients, status=status, created_at__date__gte=created_from,
                    created_at__date__lte=created_until)


@router.get("/clients/{client_id}", response={200: ClientOut, **ERRORS},
            summary="Get a client")
def get_client(request: HttpRequest, client_id: int):
    return get_owned(request, Client, client_id)


@router.get("/contacts", response={200: list[ContactOut], **ERRORS}, summary="List contacts")
@paginate(Pagination)
def list_contacts(request: HttpRequest, client_id: int | None = None):
    contacts = (Contact.objects.filter(workspace=workspace_of(request))
                .prefetch_related("emails").order_by("name", "pk"))
    return narrowed(contacts, client_id=client_id)


@router.get("/contacts/{contact_id}", response={200: ContactOut, **ERRORS},
            summary="Get a contact")
def get_contact(request: HttpRequest, contact_id: int):
    return get_owned(request, Contact, contact_id)


@router.get("/projects", response={200: list[ProjectOut], **ERRORS}, summary="List projects")
@paginate(Pagination)
def list_projects(request: HttpRequest, client_id: int | None = None,
                  status: ProjectStatus | None = None):
    projects = Project.objects.filter(workspace=workspace_of(request)).order_by("name", "pk")
    return narrowed(projects, client_id=client_id, status=status)


@router.get("/projects/{project_id}", response={200: ProjectOut, **ERRORS},
            summary="Get a project")
def get_project(request: HttpRequest, project_id: int):
    return get_owned(request, Project, project_id)


# Write tokens, checking the object in the URL before the body is read (see TokenAuth).
_WRITE_CLIENT = auth.TokenAuth(write=True, owns=(Client, "client_id"))
_WRITE_CONTACT = auth.TokenAuth(write=True, owns=(Contact, "contact_id"))
_WRITE_PROJECT = auth.TokenAuth(write=True, owns=(Project, "project_id"))
_CONTACT_NAMES = {"emails_text": "emails"}
_PROJECT_NAMES = {"amount": "amount.amount", "currency": "amount.currency"}


def _contact_changes(changes: dict) -> dict:
    if "emails" in changes:
        changes["emails_text"] = ", ".join(changes.pop("emails") or [])
    return changes


def _project_changes(changes: dict) -> dict:
    if "amount" in changes:  # a null amount is refused by the form, as an empty one is
        money = changes.pop("amount") or {"amount": None, "currency": None}
        changes.update(amount=money["amount"], currency=money["currency"])
    return changes


@router.post("/clients", response={201: ClientOut, **ERRORS}, auth=auth.write,
             summary="Create a client (a prospect, as on the “New client” page)")
def create_client(request: HttpRequest, payload: ClientIn):
    workspace = workspace_of(request)
    client = Client(workspace=workspace, language=workspace.language,
                    time_zone=workspace.time_zone)
    save_with_form(ClientForm, client, payload.dict(exclude_none=True))
    return Status(201, get_owned(request, Client, client.pk))


@router.patch("/clients/{client_id}", response={200: ClientOut, **ERRORS},
              auth=_WRITE_CLIENT, summary="Change a client; a status only along its lifecycle")
def update_client(request: HttpRequest, client_id: int, payload: ClientPatch):
    client = get_owned(request, Client, client_id)
    changes = payload.dict(exclude_unset=True)
    status = changes.pop("status", None)
    reason = changes.pop("status_reason", "")
    with transaction.atomic():
        if changes:
            save_with_form(ClientForm, client, changes)  # a new domain queues its relinking
        if status is not None and status != client.status:
            client.change_status(status, reason=reason or "", by=request.user)
    return get_owned(request, Client, client.pk)


@router.post("/clients/{client_id}/contacts", response={201: ContactOut, **ERRORS},
             auth=_WRITE_CLIENT, summary="Add a contact to a client")
def create_contact(request: HttpRequest, client_id: int, payload: ContactIn):
    client = get_owned(request, Client, client_id)
    contact = Contact(workspace=client.workspace, client=client)
    with transaction.atomic():
        # Saving a new address queues the follow-up that links its mail and reads it.
        save_with_form(ContactForm, contact, _contact_changes(payload.dict()),
                       names=_CONTACT_NAMES)
    return Status(201, get_owned(request, Contact, contact.pk))


@router.patch("/contacts/{contact_id}", response={200: ContactOut, **ERRORS},
              auth=_WRITE_CONTACT,
              summary="Change a contact (emails: the complete list)")
def update_contact(request: HttpRequest, contact_id: int, payload: ContactPatch):
    contact = get_owned(request, Contact, contact_id)
    with transaction.atomic():
        save_with_form(ContactForm, contact, _contact_changes(payload.dict(exclude_unset=True)),
                       names=_CONTACT_NAMES)
    return get_owned(request, Contact, contact.pk)


@router.post("/clients/{client_id}/projects", response={201: ProjectOut, **ERRORS},
             auth=_WRITE_CLIENT, summary="Add a project to a client")
def create_project(request: HttpRequest, client_id: int, payload: ProjectIn):
    client = get_owned(request, Client, client_id)
    project = Project(workspace=client.workspace, client=client,
                      currency=client.workspace.default_currency)
    save_with_form(ProjectForm, project, _project_changes(payload.dict(exclude_none=True)),
                   names=_PROJECT_NAMES)
    return Status(201, get_owned(request, Project, project.pk))


@router.patch("/projects/{project_id}", response={200: ProjectOut, **ERRORS},
              auth=_WRITE_PROJECT,
              summary="Change a project")
def update_project(request: HttpRequest, project_id: int, payload: ProjectPatch):
    project = get_owned(request, Project, project_id)
    save_with_form(ProjectForm, project, _project_changes(payload.dict(exclude_unset=True)),
                   names=_PROJECT_NAMES)
    return get_owned(request, Project, project.pk)
