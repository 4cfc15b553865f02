"""Reminder settings, per-client terms, promises, letters. Workspace-scoped throughout."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from rapport.billing.models import Invoice
from rapport.clients.models import Client
from rapport.core import clock
from rapport.core.dates import short_date
from rapport.dunning import policies, services
from rapport.dunning.defaults import default_policy
from rapport.dunning.fees import create_fee_invoice
from rapport.dunning.forms import (
    BaseRateForm,
    LevelFormSet,
    PolicyForm,
    PolicyLetterForm,
    PromiseForm,
    TermsForm,
)
from rapport.dunning.interest import missing_half_years
from rapport.dunning.letters import render_letter
from rapport.dunning.models import BaseRateEntry, DunningPolicy, Reminder


def _get_invoice(request: HttpRequest, pk: int) -> Invoice:
    return get_object_or_404(Invoice, workspace=request.workspace, pk=pk)


def _get_client(request: HttpRequest, pk: int) -> Client:
    return get_object_or_404(Client, workspace=request.workspace, pk=pk)


def _get_reminder(request: HttpRequest, pk: int) -> Reminder:
    return get_object_or_404(Reminder.objects.select_related("invoice"),
                             workspace=request.workspace, pk=pk)


def policy(request: HttpRequest, client_pk: int | None = None) -> HttpResponse:
    """The workspace's policy, or with `client_pk` that client's own override."""
    client = _get_client(request, client_pk) if client_pk else None
    if client is None:
        current = default_policy(request.workspace)
    else:
        current = DunningPolicy.objects.filter(client=client).first()
        if current is None:
            messages.info(request, _("This client follows the workspace's policy."))
            return redirect("dunning:client_terms", client_pk=client.pk)
    form = PolicyForm(request.POST or None, instance=current)
    formset = LevelFormSet(request.POST or None, instance=current, prefix="levels")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        with transaction.atomic():
            form.save()
            kept = policies.save_levels(current, formset.save(commit=False),
                                        formset.deleted_objects)
        for level in kept:
            messages.error(request, _("“%(title)s” was used already and stays.")
                           % {"title": level})
        messages.success(request, _("Reminder policy saved."))
        if client:
            return redirect("dunning:client_policy", client_pk=client.pk)
        return redirect("dunning:policy")
    rates = services.base_rates(request.workspace)
    return render(request, "dunning/policy.html", {
        "form": form, "formset": formset, "rates": rates, "client": client,
        "missing": missing_half_years(rates, clock.today()),
        "rate_form": BaseRateForm(),
        "own_rates": BaseRateEntry.objects.filter(workspace=request.workspace),
    })


@require_POST
def client_policy_toggle(request: HttpRequest, client_pk: int) -> HttpResponse:
    """Give a client its own copy of the levels, or send it back to the workspace's."""
    client = _get_client(request, client_pk)
    if policies.own_policy(client) is not None:
        try:
            policies.follow_workspace_policy(client)
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
            return redirect("dunning:client_policy", client_pk=client.pk)
        messages.success(request, _("The client follows the workspace's policy again."))
        return redirect("dunning:client_terms", client_pk=client.pk)
    policies.give_own_levels(client)
    messages.success(request, _("The client now has its own levels; adjust them here."))
    return redirect("dunning:client_policy", client_pk=client.pk)


@require_POST
def run_now(request: HttpRequest) -> HttpResponse:
    invoice = None
    if request.POST.get("invoice"):
        invoice = get_object_or_404(Invoice, workspace=request.workspace,
                                    pk=request.POST["invoice"])
    planned, sent = services.run_now(request.workspace, invoice)
    messages.success(request, ngettext("%(planned)s reminder was due; %(sent)s sent.",
                                       "%(planned)s reminders were due; %(sent)s sent.",
                                       planned) % {"planned": planned, "sent": sent})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("dunning:policy")
    return redirect(target)


@require_POST
def level_add(request: HttpRequest) -> HttpResponse:
    policies.add_level(request.workspace)
    return redirect("dunning:policy")


@require_POST
def base_rate_add(request: HttpRequest) -> HttpResponse:
    form = BaseRateForm(request.POST,
                        instance=BaseRateEntry(workspace=request.workspace))
    if form.is_valid():
        BaseRateEntry.objects.update_or_create(
            workspace=request.workspace, valid_from=form.cleaned_data["valid_from"],
            defaults={"rate": form.cleaned_data["rate"]},
        )
        messages.success(request, _("Base rate saved."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("dunning:policy")


def client_terms(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = _get_client(request, client_pk)
    terms = services.terms_for(client)
    form = TermsForm(request.POST or None, instance=terms)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Payment terms saved."))
        return redirect(client)
    return render(request, "dunning/client_terms.html", {
        "client": client, "form": form, "letter_form": PolicyLetterForm(),
        "own_policy": DunningPolicy.objects.filter(client=client).exists(),
    })


def policy_letter(request: HttpRequest, client_pk: int) -> HttpResponse:
    """The form letter announcing late fees from a future date (DE/EN, printable)."""
    client = _get_client(request, client_pk)
    form = PolicyLetterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        terms = services.terms_for(client)
        terms.late_fees_since = form.cleaned_data["effective_from"]
        terms.late_fees_source = "announced"
        terms.save(update_fields=["late_fees_since", "late_fees_source"])
        with translation.override(client.language):
            return render(request, "dunning/policy_letter.html", {
                "client": client, "workspace": request.workspace,
                "effective_from": form.cleaned_data["effective_from"],
                "levels": default_policy(request.workspace).levels.all(),
                "today": clock.today(),
            })
    return render(request, "dunning/client_terms.html", {
        "client": client, "form": TermsForm(instance=services.terms_for(client)),
        "letter_form": form,
    })


@require_POST
def promise_create(request: HttpRequest, invoice_pk: int) -> HttpResponse:
    invoice = _get_invoice(request, invoice_pk)
    form = PromiseForm(request.POST)
    if form.is_valid():
        services.record_promise(invoice, form.cleaned_data["pay_by"], form.cleaned_data["note"])
        messages.success(request, _("Promise recorded; reminders wait until %(date)s.")
                         % {"date": short_date(form.cleaned_data["pay_by"])})
    else:
        messages.error(request, _("Enter the date the client promised to pay by."))
    return redirect(f"{invoice.get_absolute_url()}#reminders")


def letter(request: HttpRequest, reminder_pk: int) -> HttpResponse:
    reminder = _get_reminder(request, reminder_pk)
    name = f"{reminder.invoice.number}-{reminder.level.position}.pdf"
    return FileResponse(io.BytesIO(render_letter(reminder)), content_type="application/pdf",
                        as_attachment=True, filename=name)


@require_POST
def reminder_resend(request: HttpRequest, reminder_pk: int) -> HttpResponse:
    reminder = _get_reminder(request, reminder_pk)
    services.resend(reminder)
    messages.success(request, _("The reminder will be sent again with the next run."))
    return redirect(f"{reminder.invoice.get_absolute_url()}#reminders")


@require_POST
def reminder_mark_sent(request: HttpRequest, reminder_pk: int) -> HttpResponse:
    reminder = _get_reminder(request, reminder_pk)
    services.mark_sent(reminder)
    messages.success(request, _("Marked as sent."))
    return redirect(f"{reminder.invoice.get_absolute_url()}#reminders")


@require_POST
def fee_invoice(request: HttpRequest, invoice_pk: int) -> HttpResponse:
    """A separate draft invoice for the fees and interest charged so far (no VAT on them)."""
    invoice = _get_invoice(request, invoice_pk)
    try:
        draft = create_fee_invoice(invoice)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect(invoice)
    messages.success(request, _("Draft fee invoice created."))
    return redirect(draft)
