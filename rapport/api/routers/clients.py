"""Clients, their contacts and projects (read only)."""


import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from rapport.api.common import ERRORS, get_owned, workspace_of
from rapport.api.pagination import Pagination
from rapport.api.schemas import ClientOut, ContactOut, ProjectOut
from rapport.clients.models import Client, Contact, Project

router = Router(tags=["clients"])

ClientStatus = Literal["prospect", "active", "paused", "offboarding", "former", "declined"]
ProjectStatus = Literal["planned", "active", "on_hold", "completed", "cancelled"]


@router.get("/clients", response={200: list[ClientOut], **ERRORS}, summary="List clients")
@paginate(Pagination)
def list_clients(request: HttpRequest, status: ClientStatus | None = None,
                 created_from: dt.date | None = None, created_until: dt.date | None = None):
    clients = Client.objects.filter(workspace=workspace_of(request)).order_by("name", "pk")
    if status:
        clients = clients.filter(status=status)
    if created_from:
        clients = clients.filter(created_at__date__gte=created_from)
    if created_until:
        clients = clients.filter(created_at__date__lte=created_until)
    return clients


@router.get("/clients/{client_id}", response={200: ClientOut, **ERRORS},
            summary="Get a client")
def get_client(request: HttpRequest, client_id: int):
    return get_owned(request, Client, client_id)


@router.get("/contacts", response={200: list[ContactOut], **ERRORS}, summary="List contacts")
@paginate(Pagination)
def list_contacts(request: HttpRequest, client_id: int | None = None):
    contacts = (Contact.objects.filter(workspace=workspace_of(request))
                .prefetch_related("emails").order_by("name", "pk"))
    if client_id is not None:
        contacts = contacts.filter(client_id=client_id)
    return contacts


@router.get("/contacts/{contact_id}", response={200: ContactOut, **ERRORS},
            summary="Get a contact")
def get_contact(request: HttpRequest, contact_id: int):
    return get_owned(request, Contact, contact_id)


@router.get("/projects", response={200: list[ProjectOut], **ERRORS}, summary="List projects")
@paginate(Pagination)
def list_projects(request: HttpRequest, client_id: int | None = None,
                  status: ProjectStatus | None = None):
    projects = Project.objects.filter(workspace=workspace_of(request)).order_by("name", "pk")
    if client_id is not None:
        projects = projects.filter(client_id=client_id)
    if status:
        projects = projects.filter(status=status)
    return projects


@router.get("/projects/{project_id}", response={200: ProjectOut, **ERRORS},
            summary="Get a project")
def get_project(request: HttpRequest, project_id: int):
    return get_owned(request, Project, project_id)
