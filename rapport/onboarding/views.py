"""Hiding the first-run checklist before it is complete."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

HIDDEN_KEY = "onboarding_hidden"


@require_POST
def hide(request: HttpRequest) -> HttpResponse:
    """Hidden per workspace, for this sign-in; it comes back for a new workspace."""
    hidden = set(request.session.get(HIDDEN_KEY, []))
    hidden.add(request.workspace.pk)
    request.session[HIDDEN_KEY] = sorted(hidden)
    return redirect("core:dashboard")
