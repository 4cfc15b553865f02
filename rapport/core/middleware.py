"""The request's workspace — the tenant every query goes through.

Login is required everywhere by Django's own LoginRequiredMiddleware (see settings);
views open to visitors are marked `@login_not_required`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from rapport.core.models import Workspace

SESSION_KEY = "rapport_workspace_id"


def current_workspace(request: HttpRequest) -> Workspace | None:
    """The workspace chosen in this session, if the user is still a member; else the first."""
    user = request.user
    if not user.is_authenticated:
        return None
    workspaces = Workspace.objects.filter(memberships__user=user)
    chosen = request.session.get(SESSION_KEY)
    if chosen is not None:
        found = workspaces.filter(pk=chosen).first()
        if found is not None:
            return found
    found = workspaces.order_by("memberships__created_at").first()
    if found is not None:
        request.session[SESSION_KEY] = found.pk
    return found


def workspace_optional(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view that works without a workspace (sign-up, creating the first one)."""
    view.workspace_optional = True  # type: ignore[attr-defined]
    return view


class WorkspaceMiddleware:
    """Set `request.workspace` and activate its time zone; send users without a
    workspace to create one first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.workspace = SimpleLazyObject(lambda: current_workspace(request))  # type: ignore[attr-defined]
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return None
        if not view_func.__module__.startswith("rapport."):
            return None
        if getattr(view_func, "workspace_optional", False):
            return None
        if not request.workspace:  # type: ignore[attr-defined]
            return redirect("core:workspace_create")
        # Dates and times on every page are the workspace's, not the server's.
        timezone.activate(request.workspace.tz)  # type: ignore[attr-defined]
        return None
