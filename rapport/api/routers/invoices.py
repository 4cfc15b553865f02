"""Invoices and payments. Every change goes through `rapport.billing.services`: numbering,
the checks before issuing and the follow-up of payments stay in one place."""


import datetime as dt
import io
from typing import Literal

from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest
from ninja import Router
from ninja.pagination import paginate
from ninja.responses import Status

from rapport.api import auth
from rapport.api.common import ERRORS, get_owned, narrowed, workspace_of
from rapport.api.errors import ApiError
from rapport.api.pagination import Pagination
from rapport.api.schemas import InvoiceIn, InvoiceOut, PaymentIn, PaymentOut
from rapport.billing import services
from rapport.billing.documents import einvoice_xml, render_pdf
from rapport.billing.models import Invoice, InvoiceLine, Payment
from rapport.clients.models import Client, Project

router = Router(tags=["invoices"])

State = Literal["draft", "issued", "cancelled"]
PaymentStatus = Literal["draft", "open", "partially_paid", "paid", "overdue", "cancelled"]
Flavour = Literal["factur-x", "xrechnung"]


def _invoices(request: HttpRequest):
    return (Invoice.objects.filter(workspace=workspace_of(request))
            .prefetch_related("payments", Prefetch("lines", InvoiceLine.objects
                                                   .select_related("invoice"))))


def _issued(request: HttpRequest, invoice_id: int) -> Invoice:
    invoice = get_owned(request, Invoice, invoice_id)
    if invoice.is_draft:
        raise ApiError(409, "draft", "A draft has no documents yet; issue it first.")
    return invoice


@router.get("/invoices", response={200: list[InvoiceOut], **ERRORS}, summary="List invoices")
@paginate(Pagination)
def list_invoices(request: HttpRequest, state: State | None = None,
                  payment_status: PaymentStatus | None = None, client_id: int | None = None,
                  issued_from: dt.date | None = None, issued_until: dt.date | None = None):
    invoices = _invoices(request).order_by("-issue_date", "-pk")
    invoices = narrowed(invoices, state=state, client_id=client_id,
                        issue_date__gte=issued_from, issue_date__lte=issued_until)
    if payment_status:  # computed from payments and today's date, as on the invoice list
        invoices = invoices.with_status(payment_status)
    return invoices


@router.get("/invoices/{invoice_id}", response={200: InvoiceOut, **ERRORS},
            summary="Get an invoice")
def get_invoice(request: HttpRequest, invoice_id: int):
    return get_owned(request, Invoice, invoice_id)


@router.post("/invoices", response={201: InvoiceOut, **ERRORS}, auth=auth.write,
             summary="Create a draft invoice with lines")
def create_draft(request: HttpRequest, payload: InvoiceIn):
    workspace = workspace_of(request)
    client = get_owned(request, Client, payload.client_id)
    project = None
    if payload.project_id is not None:
        project = get_owned(request, Project, payload.project_id)
        if project.client_id != client.pk:
            raise ApiError(422, "invalid", "The project belongs to another client.")
    with transaction.atomic():
        invoice = services.new_draft(workspace, client, project=project,
                                     currency=payload.currency)
        if payload.service_start or payload.service_end:
            invoice.service_start = payload.service_start
            invoice.service_end = payload.service_end
            invoice.save(update_fields=["service_start", "service_end"])
        for line in payload.lines:
            services.add_line(invoice, line.description, line.quantity, line.unit_price,
                              unit=line.unit, vat_rate=line.vat_rate)
    return Status(201, get_owned(request, Invoice, invoice.pk))


@router.post("/invoices/{invoice_id}/issue", response={200: InvoiceOut, **ERRORS},
             auth=auth.write, summary="Issue a draft: number, date and freeze it")
def issue_invoice(request: HttpRequest, invoice_id: int):
    invoice = get_owned(request, Invoice, invoice_id)
    if not invoice.is_draft:
        raise ApiError(409, "already_issued", "This invoice has been issued already.")
    services.issue(invoice)
    return get_owned(request, Invoice, invoice.pk)


_PDF = {200: {"description": "The invoice as PDF/A-3 with the embedded Factur-X XML",
              "content": {"application/pdf": {"schema": {"type": "string",
                                                         "format": "binary"}}}}}
_XML = {200: {"description": "The e-invoice (CII for Factur-X, or XRechnung)",
              "content": {"application/xml": {"schema": {"type": "string"}}}}}


@router.get("/invoices/{invoice_id}/pdf", response=ERRORS,
            openapi_extra={"responses": _PDF}, summary="Download the PDF")
def invoice_pdf(request: HttpRequest, invoice_id: int):
    invoice = _issued(request, invoice_id)
    return FileResponse(io.BytesIO(render_pdf(invoice)), content_type="application/pdf",
                        as_attachment=True, filename=f"{invoice.number}.pdf")


@router.get("/invoices/{invoice_id}/xml", response=ERRORS,
            openapi_extra={"responses": _XML}, summary="Download the e-invoice XML")
def invoice_xml(request: HttpRequest, invoice_id: int, flavour: Flavour = "factur-x"):
    invoice = _issued(request, invoice_id)
    suffix = "-xrechnung" if flavour == "xrechnung" else ""
    return FileResponse(io.BytesIO(einvoice_xml(invoice, flavour)),
                        content_type="application/xml", as_attachment=True,
                        filename=f"{invoice.number}{suffix}.xml")


@router.get("/payments", response={200: list[PaymentOut], **ERRORS}, summary="List payments")
@paginate(Pagination)
def list_payments(request: HttpRequest, invoice_id: int | None = None,
                  client_id: int | None = None, paid_from: dt.date | None = None,
                  paid_until: dt.date | None = None):
    payments = (Payment.objects.filter(workspace=workspace_of(request))
                .select_related("invoice").order_by("-paid_on", "-pk"))
    return narrowed(payments, invoice_id=invoice_id, invoice__client_id=client_id,
                    paid_on__gte=paid_from, paid_on__lte=paid_until)


@router.post("/payments", response={201: PaymentOut, **ERRORS}, auth=auth.write,
             summary="Record a payment on an issued invoice")
def record_payment(request: HttpRequest, payload: PaymentIn):
    invoice = get_owned(request, Invoice, payload.invoice_id)
    payment = services.record_payment(invoice, payload.amount, payload.paid_on, payload.note)
    return Status(201, payment)
