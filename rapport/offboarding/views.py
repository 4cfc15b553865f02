"""Offboarding pages. Every object is fetched through the request's workspace (404 otherwise)."""

from __future__ import annotations

import io
import smtplib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.billing.services import image_data_uri
from rapport.clients.models import Client
from rapport.core import clock
from rapport.health.forms import SendScriptForm
from rapport.health.scripts import recipients
from rapport.offboarding import checklist
from rapport.offboarding import handover as handover_lib
from rapport.offboarding import personal_data as data
from rapport.offboarding.forms import (
    EraseForm,
    ProcedureForm,
    ScreenshotForm,
    TickForm,
)
from rapport.offboarding.markdown import to_html
from rapport.offboarding.models import ChecklistItem, Erasure, Procedure, Screenshot


def _get_client(request: HttpRequest, pk: int) -> Client:
    return get_object_or_404(Client, workspace=request.workspace, pk=pk)


def _get_item(request: HttpRequest, client: Client, pk: int) -> ChecklistItem:
    return get_object_or_404(ChecklistItem, workspace=request.workspace, client=client, pk=pk)


def _get_procedure(request: HttpRequest, client: Client, pk: int) -> Procedure:
    return get_object_or_404(Procedure, workspace=request.workspace, client=client, pk=pk)


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


def checklist_page(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    offboarding = checklist.current(client)
    items = list(offboarding.items.all()) if offboarding else []
    rows = [{"item": item, "text": checklist.describe(item), "hint": checklist.hint(item),
             "can_do": item.kind in checklist.AUTOMATIC,
             "invoice_pk": item.params.get("invoice")} for item in items]
    return render(request, "offboarding/checklist.html", {
        "client": client, "offboarding": offboarding, "rows": rows,
        "open_count": sum(1 for item in items if item.is_open),
        "can_start": client.status in checklist.STARTABLE,
        "past": client.offboardings.filter(finished_at__isnull=False),
    })


def start(request: HttpRequest, client_pk: int) -> HttpResponse:
    """A confirmation page, then the client is offboarding and has its checklist."""
    client = _get_client(request, client_pk)
    if request.method == "POST":
        try:
            checklist.start(client, by=request.user)
        except ValidationError as error:
            _errors(request, error)
            return redirect(client)
        messages.success(request, _("Offboarding started; the checklist is ready."))
        return redirect("offboarding:checklist", client_pk=client.pk)
    return render(request, "offboarding/start.html", {
        "client": client, "can_start": client.status in checklist.STARTABLE})


@require_POST
def refresh(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    offboarding = checklist.current(client)
    if offboarding:
        added = checklist.generate(offboarding)
        messages.success(request, _("Checklist updated: %(count)s new items.")
                         % {"count": added})
    return redirect("offboarding:checklist", client_pk=client.pk)


@require_POST
def finish(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    offboarding = checklist.current(client)
    if offboarding is None:
        return redirect("offboarding:checklist", client_pk=client.pk)
    try:
        checklist.finish(offboarding, by=request.user)
    except ValidationError as error:
        _errors(request, error)
        return redirect("offboarding:checklist", client_pk=client.pk)
    messages.success(request, _("Offboarding finished: %(name)s is now a former client.")
                     % {"name": client.name})
    return redirect(client)


@require_POST
def item_tick(request: HttpRequest, client_pk: int, item_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    item = _get_item(request, client, item_pk)
    form = TickForm(request.POST)
    form.is_valid()
    try:
        checklist.tick(item, form.cleaned_data.get("note", ""))
    except ValidationError as error:
        _errors(request, error)
    return redirect("offboarding:checklist", client_pk=client.pk)


@require_POST
def item_skip(request: HttpRequest, client_pk: int, item_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    item = _get_item(request, client, item_pk)
    try:
        checklist.skip(item, request.POST.get("reason", ""))
    except ValidationError as error:
        _errors(request, error)
    return redirect("offboarding:checklist", client_pk=client.pk)


@require_POST
def item_reopen(request: HttpRequest, client_pk: int, item_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    checklist.reopen(_get_item(request, client, item_pk))
    return redirect("offboarding:checklist", client_pk=client.pk)


@require_POST
def item_do(request: HttpRequest, client_pk: int, item_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    item = _get_item(request, client, item_pk)
    if item.kind == ChecklistItem.Kind.HANDOVER_LETTER:
        return redirect("offboarding:letter", client_pk=client.pk)
    try:
        messages.success(request, checklist.do(item))
    except ValidationError as error:
        _errors(request, error)
    return redirect("offboarding:checklist", client_pk=client.pk)


# --- the handover document -----------------------------------------------------------------


def handover(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    form = ProcedureForm(request.POST or None, instance=Procedure(
        workspace=request.workspace, client=client, position=client.procedures.count() + 1))
    if request.method == "POST" and form.is_valid():
        procedure = form.save()
        messages.success(request, _("Procedure added; add screenshots to it below."))
        return redirect("offboarding:procedure_edit", client_pk=client.pk,
                        procedure_pk=procedure.pk)
    return render(request, "offboarding/handover.html", {
        "client": client, "form": form,
        "procedures": [(p, to_html(p.steps)) for p in
                       client.procedures.prefetch_related("screenshots")],
    })


def procedure_edit(request: HttpRequest, client_pk: int, procedure_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    procedure = _get_procedure(request, client, procedure_pk)
    form = ProcedureForm(None, instance=procedure)
    shot_form = ScreenshotForm(None)
    if request.method == "POST" and "image" in request.FILES:
        shot_form = ScreenshotForm(request.POST, request.FILES, instance=Screenshot(
            workspace=request.workspace, client=client, procedure=procedure))
        if shot_form.is_valid():
            shot_form.save()
            messages.success(request, _("Screenshot added."))
            return redirect("offboarding:procedure_edit", client_pk=client.pk,
                            procedure_pk=procedure.pk)
    elif request.method == "POST" and "title" in request.POST:
        form = ProcedureForm(request.POST, instance=procedure)
        if form.is_valid():
            form.save()
            messages.success(request, _("Procedure saved."))
            return redirect("offboarding:handover", client_pk=client.pk)
    elif request.method == "POST":
        shot_form = ScreenshotForm(request.POST, request.FILES)
        shot_form.is_valid()  # shows what is missing, typed caption kept
    return render(request, "offboarding/procedure_form.html", {
        "client": client, "procedure": procedure, "form": form, "shot_form": shot_form,
        "steps_html": to_html(procedure.steps),
        # Uploads are not served by URL; the page shows them as data URIs.
        "shots": [(shot, image_data_uri(shot.image)) for shot in procedure.screenshots.all()],
    })


def procedure_delete(request: HttpRequest, client_pk: int, procedure_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    procedure = _get_procedure(request, client, procedure_pk)
    if request.method == "POST":
        for shot in procedure.screenshots.all():
            shot.image.delete(save=False)
        procedure.delete()
        messages.success(request, _("Procedure deleted."))
        return redirect("offboarding:handover", client_pk=client.pk)
    return render(request, "clients/confirm_delete.html", {
        "client": client, "object": procedure,
        "consequence": _("Its steps and screenshots are deleted too. This cannot be undone."),
    })


@require_POST
def screenshot_delete(request: HttpRequest, client_pk: int, procedure_pk: int,
                      screenshot_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    procedure = _get_procedure(request, client, procedure_pk)
    shot = get_object_or_404(Screenshot, workspace=request.workspace, procedure=procedure,
                             pk=screenshot_pk)
    shot.image.delete(save=False)
    shot.delete()
    messages.success(request, _("Screenshot deleted."))
    return redirect("offboarding:procedure_edit", client_pk=client.pk,
                    procedure_pk=procedure.pk)


def handover_pdf(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    return HttpResponse(handover_lib.render_pdf(client), content_type="application/pdf",
                        headers={"Content-Disposition":
                                 f'inline; filename="{handover_lib.document_name(client)}"'})


def letter(request: HttpRequest, client_pk: int) -> HttpResponse:
    """The handover letter in the client's language, with the PDF attached when sent."""
    client = _get_client(request, client_pk)
    if request.method == "POST":
        form = SendScriptForm(request.POST)
        if form.is_valid():
            try:
                handover_lib.send_letter(client, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            except (smtplib.SMTPException, OSError) as error:
                messages.error(request, _("Could not send the message: %(error)s")
                               % {"error": error})
            else:
                _close_letter_item(client)
                messages.success(request, _("Handover letter sent with the handover "
                                            "document attached."))
                return redirect("offboarding:checklist", client_pk=client.pk)
    else:
        subject, body = handover_lib.letter(client, request.user.get_full_name())
        form = SendScriptForm(initial={"to": ", ".join(recipients(client)),
                                       "subject": subject, "body": body})
    for name in ("subject", "body"):  # the letter is in the client's language
        form.fields[name].widget.attrs["lang"] = client.language
    return render(request, "offboarding/letter.html", {
        "client": client, "form": form, "attachment": handover_lib.document_name(client)})


def _close_letter_item(client: Client) -> None:
    offboarding = checklist.current(client)
    item = offboarding and offboarding.items.filter(
        kind=ChecklistItem.Kind.HANDOVER_LETTER, state=ChecklistItem.State.OPEN).first()
    if item:
        item.state, item.done_by_rapport, item.closed_at = (
            ChecklistItem.State.DONE, True, clock.now())
        item.save(update_fields=["state", "done_by_rapport", "closed_at"])


# --- personal data ---------------------------------------------------------------------------


def personal_data(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    return render(request, "offboarding/personal_data.html", {
        "client": client, "erasure": Erasure.objects.filter(client=client).first(),
        "form": EraseForm(), "retention_years": data.RETENTION_YEARS,
        "issued_count": client.invoices.exclude(state="draft").count(),
    })


def personal_data_export(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    buffer = io.BytesIO()
    data.export_zip(client, buffer)
    buffer.seek(0)
    name = f"personal-data-{slugify(client.name) or client.pk}.zip"
    return FileResponse(buffer, as_attachment=True, filename=name,
                        content_type="application/zip")


def erase(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    if request.method != "POST":
        return redirect("offboarding:personal_data", client_pk=client.pk)
    form = EraseForm(request.POST)
    if form.is_valid() and not data.name_matches(client, form.cleaned_data["name"]):
        form.add_error("name", _("That is not the client's name; nothing was erased."))
    if form.is_valid():
        try:
            data.erase(client, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The client's personal data is erased. Issued "
                                        "invoices are kept until their retention period "
                                        "ends, then anonymised."))
            return redirect("offboarding:personal_data", client_pk=client.pk)
    return render(request, "offboarding/personal_data.html", {
        "client": client, "erasure": None, "form": form,
        "retention_years": data.RETENTION_YEARS,
        "issued_count": client.invoices.exclude(state="draft").count(),
    }, status=422)
