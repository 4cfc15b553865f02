"""Invoice pages. Every object is fetched through the request's workspace (404 otherwise)."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from rapport.billing import filters, portal, regime, services
from rapport.billing.forms import (
    BillingSettingsForm,
    DeliverableForm,
    ExportForm,
    InvoiceForm,
    InvoiceMailForm,
    LineFormSet,
    NewInvoiceForm,
    PaymentForm,
    SendForm,
)
from rapport.billing.models import Deliverable, Invoice, Payment, PortalLink
from rapport.billing.portal import PORTAL_LINK_DAYS
from rapport.billing.positions import save_draft_lines
from rapport.clients.models import Project
from rapport.core import clock, listfilters
from rapport.core.navigation import return_to
from rapport.core.paging import paginate


def _get_invoice(request: HttpRequest, pk: int) -> Invoice:
    return get_object_or_404(
        Invoice.objects.select_related("client", "project"), workspace=request.workspace, pk=pk
    )


def _get_project(request: HttpRequest, pk: int) -> Project:
    return get_object_or_404(Project.objects.select_related("client"),
                             workspace=request.workspace, pk=pk)


def _messages_from(request: HttpRequest, exc: ValidationError) -> None:
    for text in exc.messages:
        messages.error(request, text)


def invoice_list(request: HttpRequest) -> HttpResponse:
    form = filters.InvoiceFilterForm(request.workspace, request.GET or None)
    chosen = listfilters.chosen(form)
    invoices = filters.matching(request.workspace, chosen)
    paged = paginate(request, invoices.select_related("client").prefetch_related("payments"))
    return render(request, "billing/invoice_list.html", {
        "form": form, "invoices": paged, "filtered": any(chosen.values()),
        "totals": filters.totals(invoices), "summary": filters.open_by_status(invoices),
    })


def invoice_create(request: HttpRequest) -> HttpResponse:
    form = NewInvoiceForm(request.workspace, request.POST or None,
                          initial={"client": request.GET.get("client")})
    if request.method == "POST" and form.is_valid():
        invoice = services.new_draft(request.workspace, form.cleaned_data["client"],
                                     project=form.cleaned_data["project"])
        return redirect(invoice)
    return render(request, "billing/invoice_create.html", {"form": form})


@require_POST
def invoice_from_project(request: HttpRequest, project_pk: int, kind: str) -> HttpResponse:
    project = _get_project(request, project_pk)
    if kind == "deposit":
        invoice = services.create_deposit_invoice(project)
    elif kind == "final":
        invoice = services.create_final_invoice(project)
    else:
        invoice = services.new_draft(request.workspace, project.client, project=project)
    messages.success(request, _("Draft created. Check it, then issue it."))
    return redirect(invoice)


def invoice_detail(request: HttpRequest, invoice_pk: int) -> HttpResponse:
    invoice = _get_invoice(request, invoice_pk)
    if invoice.is_draft:
        return _draft_editor(request, invoice)
    links = invoice.portal_links.all()
    contact_emails = [e for c in invoice.client.contacts.prefetch_related("emails")
                      for e in c.addresses()]
    return render(request, "billing/invoice_detail.html", {
        "invoice": invoice,
        "lines": invoice.lines.all(),
        "totals": services.totals(invoice),
        "payments": invoice.payments.all(),
        "events": invoice.events.all(),
        "links": links,
        "payment_form": PaymentForm(initial={"amount": max(invoice.balance(), 0) or None,
                                             "paid_on": clock.today()}),
        "send_form": SendForm(initial={"to": ", ".join(contact_emails[:1])}),
        "today": clock.today(),
        "portal_base": request.build_absolute_uri("/")[:-1],
    })


def _draft_editor(request: HttpRequest, invoice: Invoice) -> HttpResponse:
    form = InvoiceForm(request.POST or None, instance=invoice)
    formset = LineFormSet(request.POST or None, instance=invoice, prefix="lines")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        with transaction.atomic():
            form.save()
            lines = formset.save(commit=False)
            save_draft_lines(invoice, lines, formset.deleted_objects)
        if "add_line" in request.POST:
            return redirect(f"{invoice.get_absolute_url()}#lines")
        messages.success(request, _("Draft saved."))
        return redirect(invoice)
    return render(request, "billing/invoice_draft.html", {
        "invoice": invoice, "form": form, "formset": formset,
        "regime_conflict": regime.regime_conflict(invoice),
        "totals": services.totals(invoice), "deductions": services.deductions_for(invoice),
    })


def _with_fix_link(invoice: Invoice, code: str | None, text: str) -> str:
    """A blocking message with a link to the form where it is fixed."""
    if code == "seller":
        url, label = reverse("core:workspace_settings"), _("Open workspace settings")
    elif code == "buyer":
        url, label = reverse("clients:edit", args=[invoice.client_id]), _("Edit the client")
    else:
        return text
    return format_html('{} <a href="{}?next={}">{}</a>', text, url,
                       invoice.get_absolute_url(), label)


@require_POST
def invoice_issue(request: HttpRequest, invoice_pk: int) -> HttpResponse:
    invoice = _get_invoice(request, invoice_pk)
    try:
        invoice = services.issue(invoice)
    except ValidationError as exc:
        shown_on_the_draft = regime.regime_conflict(invoice)  # with the button that fixes it
        for error in exc.error_list:
            text = " ".join(error.messages)
            if text != shown_on_the_draft:
                messages.error(request, _with_fix_link(invoice, error.code, text))
    else:
        messages.success(request, _("Invoice %(number)s issued.") % {"number": invoice.number})
    return redirect(invoice)


def invoice_delete(request: HttpRequest, invoice_pk: int) -> HttpResponse:
    invoice = _get_invoice(request, invoice_pk)
    if not invoice.is_draft:
        messages.error(request, str(Invoice.IMMUTABLE_MESSAGE))
        return redirect(invoice)
    if request.method == "POST":
        services.delete_draft(invoice)
        messages.success(request, _("Draft deleted."))
        return redirect("billing:invoice_list")
    return render(request, "billing/confirm.html", {
        "invoice": invoice, "title": _("Delete this draft?"),
        "text": _("The draft and its lines are removed. No number was used."),
        "button": _("Yes, delete"),
    })


def invoice_cancel(request: HttpRequest, invoice_pk: int) -> HttpResponse:
    invoice = _get_invoice(request, invoice_pk)
    if request.method == "POST":
        try:
            storno = services.cancel(invoice)
        except ValidationError as exc:
            _messages_from(request, exc)
            return redirect(invoice)
        messages.success(request, _("Cancellation invoice %(number)s issued.")
                         % {"number": storno.number})
        return redirect(storno)
    return render(request, "billing/confirm.html", {
        "invoice": invoice, "title": _("Cancel invoice %(number)s?") % {"number": invoice.number},
        "text": _("A cancellation invoice with the next number reverses every line. The "
                  "original stays on record, marked as cancelled. This cannot be undone."),
        "button": _("Issue cancellation invoice"),
    })


@require_POST
def payment_create(request: HttpRequest, invoice_pk: int) -> HttpResponse:
    invoice = _get_invoice(request, invoice_pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            services.record_payment(invoice, form.cleaned_data["amount"],
                                    form.cleaned_data["paid_on"], form.cleaned_data["note"])
        except ValidationError as exc:
            _messages_from(request, exc)
        else:
            messages.success(request, _("Payment recorded."))
    else:
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}: {error}")
    return redirect(invoice)


@require_POST
def payment_delete(request: HttpRequest, invoice_pk: int, payment_pk: int) -> HttpResponse:
    invoice = _get_invoice(request, invoice_pk)
    payment = get_object_or_404(Payment, workspace=request.workspace, invoice=invoice,
                                pk=payment_pk)
    services.remove_payment(payment)
    messages.success(request, _("Payment removed."))
    return redirect(invoice)


def _pdf_response(invoice: Invoice, inline: bool = False) -> FileResponse:
    from rapport.billing.documents import render_pdf

    return FileResponse(io.BytesIO(render_pdf(invoice)), content_type="application/pdf",
                        as_attachment=not inline, filename=f"{invoice.number}.pdf")


def _xml_response(invoice: Invoice, flavour: str) -> FileResponse:
    from rapport.billing.documents import einvoice_xml

    flavour = "xrechnung" if flavour == "xrechnung" else "factur-x"
    suffix = "-xrechnung" if flavour == "xrechnung" else ""
    return FileResponse(io.BytesIO(einvoice_xml(invoice, flavour)),
                        content_type="application/xml", as_attachment=True,
                        filename=f"{invoice.number}{suffix}.xml")


def invoice_pdf(request: HttpRequest, invoice_pk: int) -> HttpResponse:
    invoice = _get_invoice(request, invoice_pk)
    if invoice.is_draft:
        messages.error(request, _("A draft has no PDF yet; issue it first."))
        return redirect(invoice)
    return _pdf_response(invoice, inline=request.GET.get("inline") == "1")


def invoice_xml(request: HttpRequest, invoice_pk: int) -> HttpResponse:
    invoice = _get_invoice(request, invoice_pk)
    if invoice.is_draft:
        messages.error(request, _("A draft has no e-invoice yet; issue it first."))
        return redirect(invoice)
    return _xml_response(invoice, request.GET.get("flavour", "factur-x"))


def invoice_send(request: HttpRequest, invoice_pk: int) -> HttpResponse:
    """The email preview (GET, from the invoice page) and the sending (POST).

    The preview shows subject and text as they will leave, with the client link, and both
    can be changed; what was sent is noted on the client's timeline.
    """
    from rapport.billing import mailing

    invoice = _get_invoice(request, invoice_pk)
    base_url = request.build_absolute_uri("/")[:-1]
    if request.method == "POST" and "body" in request.POST:
        form = InvoiceMailForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                mailing.send_invoice(invoice, to=data["to"], base_url=base_url,
                                     subject=data["subject"], body=data["body"],
                                     user=request.user, confirm=data["confirm"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Invoice sent to %(to)s.")
                                 % {"to": ", ".join(data["to"])})
                return redirect(invoice)
        return render(request, "billing/invoice_mail.html",
                      {"invoice": invoice, "form": form}, status=422)
    if request.method != "POST":
        try:
            subject, body = mailing.draft(invoice, base_url=base_url,
                                          message=request.GET.get("message", "")[:5000],
                                          sender_name=request.user.get_full_name())
        except ValidationError as exc:
            _messages_from(request, exc)
            return redirect(invoice)
        addresses = request.GET.get("to") or ", ".join(
            a for c in invoice.client.contacts.prefetch_related("emails")
            for a in c.addresses())[:1000]
        form = InvoiceMailForm(initial={"to": addresses, "subject": subject, "body": body})
        return render(request, "billing/invoice_mail.html", {"invoice": invoice, "form": form})
    form = SendForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("to", []):
            messages.error(request, error)
        return redirect(invoice)
    try:
        mailing.send_invoice(invoice, to=form.cleaned_data["to"], base_url=base_url,
                             message=form.cleaned_data["message"],
                             sender_name=request.user.get_full_name(), user=request.user,
                             confirm=form.cleaned_data["confirm"])
    except ValidationError as exc:
        _messages_from(request, exc)
    else:
        messages.success(request, _("Invoice sent to %(to)s.")
                         % {"to": ", ".join(form.cleaned_data["to"])})
    return redirect(invoice)


@require_POST
def portal_link_create(request: HttpRequest, invoice_pk: int) -> HttpResponse:
    invoice = _get_invoice(request, invoice_pk)
    try:
        portal.create_portal_link(invoice)
    except ValidationError as exc:
        _messages_from(request, exc)
        return redirect(invoice)
    messages.success(request, _("A new client link was created; it works for %(days)s days.")
                     % {"days": PORTAL_LINK_DAYS})
    return redirect(f"{invoice.get_absolute_url()}#portal")


@require_POST
def portal_link_revoke(request: HttpRequest, invoice_pk: int, link_pk: int) -> HttpResponse:
    invoice = _get_invoice(request, invoice_pk)
    link = get_object_or_404(PortalLink, workspace=request.workspace, invoice=invoice, pk=link_pk)
    portal.revoke_portal_link(link)
    messages.success(request, _("The link was revoked; it no longer opens the invoice."))
    return redirect(f"{invoice.get_absolute_url()}#portal")


def billing_settings(request: HttpRequest) -> HttpResponse:
    instance = services.billing_settings(request.workspace)
    form = BillingSettingsForm(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Billing settings saved."))
        if ("tax_regime" in form.changed_data
                and regime.drafts_in_conflict(request.workspace).exists()):
            messages.warning(request, _("Some drafts were written under your previous tax "
                                        "regime: review them below before issuing."))
        return redirect(return_to(request) or "billing:settings")
    return render(request, "billing/settings.html", {
        "form": form, "next": return_to(request),
        "conflicting_drafts": regime.drafts_in_conflict(request.workspace)
        .select_related("client"),
    })


@require_POST
def drafts_apply_regime(request: HttpRequest) -> HttpResponse:
    """The confirmed offer from the settings page: bring the listed drafts in line."""
    pks = [int(pk) for pk in request.POST.getlist("draft") if pk.isdigit()]
    count = regime.apply_regime_to_drafts(request.workspace, pks)
    messages.success(request, ngettext(
        "%(count)d draft now follows your tax regime.",
        "%(count)d drafts now follow your tax regime.", count) % {"count": count})
    return redirect("billing:settings")


@require_POST
def invoice_apply_regime(request: HttpRequest, invoice_pk: int) -> HttpResponse:
    invoice = _get_invoice(request, invoice_pk)
    if not invoice.is_draft:
        messages.error(request, str(Invoice.IMMUTABLE_MESSAGE))
        return redirect(invoice)
    regime.apply_regime(invoice)
    messages.success(request, _("The draft now follows your tax regime: %(treatment)s.")
                     % {"treatment": invoice.get_tax_treatment_display()})
    return redirect(invoice)


def deliverables(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = _get_project(request, project_pk)
    form = DeliverableForm(request.POST or None,
                           instance=Deliverable(workspace=request.workspace, project=project))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Deliverable added."))
        return redirect("billing:deliverables", project_pk=project.pk)
    return render(request, "billing/deliverables.html", {
        "project": project, "form": form,
        "items": services.deliverables_with_blocking(project),
        "status_choices": Deliverable.Status.choices,
    })


@require_POST
def deliverable_status(request: HttpRequest, project_pk: int, deliverable_pk: int) -> HttpResponse:
    project = _get_project(request, project_pk)
    item = get_object_or_404(Deliverable, workspace=request.workspace, project=project,
                             pk=deliverable_pk)
    try:
        services.set_deliverable_status(item, request.POST.get("status", ""))
    except ValidationError as exc:
        _messages_from(request, exc)
    else:
        messages.success(request, _("Status updated."))
    return redirect("billing:deliverables", project_pk=project.pk)


def export(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    form = ExportForm(request.GET or None, initial={
        "date_from": today.replace(month=1, day=1), "date_to": today,
        "csv_style": "german" if request.workspace.language == "de" else "standard",
    })
    if request.GET and form.is_valid():
        from rapport.billing.export import export_invoices

        buffer = io.BytesIO()
        export_invoices(request.workspace, form.cleaned_data["date_from"],
                        form.cleaned_data["date_to"], buffer,
                        csv_style=form.cleaned_data["csv_style"] or "standard")
        buffer.seek(0)
        name = f"invoices-{form.cleaned_data['date_from']}-{form.cleaned_data['date_to']}.zip"
        return FileResponse(buffer, as_attachment=True, filename=name,
                            content_type="application/zip")
    return render(request, "billing/export.html", {"form": form,
                                                   "action": reverse("billing:export")})
