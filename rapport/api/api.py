"""The REST API at /api/v1/: OpenAPI 3 schema at openapi.json, documentation at docs
(Swagger UI served from this site's own static files, as the Content-Security-Policy needs)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
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


def urls() -> tuple[list, str, str]:
    """The API's URL patterns, open to requests without a session: the API authenticates
    each call by its token (Django's login-required middleware would redirect them)."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback = login_not_required(pattern.callback)
    return patterns, app_name, namespace
