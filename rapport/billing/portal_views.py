"""The client portal: one invoice behind a random token, no account needed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache

from rapport.accounts.middleware import for_reader
from rapport.billing import services
from rapport.billing.models import InvoiceEvent, PortalLink
from rapport.billing.views import _pdf_response, _xml_response
from rapport.core import clock
from rapport.core.middleware import workspace_optional
from rapport.notifications.services import on_invoice_viewed


def _usable_link(token: str) -> PortalLink:
    link = (PortalLink.objects.select_related("invoice", "invoice__client")
            .filter(token=token).first())
    if link is None or not link.is_usable() or link.invoice.is_draft:
        raise Http404
    return link


def _record_first_view(link: PortalLink) -> bool:
    """The first view is a fact the freelancer cares about ("viewed on …")."""
    now = clock.now()
    if PortalLink.objects.filter(pk=link.pk, first_viewed_at__isnull=True).update(
        first_viewed_at=now
    ):
        InvoiceEvent.objects.create(workspace=link.workspace, invoice=link.invoice,
                                    kind=InvoiceEvent.Kind.VIEWED, at=now)
        return True
    return False


@never_cache
@login_not_required
@workspace_optional
def invoice(request: HttpRequest, token: str) -> HttpResponse:
    link = _usable_link(token)
    if _record_first_view(link) and not request.user.is_authenticated:
        on_invoice_viewed(link.invoice, base_url=request.build_absolute_uri("/"))
    inv = link.invoice
    with translation.override(for_reader(inv.language, request)):
        response = render(request, "billing/portal_invoice.html", {
            "invoice": inv, "link": link, "lines": inv.lines.all(),
            "totals": services.totals(inv), "portal": True,
        })
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@login_not_required
@workspace_optional
def invoice_pdf(request: HttpRequest, token: str) -> HttpResponse:
    link = _usable_link(token)
    _record_first_view(link)
    return _pdf_response(link.invoice)


@never_cache
@login_not_required
@workspace_optional
def invoice_xml(request: HttpRequest, token: str) -> HttpResponse:
    link = _usable_link(token)
    return _xml_response(link.invoice, request.GET.get("flavour", "factur-x"))
