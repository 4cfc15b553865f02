"""The questionnaire portal: one interview behind a random token, no account needed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.cache import never_cache

from rapport.accounts.middleware import for_reader
from rapport.core.middleware import workspace_optional
from rapport.intake import content, services
from rapport.intake.forms import AnswersForm
from rapport.intake.models import Interview


def _usable(token: str) -> Interview:
    interview = (Interview.objects.select_related("client", "workspace")
                 .filter(token=token).first())
    if interview is None or not interview.link_is_usable():
        raise Http404
    return interview


@never_cache
@login_not_required
@workspace_optional
def questionnaire(request: HttpRequest, token: str) -> HttpResponse:
    interview = _usable(token)
    language = interview.language
    questions = list(services.questions_for(interview.workspace, language))
    status = 200
    with translation.override(for_reader(language, request)):
        form = None
        if not interview.is_locked:
            form = AnswersForm(questions, language, request.POST or None, portal=True,
                               initial_answers=interview.answers,
                               default_tz=interview.client.time_zone)
            if request.method == "POST":
                if form.is_valid():
                    services.save_answers(interview, form.answers(), by_prospect=True)
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
