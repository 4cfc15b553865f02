"""The questionnaire portal: one interview behind a random token, no account needed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from rapport.accounts.middleware import for_reader
from rapport.clients.models import Client
from rapport.core.closed_links import link_closed, reason_for
from rapport.core.middleware import workspace_optional
from rapport.intake import content, services
from rapport.intake.forms import AnswersForm
from rapport.intake.models import Interview
from rapport.notifications.services import on_answers


def _find(token: str) -> Interview:
    interview = (Interview.objects.select_related("client", "workspace")
                 .filter(token=token).first())
    if interview is None:
        raise Http404
    return interview


def _closed(request: HttpRequest, interview: Interview) -> HttpResponse:
    """A declined prospect's or a withdrawn/expired link says so instead of a bare 404."""
    reason = ("declined" if interview.client.status == Client.Status.DECLINED
              else reason_for(interview.revoked_at, interview.expires_at))
    with translation.override(interview.language):
        title = _("Questionnaire")
    return link_closed(request, workspace=interview.workspace, language=interview.language,
                       title=title, reason=reason)


@never_cache
@login_not_required
@workspace_optional
def questionnaire(request: HttpRequest, token: str) -> HttpResponse:
    interview = _find(token)
    if not interview.link_is_usable():
        return _closed(request, interview)
    language = interview.language
    questions = list(services.questions_for(interview.workspace, language))
    status = 200
    with translation.override(for_reader(language, request)):
        form = None
        if not interview.is_locked:
            form = AnswersForm(questions, language, request.POST or None, portal=True,
                               initial_answers=interview.answers,
                               default_tz=interview.client.time_zone,
                               default_currency=interview.workspace.default_currency)
            if request.method == "POST":
                if form.is_valid():
                    services.save_answers(interview, form.answers(), by_prospect=True)
                    on_answers(interview, base_url=request.build_absolute_uri("/"))
                    return redirect(f"{request.path}?saved=1")
                status = 422
        elif request.method == "POST":
            status = 403
        response = render(request, "intake/portal.html", {
            "interview": interview, "form": form, "labels": content.shipped(language)["labels"],
            "saved": request.GET.get("saved") == "1", "workspace_name": interview.workspace.name,
            "language": language,
        }, status=status)
    response.headers["X-Robots-Tag"] = "noindex"
    # "no-referrer" would make the browser send `Origin: null` with the form, which
    # Django's CSRF check refuses; same-origin still keeps the token from other sites.
    response.headers["Referrer-Policy"] = "same-origin"
    return response
