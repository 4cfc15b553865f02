"""The freelancer's side: proposals, contracts, change orders and reminders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.agreements import filters, mailing, services
from rapport.agreements.documents import render_pdf
from rapport.agreements.forms import NewProposalForm, ProposalForm, WithdrawForm
from rapport.agreements.models import (
    AgreementLink,
    ChangeOrder,
    Contract,
    Proposal,
    ProposalTemplate,
)
from rapport.agreements.sendpage import preview_then_send
from rapport.core import listfilters
from rapport.core.paging import paginate


def _get_proposal(request: HttpRequest, pk: int) -> Proposal:
    return get_object_or_404(Proposal.objects.select_related("client"),
                             workspace=request.workspace, pk=pk)


def _get_contract(request: HttpRequest, pk: int) -> Contract:
    return get_object_or_404(Contract.objects.select_related("client", "proposal", "version"),
                             workspace=request.workspace, pk=pk)


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def index(request: HttpRequest) -> HttpResponse:
    services.expire_offers(request.workspace)
    form = filters.ProposalFilterForm(request.GET or None)
    chosen = listfilters.chosen(form)
    return render(request, "agreements/index.html", {
        "reminders": services.reminders(request.workspace),
        "form": form, "filtered": any(chosen.values()),
        "proposals": paginate(request, filters.proposals(request.workspace, chosen)),
        "contracts": paginate(request, filters.contracts(request.workspace, chosen),
                              param="contracts_page"),
    })


def proposal_create(request: HttpRequest) -> HttpResponse:
    form = NewProposalForm(request.POST or None, workspace=request.workspace,
                           initial={"client": request.GET.get("client"),
                                    "template": request.GET.get("template")})
    if request.method == "POST" and form.is_valid():
        choice = form.cleaned_data["template"]
        template, language = None, None
        if choice.startswith("shipped:"):
            language = choice.split(":", 1)[1]
        elif choice:
            template = get_object_or_404(ProposalTemplate, workspace=request.workspace,
                                         pk=int(choice))
        proposal = services.new_proposal(request.workspace, form.cleaned_data["client"],
                                         title=form.cleaned_data["title"],
                                         template=template, language=language)
        return redirect("agreements:proposal_edit", proposal_pk=proposal.pk)
    return render(request, "agreements/proposal_create.html", {"form": form})


def proposal_edit(request: HttpRequest, proposal_pk: int) -> HttpResponse:
    proposal = _get_proposal(request, proposal_pk)
    if proposal.status == Proposal.Status.ACCEPTED:
        messages.error(request, _("An accepted proposal cannot be edited; use a change order."))
        return redirect(proposal)
    if proposal.status == Proposal.Status.WITHDRAWN:
        messages.error(request, _("A withdrawn proposal cannot be changed or sent again; "
                                  "write a new one."))
        return redirect(proposal)
    form = ProposalForm(request.POST or None, proposal=proposal)
    if request.method == "POST" and form.is_valid():
        version = services.update_content(
            proposal, form.content(), title=form.cleaned_data["title"],
            language=form.cleaned_data["language"],
            valid_until=form.cleaned_data["valid_until"])
        if version:
            messages.success(request, _("Saved as version %(number)s; the client sees it "
                                        "through the same link.") % {"number": version.number})
        else:
            messages.success(request, _("Proposal saved."))
        return redirect(proposal)
    return render(request, "agreements/proposal_edit.html",
                  {"proposal": proposal, "form": form})


def proposal_detail(request: HttpRequest, proposal_pk: int) -> HttpResponse:
    proposal = _get_proposal(request, proposal_pk)
    version = proposal.current_version
    return render(request, "agreements/proposal_detail.html", {
        "proposal": proposal, "version": version,
        "preview": version.html if version and proposal.status != proposal.Status.DRAFT
        else services.render_html(proposal),
        "versions": proposal.versions.all().select_related("acceptance"),
        "comments": proposal.comments.select_related("version"),
        "links": proposal.links.all(),
        "contract": Contract.objects.filter(proposal=proposal).first(),
        "withdrawable": Proposal.WITHDRAWABLE,
        # Past its date counts as expired even before the tick has marked it so.
        "expired": proposal.status == Proposal.Status.EXPIRED or (
            proposal.status in Proposal.SENDABLE and proposal.is_expired()),
    })


def proposal_send(request: HttpRequest, proposal_pk: int) -> HttpResponse:
    """Preview the email (editable, in the client's language), then send it from the app."""
    proposal = _get_proposal(request, proposal_pk)
    if proposal.status == Proposal.Status.WITHDRAWN:
        messages.error(request, _("A withdrawn proposal cannot be changed or sent again; "
                                  "write a new one."))
        return redirect(proposal)
    if proposal.status == Proposal.Status.ACCEPTED:
        return redirect(proposal)
    refusal = services.sending_refused(proposal)
    if refusal:
        messages.error(request, refusal)
        return redirect(proposal)
    return preview_then_send(
        request, initial=lambda: _initial(mailing.draft(proposal, request.user.get_full_name())),
        send=lambda data: mailing.send_proposal(
            proposal, user=request.user, base_url=request.build_absolute_uri("/"), **data),
        sent=_("Proposal sent by email and recorded on the client's timeline."),
        done_url=proposal.get_absolute_url(),
        page={"client": proposal.client, "back_url": proposal.get_absolute_url(),
              "back_title": proposal.title})


def _initial(draft: mailing.Draft) -> dict[str, str]:
    return {"to": ", ".join(draft.to), "subject": draft.subject, "body": draft.body}


def proposal_withdraw(request: HttpRequest, proposal_pk: int) -> HttpResponse:
    """Withdraw a sent offer after a confirmation page; an accepted one is refused."""
    proposal = _get_proposal(request, proposal_pk)
    refusal = services.withdrawal_refused(proposal)
    form = WithdrawForm(request.POST or None)
    if not refusal and request.method == "POST" and form.is_valid():
        try:
            services.withdraw(proposal, form.cleaned_data["reason"])
        except services.AcceptanceRefused as exc:  # accepted meanwhile
            refusal = str(exc)
        else:
            messages.success(request, _("Offer withdrawn. The client link now says so."))
            return redirect(proposal)
    if refusal:
        messages.error(request, refusal)
        return redirect(proposal)
    return render(request, "agreements/proposal_withdraw.html",
                  {"proposal": proposal, "form": form},
                  status=400 if form.is_bound else 200)


@require_POST
def proposal_save_template(request: HttpRequest, proposal_pk: int) -> HttpResponse:
    proposal = _get_proposal(request, proposal_pk)
    name = request.POST.get("name", "").strip() or proposal.title
    services.save_as_template(proposal, name)
    messages.success(request, _("Saved as template “%(name)s”.") % {"name": name})
    return redirect(proposal)


def proposal_pdf(request: HttpRequest, proposal_pk: int) -> HttpResponse:
    proposal = _get_proposal(request, proposal_pk)
    version = proposal.current_version or services.snapshot(proposal)
    return _pdf(render_pdf(version), f"proposal-{proposal.pk}-v{version.number}.pdf")


@require_POST
def link_revoke(request: HttpRequest, link_pk: int) -> HttpResponse:
    link = get_object_or_404(AgreementLink, workspace=request.workspace, pk=link_pk)
    services.revoke(link)
    messages.success(request, _("Link revoked."))
    target = link.proposal or link.change_order.contract
    return redirect(target)


def contract_detail(request: HttpRequest, contract_pk: int) -> HttpResponse:
    contract = _get_contract(request, contract_pk)
    return render(request, "agreements/contract_detail.html", {
        "contract": contract, "proposal": contract.proposal,
        "schedule": services.contract_schedule(contract),
        "changes": contract.changes.all().prefetch_related("links"),
        "html": contract.version.html,
    })


@require_POST
def contract_countersign(request: HttpRequest, contract_pk: int) -> HttpResponse:
    contract = _get_contract(request, contract_pk)
    name = request.POST.get("name", "").strip()
    if not name or not request.POST.get("confirm"):
        messages.error(request, _("Type your name and tick the box to countersign."))
    else:
        services.countersign(contract, name)
        messages.success(request, _("Contract countersigned."))
    return redirect(contract)


def contract_pdf(request: HttpRequest, contract_pk: int) -> HttpResponse:
    contract = _get_contract(request, contract_pk)
    return _pdf(render_pdf(contract.version, contract), f"contract-{contract.pk}.pdf")


@require_POST
def contract_input(request: HttpRequest, contract_pk: int) -> HttpResponse:
    contract = _get_contract(request, contract_pk)
    try:
        received = dt.date.fromisoformat(request.POST.get("received_on", ""))
        services.record_input(contract, request.POST.get("label", ""), received)
    except (ValueError, services.AcceptanceRefused) as exc:
        messages.error(request, str(exc) if isinstance(exc, services.AcceptanceRefused)
                       else _("Enter a valid date."))
    return redirect(contract)


@require_POST
def change_create(request: HttpRequest, contract_pk: int) -> HttpResponse:
    contract = _get_contract(request, contract_pk)
    try:
        price = Decimal(request.POST.get("price") or "0")
        end = request.POST.get("new_end_date")
        services.new_change_order(contract, request.POST.get("description", ""), price,
                                  dt.date.fromisoformat(end) if end else None)
        messages.success(request, _("Change order drafted."))
    except (InvalidOperation, ValueError):
        messages.error(request, _("Enter a valid price and date."))
    except services.AcceptanceRefused as exc:
        messages.error(request, str(exc))
    return redirect(contract)


def change_send(request: HttpRequest, change_pk: int) -> HttpResponse:
    """Preview the change order's email, then send it; "sent" only once it left."""
    change = get_object_or_404(ChangeOrder.objects.select_related("contract__proposal",
                                                                  "contract__client"),
                               workspace=request.workspace, pk=change_pk)
    contract = change.contract
    if change.status != ChangeOrder.Status.DRAFT:
        return redirect(contract)
    return preview_then_send(
        request,
        initial=lambda: _initial(mailing.draft_change_order(change, request.user.get_full_name())),
        send=lambda data: mailing.send_change_order(
            change, user=request.user, base_url=request.build_absolute_uri("/"), **data),
        sent=_("Change order sent by email and recorded on the client's timeline."),
        done_url=contract.get_absolute_url(),
        page={"client": contract.client, "back_url": contract.get_absolute_url(),
              "back_title": contract.proposal.title})
