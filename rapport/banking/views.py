"""The bank pages: upload, imports, statements, transactions, CSV mappings and DATEV.

Every query goes through request.workspace; the work itself is in `importing`, `jobs` and
`datev`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.banking import datev, jobs
from rapport.banking.forms import (
    CsvMappingForm,
    DatevExportForm,
    DatevSettingsForm,
    TransactionFilterForm,
    UploadForm,
)
from rapport.banking.models import BankImport, BankStatement, BankTransaction, CsvMapping
from rapport.banking.parsers.presets import PRESETS
from rapport.core import clock

PAGE_SIZE = 50


def index(request: HttpRequest, upload_form: UploadForm | None = None) -> HttpResponse:
    workspace = request.workspace
    runs = list(BankImport.objects.filter(workspace=workspace)[:5])
    for run in runs:
        run.stuck = jobs.is_stuck(run)
    return render(request, "banking/index.html", {
        "upload_form": upload_form or UploadForm(workspace),
        "runs": runs,
        "statements": BankStatement.objects.filter(workspace=workspace)
        .select_related("imported_by")[:10],
        "counts": {row["status"]: row["n"] for row in BankTransaction.objects.filter(
            workspace=workspace).values("status").annotate(n=Count("pk"))},
        "recent": BankTransaction.objects.filter(workspace=workspace)[:10],
        "presets": list(PRESETS),
    })


@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.workspace, request.POST, request.FILES,
                      too_large=getattr(request, "upload_too_large", False))
    if not form.is_valid():
        return index(request, upload_form=form)
    mapping, preset = form.choice()
    run = jobs.save_upload(request.workspace, form.cleaned_data["file"], user=request.user,
                           mapping=mapping, preset=preset)
    jobs.queue(run)
    messages.success(request, _("“%(name)s” is being imported.") % {"name": run.file_name})
    return redirect("banking:index")


def import_progress(request: HttpRequest, bank_import_pk: int) -> HttpResponse:
    run = get_object_or_404(BankImport, workspace=request.workspace, pk=bank_import_pk)
    run.stuck = jobs.is_stuck(run)
    response = render(request, "banking/_import.html", {"run": run})
    if run.state == BankImport.State.DONE and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # new statement and transactions: the whole page
    return response


@require_POST
def import_retry(request: HttpRequest, bank_import_pk: int) -> HttpResponse:
    run = get_object_or_404(BankImport, workspace=request.workspace, pk=bank_import_pk)
    if jobs.retry(run):
        messages.success(request, _("“%(name)s” is queued again.") % {"name": run.file_name})
    return redirect("banking:index")


def transactions(request: HttpRequest) -> HttpResponse:
    form = TransactionFilterForm(request.GET or None)
    rows = BankTransaction.objects.filter(workspace=request.workspace).select_related(
        "statement")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            rows = rows.filter(status=data["status"])
        if data["date_from"]:
            rows = rows.filter(booking_date__gte=data["date_from"])
        if data["date_to"]:
            rows = rows.filter(booking_date__lte=data["date_to"])
        if data["q"]:
            text = data["q"].strip()
            compact = "".join(text.split()).upper()
            rows = rows.filter(Q(counterparty_name__icontains=text) | Q(purpose__icontains=text)
                               | Q(counterparty_iban__icontains=compact)
                               | Q(end_to_end_id__icontains=text)
                               | Q(bank_reference__icontains=text))
    statement_pk = request.GET.get("statement", "")
    if statement_pk.isdigit():
        rows = rows.filter(statement_id=int(statement_pk))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(request, "banking/transactions.html", {
        "form": form, "page": page, "query": urlencode(query),
    })


def mappings(request: HttpRequest) -> HttpResponse:
    return render(request, "banking/mappings.html", {
        "mappings": CsvMapping.objects.filter(workspace=request.workspace),
        "presets": PRESETS.values(),
    })


def mapping_edit(request: HttpRequest, mapping_pk: int | None = None) -> HttpResponse:
    mapping = (get_object_or_404(CsvMapping, workspace=request.workspace, pk=mapping_pk)
               if mapping_pk else CsvMapping(workspace=request.workspace))
    form = CsvMappingForm(request.POST or None, instance=mapping, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Column mapping “%(name)s” saved.") % {
            "name": mapping.name})
        return redirect("banking:mappings")
    return render(request, "banking/mapping_form.html", {"form": form, "mapping": mapping})


@require_POST
def mapping_delete(request: HttpRequest, mapping_pk: int) -> HttpResponse:
    mapping = get_object_or_404(CsvMapping, workspace=request.workspace, pk=mapping_pk)
    mapping.delete()
    messages.success(request, _("Column mapping “%(name)s” deleted.") % {"name": mapping.name})
    return redirect("banking:mappings")


def datev_settings(request: HttpRequest) -> HttpResponse:
    settings = datev.settings_for(request.workspace)
    form = DatevSettingsForm(request.POST or None, instance=settings)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("DATEV settings saved."))
        return redirect("banking:datev_export")
    defaults = datev.DEFAULT_ACCOUNTS
    return render(request, "banking/datev_settings.html", {"form": form, "defaults": defaults})


def datev_export(request: HttpRequest) -> HttpResponse:
    settings = datev.settings_for(request.workspace)
    today = clock.today()
    start = datev.fiscal_year_start(today, settings.fiscal_year_start_month)
    form = DatevExportForm(request.GET or None, start_month=settings.fiscal_year_start_month,
                           initial={"date_from": start, "date_to": today})
    if request.GET and form.is_valid():
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        content = datev.export_csv(request.workspace, date_from, date_to)
        response = HttpResponse(content, content_type="text/csv; charset=windows-1252")
        response["Content-Disposition"] = (
            f'attachment; filename="{datev.file_name(date_from, date_to)}"')
        return response
    return render(request, "banking/datev_export.html", {
        "form": form, "settings": settings, "saved": bool(settings.pk),
        "accounts": {field: datev.account(settings, field)
                     for field in datev.DEFAULT_ACCOUNTS[settings.chart]},
        "action": reverse("banking:datev_export"),
    })
