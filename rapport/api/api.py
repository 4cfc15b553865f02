"""The REST API at /api/v1/: OpenAPI 3 schema at openapi.json, documentation at docs
(Swagger UI served from this site's own static files, as the Content-Security-Policy needs)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.urls import re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Swagger

from rapport.api import auth, errors
from rapport.api.routers import clients, comms, invoices, judgement

api = NinjaAPI(
    title="Rapport API",
    version="1",
    description=(
        "Authenticate with a personal access token from the API tokens page: "
        "`Authorization: Bearer rap_…`. Read-only tokens may use every GET; changes need "
        "a read-write token. Lists are paginated with `limit` and `offset`."
    ),
    auth=auth.read,
    urls_namespace="api-v1",
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
for module in (clients, invoices, comms, judgement):
    api.add_router("", module.router)


@csrf_exempt
def not_found(request: HttpRequest) -> JsonResponse:
    """Any other address under /api/v1/: the API's own error body, not an HTML page."""
    return JsonResponse(errors.body("not_found", _("Not found.")), status=404)


def urls() -> tuple[list, str, str]:
    """The API's URL patterns, open to requests without a session: the API authenticates
    each call by its token (Django's login-required middleware would redirect them)."""
    patterns, app_name, namespace = api.urls
    patterns = list(patterns) + [re_path(r"^", not_found, name="not-found")]
    for pattern in patterns:
        if pattern.name == "api-root":
            pattern.callback = not_found
        pattern.callback = login_not_required(pattern.callback)
    return patterns, app_name, namespace
