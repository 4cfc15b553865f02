"""Shared pieces of the endpoints: the tenant-scoped lookup and the documented errors."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model, QuerySet
from django.forms import BaseModelForm
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


def narrowed(queryset: QuerySet[M], **lookups: object) -> QuerySet[M]:
    """`queryset` filtered by each lookup the caller was given: a query parameter left
    out arrives as None and narrows nothing."""
    return queryset.filter(**{name: value for name, value in lookups.items()
                              if value is not None})


def save_with_form(form_class: type[BaseModelForm], instance: M, changes: dict[str, object],
                   *, names: dict[str, str] | None = None) -> M:
    """Save `changes` to `instance` through the web page's own form, so the API follows
    every rule the page does. Fields not in `changes` keep their current values (a PATCH);
    a refusal raises ValidationError by field, under the API's names (`names` maps the
    form's field names to them)."""
    current = form_class(instance=instance)
    data = {name: current[name].value() for name in current.fields}
    data.update(changes)  # a null clears the field (or is refused if it is required)
    form = form_class({k: v for k, v in data.items() if v is not None}, instance=instance)
    if not form.is_valid():
        names = names or {}
        raise ValidationError({names.get(field, "body" if field == NON_FIELD_ERRORS else field):
                               errors for field, errors in form.errors.as_data().items()})
    return form.save()
