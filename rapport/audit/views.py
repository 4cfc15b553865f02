"""The workspace's audit log: read, filter, export."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rapport.audit import export
from rapport.audit.forms import AuditFilterForm
from rapport.audit.texts import as_row
from rapport.core import clock, listfilters


def index(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    criteria = listfilters.chosen(form)
    entries = export.filtered(request.workspace.pk, criteria.get("date_from"),
                              criteria.get("date_to"), criteria.get("object_type") or "")
    page = Paginator(entries.order_by("-at", "-pk"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/index.html", {
        "form": form, "page": page, "rows": [as_row(e) for e in page.object_list],
        "query": query.urlencode(),
    })


def download(request: HttpRequest, fmt: str) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return index(request)
    criteria = form.cleaned_data if form.is_bound else {}
    entries = export.filtered(request.workspace.pk, criteria.get("date_from"),
                              criteria.get("date_to"), criteria.get("object_type") or "")
    stamp = clock.today().isoformat()
    if fmt == "json":
        body, content_type = export.as_json(entries), "application/json"
    else:
        body, content_type = export.as_csv(entries), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.{fmt}"'
    return response
