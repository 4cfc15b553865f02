"""The client's side: one proposal or change order behind a random token, no account."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from rapport.accounts.middleware import for_reader
from rapport.agreements import services
from rapport.agreements.documents import render_pdf
from rapport.agreements.models import AgreementLink, Contract, Proposal
from rapport.core import clock
from rapport.core.closed_links import link_closed, reason_for
from rapport.core.middleware import workspace_optional
from rapport.notifications.models import Notification
from rapport.notifications.services import on_change_order
from rapport.notifications.services import on_proposal as notify


class LinkClosed(Exception):
    """A real link that stopped working: the page says why (see `closed`)."""

    def __init__(self, link: AgreementLink) -> None:
        self.link = link


def closed(request: HttpRequest, link: AgreementLink) -> HttpResponse:
    document = link.proposal or link.change_order.contract.proposal
    return link_closed(request, workspace=link.workspace, language=_language(link),
                       title=document.title,
                       reason=reason_for(link.revoked_at, link.expires_at))


def explains_closed_links(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, token: str) -> HttpResponse:
        try:
            return view(request, token)
        except LinkClosed as exc:
            return closed(request, exc.link)
    return wrapper


def _usable_link(token: str) -> AgreementLink:
    link = (AgreementLink.objects
            .select_related("proposal", "proposal__client", "change_order",
                            "change_order__contract__proposal")
            .filter(token=token).first())
    if link is None:
        raise Http404
    if not link.is_usable():
        raise LinkClosed(link)
    if link.proposal and not link.proposal.versions.exists():
        raise Http404
    if link.change_order and not link.change_order.html:
        raise Http404
    return link


def _evidence(request: HttpRequest) -> services.Evidence:
    return services.Evidence(
        name=request.POST.get("name", ""), agreed=request.POST.get("agree") == "on",
        ip_address=request.META.get("REMOTE_ADDR") or None,
        user_agent=request.META.get("HTTP_USER_AGENT", ""))


def _language(link: AgreementLink) -> str:
    return (link.proposal or link.change_order.contract.proposal).language


def _page(request: HttpRequest, link: AgreementLink, error: str = "",
          status: int = 200) -> HttpResponse:
    context: dict[str, object] = {"link": link, "error": error, "workspace": link.workspace,
                                  "portal": True}
    if link.proposal:
        proposal = link.proposal
        if proposal.status in (Proposal.Status.SENT, Proposal.Status.CHANGES_REQUESTED) \
                and proposal.is_expired(clock.today()):
            services.expire_offers(proposal.workspace)
            proposal.refresh_from_db()
        version = proposal.current_version
        context.update(
            proposal=proposal, version=version, html=version.html,
            expired=proposal.is_expired(clock.today())
            and proposal.status != Proposal.Status.ACCEPTED,
            withdrawn=proposal.status == Proposal.Status.WITHDRAWN,
            acceptance=getattr(version, "acceptance", None) if version else None,
            contract=Contract.objects.filter(proposal=proposal).first(),
            comments=proposal.comments.all(),
        )
    else:
        change = link.change_order
        context.update(change=change, html=change.html,
                       acceptance=getattr(change, "acceptance", None),
                       proposal=change.contract.proposal)
    with translation.override(for_reader(_language(link), request)):
        response = render(request, "agreements/portal.html", context, status=status)
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "same-origin"  # POST forms need an Origin
    return response


@never_cache
@login_not_required
@workspace_optional
@explains_closed_links
def document(request: HttpRequest, token: str) -> HttpResponse:
    link = _usable_link(token)
    if link.proposal and not _is_member(request, link):
        notify(link.proposal, Notification.Kind.VIEWED, base_url=request.build_absolute_uri("/"))
    return _page(request, link)


def _is_member(request: HttpRequest, link: AgreementLink) -> bool:
    """The freelancer checking their own link is not the client reading it."""
    user = request.user
    return bool(user.is_authenticated
                and user.memberships.filter(workspace_id=link.workspace_id).exists())


def _version_number(raw: str | None) -> int:
    """The version the client saw; anything but a number matches no version (a clear 409
    from `accept`, never a 500)."""
    try:
        return int(raw or 0)
    except ValueError:
        return 0


@never_cache
@login_not_required
@workspace_optional
@explains_closed_links
@require_POST
def accept(request: HttpRequest, token: str) -> HttpResponse:
    link = _usable_link(token)
    with translation.override(_language(link)):
        try:
            if link.proposal:
                services.accept(link.proposal, _version_number(request.POST.get("version")),
                                request.POST.get("sha256", ""), _evidence(request))
            else:
                services.accept_change_order(link.change_order, request.POST.get("sha256", ""),
                                             _evidence(request))
        except services.AcceptanceRefused as exc:
            return _page(request, link, str(exc), status=409)
    if link.proposal:
        notify(link.proposal, Notification.Kind.ACCEPTED,
               base_url=request.build_absolute_uri("/"))
    else:
        on_change_order(link.change_order, base_url=request.build_absolute_uri("/"))
    return redirect(link.get_absolute_url())


@never_cache
@login_not_required
@workspace_optional
@explains_closed_links
@require_POST
def request_changes(request: HttpRequest, token: str) -> HttpResponse:
    link = _usable_link(token)
    if not link.proposal or link.proposal.status == Proposal.Status.ACCEPTED:
        raise Http404
    with translation.override(for_reader(_language(link), request)):
        try:
            comment = services.request_changes(link.proposal, link.proposal.current_version,
                                               request.POST.get("name", ""),
                                               request.POST.get("text", ""))
        except services.AcceptanceRefused as exc:
            return _page(request, link, str(exc), status=400)
    notify(link.proposal, Notification.Kind.CHANGES_REQUESTED, detail=comment.text,
           base_url=request.build_absolute_uri("/"))
    return redirect(link.get_absolute_url() + "?sent=1")


@never_cache
@login_not_required
@workspace_optional
@explains_closed_links
def pdf(request: HttpRequest, token: str) -> HttpResponse:
    link = _usable_link(token)
    if not link.proposal:
        raise Http404
    version = link.proposal.current_version
    contract = Contract.objects.filter(proposal=link.proposal, version=version).first()
    response = HttpResponse(render_pdf(version, contract), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="proposal-v{version.number}.pdf"'
    return response
