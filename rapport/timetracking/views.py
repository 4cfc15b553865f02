"""Time pages: the header timer, the entry list, manual entries, invoicing, imports.
Everything goes through request.workspace."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from rapport.clients.models import Client, Project
from rapport.core import clock, listfilters
from rapport.core.paging import paginate
from rapport.timetracking import entries as entry_list
from rapport.timetracking import hours, imports, invoicing, timer
from rapport.timetracking.durations import as_clock
from rapport.timetracking.forms import (
    EntryForm,
    FilterForm,
    ImportUploadForm,
    InvoiceTimeForm,
    TimerStartForm,
    TimeSettingsForm,
    client_choices,
)
from rapport.timetracking.models import TimeEntry, TimeImport, TimeSettings

PAGE_SIZE = 50


def _back(request: HttpRequest, default: str = "") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                   require_https=request.is_secure()):
        return target
    return default or reverse("timetracking:index")


# -- the timer -------------------------------------------------------------------------

def timer_start(request: HttpRequest) -> HttpResponse:
    """Start from the header (or, without a client chosen there, from this page)."""
    form = TimerStartForm(request.workspace, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            timer.start(request.workspace, request.user, form.cleaned_data["client"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(_back(request))
    return render(request, "timetracking/timer_start.html",
                  {"form": form, "next": _back(request)})


def timer_clients(request: HttpRequest) -> HttpResponse:
    """The header select's options, loaded when it is first used."""
    return render(request, "timetracking/_timer_options.html",
                  {"clients": client_choices(request.workspace)})


@require_POST
def timer_stop(request: HttpRequest) -> HttpResponse:
    entry = timer.stop(None, request.user)  # wherever it runs: one per person
    if entry is None:
        messages.info(request, _("No timer was running."))
    else:
        messages.success(request, _("Stopped: %(duration)s h for %(client)s.")
                         % {"duration": as_clock(entry.minutes), "client": entry.client.name})
    return redirect(_back(request))


# -- the list --------------------------------------------------------------------------

def index(request: HttpRequest) -> HttpResponse:
    workspace = request.workspace
    form = FilterForm(workspace, request.GET or None)
    filters = listfilters.chosen(form)
    entries = entry_list.filtered(workspace, filters)
    page = paginate(request, entries, PAGE_SIZE)
    client = filters.get("client")
    unbilled = (invoicing.unbilled(workspace, client) if client else None)
    automatic = None
    if client:
        since = filters.get("since") or dt.date(2000, 1, 1)
        until = (filters.get("until") or clock.today()) + dt.timedelta(days=1)
        automatic = hours.automatic_minutes(workspace, client.pk, since, until)
    return render(request, "timetracking/index.html", {
        "form": form, "page": page,
        "totals": entry_list.totals_by_category(entries),
        "summary": entry_list.billable_summary(entries),
        "automatic": automatic, "client": client,
        "unbilled_count": unbilled.count() if unbilled is not None else 0,
    })


def _entry(request: HttpRequest, pk: int) -> TimeEntry:
    return get_object_or_404(TimeEntry.objects.select_related("invoice_line__invoice"),
                             workspace=request.workspace, pk=pk)


def _locked(request: HttpRequest, entry: TimeEntry) -> HttpResponse | None:
    """Time on an invoice is fixed: the invoice says what it says."""
    if entry.billing_state == "unbilled":
        return None
    invoice = entry.invoice_line.invoice
    if invoice.is_draft:
        messages.error(request, _("This time is on the draft invoice for %(client)s. Delete "
                                  "the draft (or this line) to change it.")
                       % {"client": entry.client.name})
    else:
        messages.error(request, _("This time is billed on invoice %(number)s and cannot be "
                                  "changed.") % {"number": invoice.number})
    return redirect(invoice)


def entry_new(request: HttpRequest) -> HttpResponse:
    instance = TimeEntry(workspace=request.workspace, user=request.user,
                         source=TimeEntry.Source.MANUAL)
    initial = {}
    if request.GET.get("client"):
        initial["client"] = request.GET["client"]
    form = EntryForm(request.workspace, request.POST or None, instance=instance,
                     initial=initial)
    if request.method == "POST" and form.is_valid():
        entry = form.save()
        messages.success(request, _("Saved %(duration)s h for %(client)s.")
                         % {"duration": as_clock(entry.minutes), "client": entry.client.name})
        return redirect(_back(request))
    return render(request, "timetracking/entry_form.html", {"form": form, "next": _back(request)})


def entry_edit(request: HttpRequest, time_entry_pk: int) -> HttpResponse:
    entry = _entry(request, time_entry_pk)
    if (locked := _locked(request, entry)) is not None:
        return locked
    form = EntryForm(request.workspace, request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Time entry saved."))
        return redirect(_back(request))
    return render(request, "timetracking/entry_form.html",
                  {"form": form, "entry": entry, "next": _back(request)})


def entry_delete(request: HttpRequest, time_entry_pk: int) -> HttpResponse:
    entry = _entry(request, time_entry_pk)
    if (locked := _locked(request, entry)) is not None:
        return locked
    if request.method == "POST":
        entry.delete()
        messages.success(request, _("Time entry deleted."))
        return redirect(_back(request))
    return render(request, "timetracking/entry_delete.html",
                  {"entry": entry, "next": _back(request)})


# -- invoicing -------------------------------------------------------------------------

def invoice_time(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = get_object_or_404(Client, workspace=request.workspace, pk=client_pk)
    entries = list(invoicing.unbilled(request.workspace, client))
    form = InvoiceTimeForm(request.POST or None,
                           initial={"hourly_rate": invoicing.default_rate(client)})
    if request.method == "POST" and form.is_valid():
        try:
            invoice = invoicing.invoice_unbilled_time(
                request.workspace, client, group_by=form.cleaned_data["group_by"],
                hourly_rate=form.cleaned_data["hourly_rate"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            count = TimeEntry.objects.filter(invoice_line__invoice=invoice).count()
            messages.success(request, ngettext(
                "%(count)d time entry is on this draft invoice.",
                "%(count)d time entries are on this draft invoice.", count,
            ) % {"count": count})
            return redirect(invoice)
    needs_rate = any(e.project is None or e.project.rate_type != Project.RateType.HOURLY
                     for e in entries)
    return render(request, "timetracking/invoice.html", {
        "client": client, "entries": entries, "form": form, "needs_rate": needs_rate,
        "minutes": sum(e.minutes for e in entries),
    })


# -- settings --------------------------------------------------------------------------

def settings_view(request: HttpRequest) -> HttpResponse:
    instance = TimeSettings.for_workspace(request.workspace)
    form = TimeSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Time tracking settings saved."))
        return redirect("timetracking:settings")
    return render(request, "timetracking/settings.html", {"form": form})


# -- imports ---------------------------------------------------------------------------

def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None,
                            too_large=getattr(request, "upload_too_large", False))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # Uploads left unfinished for a day are not coming back: keep no stale copies.
        TimeImport.objects.filter(workspace=request.workspace,
                                  created_at__lt=clock.now() - dt.timedelta(days=1)).delete()
        pending = TimeImport.objects.create(
            workspace=request.workspace, source=form.cleaned_data["format"],
            file_name=(upload.name or "")[:255], content=upload.read(),
            created_by=request.user,
        )
        return redirect("timetracking:import_review", time_import_pk=pending.pk)
    return render(request, "timetracking/import_upload.html", {"form": form})


def _pending(request: HttpRequest, pk: int) -> TimeImport:
    return get_object_or_404(TimeImport, workspace=request.workspace, pk=pk)


def import_columns(request: HttpRequest, time_import_pk: int) -> HttpResponse:
    """The column mapping of a generic CSV: which column holds what."""
    pending = _pending(request, time_import_pk)
    try:
        header, _rows = imports.read_table(bytes(pending.content))
    except imports.ImportFileError as error:
        return render(request, "timetracking/import_review.html",
                      {"pending": pending, "file_error": str(error)})
    current = pending.columns or imports.guess_mapping(header)
    if request.method == "POST":
        pending.columns = {name: request.POST.get(name, "") for name in imports.FIELDS
                           if request.POST.get(name, "") in header}
        pending.save(update_fields=["columns"])
        return redirect("timetracking:import_review", time_import_pk=pending.pk)
    fields = [{"name": name, "label": label, "current": current.get(name, ""),
               "required": name in imports.REQUIRED} for name, label in imports.FIELDS.items()]
    return render(request, "timetracking/import_columns.html",
                  {"pending": pending, "header": header, "fields": fields})


def import_review(request: HttpRequest, time_import_pk: int) -> HttpResponse:
    pending = _pending(request, time_import_pk)
    workspace = request.workspace
    if pending.source == TimeEntry.Source.CSV and not pending.columns:
        return redirect("timetracking:import_columns", time_import_pk=pending.pk)
    context: dict[str, object] = {"pending": pending}
    try:
        parsed = imports.parse(pending.source, bytes(pending.content),
                               zone=ZoneInfo(workspace.time_zone), mapping=pending.columns)
    except imports.ImportFileError as error:
        context["file_error"] = str(error)
        return render(request, "timetracking/import_review.html", context)
    names = imports.match_names(workspace, parsed.rows)
    clients = list(Client.objects.filter(workspace=workspace))
    projects = list(Project.objects.filter(workspace=workspace).select_related("client")
                    .order_by("client__name", "name"))
    unknown_clients = [{"name": name, "field": f"client-{i}",
                        "rows": sum(1 for r in parsed.rows if r.client == name)}
                       for i, name in enumerate(names.unknown_clients)]
    unknown_projects = [{"client": c, "name": p, "field": f"project-{i}"}
                        for i, (c, p) in enumerate(names.unknown_projects)]
    context.update(parsed=parsed, clients=clients, projects=projects,
                   unknown_clients=unknown_clients, unknown_projects=unknown_projects,
                   minutes=sum(r.minutes for r in parsed.rows))
    if request.method == "POST" and not parsed.problems:
        client_map = {u["name"]: request.POST.get(u["field"], "") for u in unknown_clients}
        project_map = {(u["client"], u["name"]): request.POST.get(u["field"], "")
                       for u in unknown_projects}
        context["chosen"] = request.POST
        try:
            result = imports.run_import(workspace, pending.source, parsed.rows, names,
                                        user=request.user, client_map=client_map,
                                        project_map=project_map)
        except imports.MappingError as error:
            context["mapping_errors"] = error.messages
        else:
            pending.delete()
            messages.success(request, _(
                "Import finished: %(imported)d new entries, %(duplicates)d already imported, "
                "%(skipped)d skipped as you chose.") % {
                "imported": result.imported, "duplicates": result.duplicates,
                "skipped": result.skipped})
            return redirect("timetracking:index")
    return render(request, "timetracking/import_review.html", context)
