"""Shared pieces of the endpoints: the tenant-scoped lookup and the documented errors."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja.responses import codes_4xx

from rapport.api.schemas import ErrorOut
from rapport.core.models import Workspace

M = TypeVar("M", bound=Model)

ERRORS = {codes_4xx | {413, 422}: ErrorOut}


def workspace_of(request: HttpRequest) -> Workspace:
    return request.auth.workspace  # type: ignore[attr-defined]


def get_owned(request: HttpRequest, model: type[M], pk: int) -> M:
    """The object if it belongs to the token's workspace; 404 otherwise, the same answer
    as for an id that does not exist, so other workspaces' ids reveal nothing."""
    return get_object_or_404(model, workspace=workspace_of(request), pk=pk)
