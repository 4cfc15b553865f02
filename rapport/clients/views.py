"""Client pages. Every object is fetched through the request's workspace (404 otherwise)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from rapport.clients import filters
from rapport.clients.forms import ClientForm, ContactForm, NoteForm, ProjectForm, StatusChangeForm
from rapport.clients.models import Client, ConfirmedRecipient, Contact, Note, Project, Tag
from rapport.core.navigation import return_to
from rapport.core.paging import paginate
from rapport.core.pipeline import follow_up


def _get_client(request: HttpRequest, pk: int) -> Client:
    return get_object_or_404(Client, workspace=request.workspace, pk=pk)


def _get_owned(request: HttpRequest, model: type, client: Client, pk: int):  # noqa: ANN202
    return get_object_or_404(model, workspace=request.workspace, client=client, pk=pk)


def client_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    tag = request.GET.get("tag", "")
    query = request.GET.get("q", "").strip()
    clients = filters.matching(request.workspace, q=query, status=status, tag=tag)
    context = {
        "clients": paginate(request, clients),
        "statuses": Client.Status.choices,
        "status": status,
        "tags": Tag.objects.filter(workspace=request.workspace),
        "tag": tag,
        "q": query,
    }
    template = "clients/_client_rows.html" if request.htmx else "clients/client_list.html"
    return render(request, template, context)


def client_create(request: HttpRequest) -> HttpResponse:
    workspace = request.workspace
    instance = Client(workspace=workspace, language=workspace.language,
                      time_zone=workspace.time_zone)
    form = ClientForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            client = form.save()
            if form.cleaned_data["working_together"]:
                client.change_status(Client.Status.ACTIVE, by=request.user,
                                     reason=_("Already working together when added."))
        messages.success(request, _("Client “%(name)s” added.") % {"name": client.name})
        if back := return_to(request):  # e.g. the invoice form that sent us here
            return redirect(f"{back}{'&' if '?' in back else '?'}client={client.pk}")
        return redirect("clients:detail", client_pk=client.pk)
    return render(request, "clients/client_form.html",
                  {"form": form, "next": return_to(request)})



def client_edit(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    form = ClientForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()  # a new domain links its mail to the client (clients.services)
        messages.success(request, _("Client saved."))
        return redirect(return_to(request) or client.get_absolute_url())
    return render(request, "clients/client_form.html",
                  {"form": form, "client": client, "next": return_to(request)})


KEEP_INVOICES = _lazy(
    "Invoices exist for it, and issued invoices must be kept for eight years. "
    "Set the client to “former” instead."
)


def client_delete(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    if client.invoices.exists():
        messages.error(request, _("“%(name)s” cannot be deleted.") % {"name": client.name}
                       + " " + str(KEEP_INVOICES))
        return redirect(client)
    if request.method == "POST":
        name = client.name
        client.delete()
        messages.success(request, _("Client “%(name)s” deleted.") % {"name": name})
        return redirect("clients:list")
    return render(request, "clients/confirm_delete.html", {
        "client": client, "object": client,
        "consequence": _("All contacts, notes, projects and the status history of this client "
                         "are deleted too. This cannot be undone."),
    })


def client_detail(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    contacts = client.contacts.prefetch_related(
        Prefetch("emails")
    )
    return render(request, "clients/client_detail.html", {
        "client": client,
        "contacts": contacts,
        "confirmed_recipients": client.confirmed_recipients.order_by("address"),
        "projects": client.projects.all(),
        "invoices": client.invoices.prefetch_related("payments").order_by("-issue_date", "-pk"),
        "notes": client.notes.select_related("created_by"),
        "status_changes": client.status_changes.select_related("changed_by"),
        "note_form": NoteForm(),
        "status_form": StatusChangeForm(client),
    })


@require_POST
def client_status(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    form = StatusChangeForm(client, request.POST)
    if form.is_valid():
        try:
            form.save(by=request.user)
        except ValidationError:
            pass
        else:
            messages.success(request, _("Status changed to “%(status)s”.")
                             % {"status": client.get_status_display()})
            return redirect("clients:detail", client_pk=client.pk)
    return render(request, "clients/status_form.html", {"client": client, "form": form},
                  status=422)


def note_form(request: HttpRequest, client_pk: int, note_pk: int | None = None) -> HttpResponse:
    """Add or edit a note; with htmx the timeline is swapped in place."""
    client = _get_client(request, client_pk)
    note = (_get_owned(request, Note, client, note_pk) if note_pk
            else Note(workspace=request.workspace, client=client, created_by=request.user))
    form = NoteForm(request.POST or None, instance=note)
    if request.method == "POST" and form.is_valid():
        form.save()
        follow_up(client.workspace_id, [client.pk])
        if request.htmx and not note_pk:
            return render(request, "clients/_timeline.html", {
                "client": client, "notes": client.notes.select_related("created_by"),
                "note_form": NoteForm(), "saved": True,
            })
        messages.success(request, _("Note saved."))
        return redirect(f"{client.get_absolute_url()}#timeline")
    if request.htmx and not note_pk:
        return render(request, "clients/_timeline.html", {
            "client": client, "notes": client.notes.select_related("created_by"),
            "note_form": form,
        })
    return render(request, "clients/note_form.html", {"client": client, "form": form,
                                                       "note": note})


def note_delete(request: HttpRequest, client_pk: int, note_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    note = _get_owned(request, Note, client, note_pk)
    if request.method == "POST":
        note.delete()
        follow_up(client.workspace_id, [client.pk])
        messages.success(request, _("Note deleted."))
        return redirect("clients:detail", client_pk=client.pk)
    return render(request, "clients/confirm_delete.html", {
        "client": client, "object": note,
        "consequence": _("The note is removed from the timeline."),
    })


def contact_form(request: HttpRequest, client_pk: int,
                 contact_pk: int | None = None) -> HttpResponse:
    client = _get_client(request, client_pk)
    contact = (_get_owned(request, Contact, client, contact_pk) if contact_pk
               else Contact(workspace=request.workspace, client=client))
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()  # a new address links its mail to the client (clients.services)
        messages.success(request, _("Contact saved."))
        return redirect("clients:detail", client_pk=client.pk)
    return render(request, "clients/contact_form.html", {"client": client, "form": form,
                                                          "contact": contact})


def contact_delete(request: HttpRequest, client_pk: int, contact_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    contact = _get_owned(request, Contact, client, contact_pk)
    if request.method == "POST":
        contact.delete()
        messages.success(request, _("Contact deleted."))
        return redirect("clients:detail", client_pk=client.pk)
    return render(request, "clients/confirm_delete.html", {
        "client": client, "object": contact,
        "consequence": _("The contact and their email addresses are removed."),
    })


def confirmed_recipient_delete(request: HttpRequest, client_pk: int,
                               recipient_pk: int) -> HttpResponse:
    """Take back an address confirmed once for this client: mail to it needs a new
    confirmation from then on."""
    client = _get_client(request, client_pk)
    recipient = _get_owned(request, ConfirmedRecipient, client, recipient_pk)
    if request.method == "POST":
        recipient.delete()
        messages.success(request, _("“%(address)s” is no longer a confirmed address.")
                         % {"address": recipient.address})
        return redirect("clients:detail", client_pk=client.pk)
    return render(request, "clients/confirm_delete.html", {
        "client": client, "object": recipient,
        "question": _("Remove the confirmed address “%(address)s”?")
        % {"address": recipient.address},
        "confirm_label": _("Yes, remove"),
        "consequence": _("Mail from the app goes to this address again only after you "
                         "confirm it once more."),
    })


def project_form(request: HttpRequest, client_pk: int,
                 project_pk: int | None = None) -> HttpResponse:
    client = _get_client(request, client_pk)
    project = (_get_owned(request, Project, client, project_pk) if project_pk
               else Project(workspace=request.workspace, client=client,
                            currency=request.workspace.default_currency))
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Project saved."))
        return redirect("clients:detail", client_pk=client.pk)
    return render(request, "clients/project_form.html", {"client": client, "form": form,
                                                          "project": project})


def project_delete(request: HttpRequest, client_pk: int, project_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    project = _get_owned(request, Project, client, project_pk)
    if project.invoices.exists():
        messages.error(request, _("“%(name)s” cannot be deleted.") % {"name": project.name}
                       + " " + _("Invoices exist for it; set its status to “completed” or "
                                 "“cancelled” instead."))
        return redirect(client)
    if request.method == "POST":
        project.delete()
        messages.success(request, _("Project deleted."))
        return redirect("clients:detail", client_pk=client.pk)
    return render(request, "clients/confirm_delete.html", {
        "client": client, "object": project,
        "consequence": _("The project is removed from this client."),
    })
