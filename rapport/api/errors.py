"""One error body for every failure: {"error": {"code", "message", "fields"?}}."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from rapport.api.auth import RateLimited, ScopeRefused


class ApiError(Exception):
    """Raised by an endpoint for a refusal the caller can act on."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def body(code: str, message: str, **extra: object) -> dict:
    return {"error": {"code": code, "message": message, **extra}}


def _field_name(location: list) -> str:
    parts = [str(p) for p in location]
    if parts and parts[0] in {"body", "query", "path", "header", "form", "file"}:
        parts = parts[1:]
    if parts and parts[0] in {"payload", "filters", "pagination"}:
        parts = parts[1:]
    return ".".join(parts) or "body"  # a rule about the body as a whole


def install(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, data: dict) -> HttpResponse:
        return api.create_response(request, data, status=status)

    @api.exception_handler(NinjaValidationError)
    def invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields = [{"field": _field_name(list(e.get("loc", []))), "message": e.get("msg", "")}
                  for e in exc.errors]
        return respond(request, 422, body("invalid", _("Some fields are not valid."),
                                          fields=fields))

    @api.exception_handler(DjangoValidationError)
    def refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            fields = [{"field": name, "message": str(m)}
                      for name, errors in exc.message_dict.items() for m in errors]
            return respond(request, 422, body("invalid", _("Some fields are not valid."),
                                              fields=fields))
        return respond(request, 422, body("refused", " ".join(exc.messages)))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(request, 401, body(
            "unauthenticated",
            _("A valid API token is needed: send it as “Authorization: Bearer <token>”.")))
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(ScopeRefused)
    def forbidden(request: HttpRequest, exc: ScopeRefused) -> HttpResponse:
        return respond(request, 403, body(
            "read_only_token", _("This token may only read. Create a read-write token to "
                                 "make changes.")))

    @api.exception_handler(RateLimited)
    def limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
        response = respond(request, 429, body(
            "rate_limited", _("Too many requests with this token. Try again in %(seconds)s "
                              "seconds.") % {"seconds": exc.retry_after}))
        response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, body("not_found", _("Not found.")))

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return respond(request, exc.status, body(exc.code, exc.message))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return respond(request, exc.status_code, body("error", str(exc)))
