"""Bearer-token authentication for the API: who is calling, for which workspace, with
which scope, and whether they are within their rate limit.

Session cookies are deliberately not accepted (see the README's API section): a token
names one workspace and one scope, can be revoked on its own, and is never sent by a
browser on its own, so no write can be forged from another site (no CSRF to defend).
"""

from __future__ import annotations

from django.db.models import Model
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja.security import HttpBearer

from rapport.api import tokens
from rapport.api.models import ApiToken
from rapport.audit import context as audit_context


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


class ScopeRefused(Exception):
    """A read-only token asked to change something."""


def _act_as(user: object) -> None:
    """Changes made with the token are the token user's in the audit log (its middleware
    saw only the anonymous request; the token is read later, here). The middleware resets
    the actor when the request ends."""
    actor = audit_context.current()
    audit_context.act_as(audit_context.Actor(
        label=audit_context.VISITOR, user=user, ip_address=actor.ip_address,
        request_id=actor.request_id))


class TokenAuth(HttpBearer):
    def __init__(self, *, write: bool = False,
                 owns: tuple[type[Model], str] | None = None) -> None:
        """`owns` = (model, path parameter): the object the URL names must be the token's
        workspace's. Checked here, before the body is read, so another workspace's id
        answers 404 whatever the body holds (not a validation error about the body)."""
        super().__init__()
        self.write = write
        self.owns = owns

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = tokens.find_usable(token)
        if found is None:
            return None
        retry_after = tokens.count_request(found)
        if retry_after is not None:
            raise RateLimited(retry_after)
        tokens.mark_used(found)
        if self.write and not found.can_write:
            raise ScopeRefused
        request.user = found.user
        request.workspace = found.workspace  # type: ignore[attr-defined]
        _act_as(found.user)
        timezone.activate(found.workspace.tz)  # dates are the workspace's, as on its pages
        if self.owns is not None:
            self._check_owner(request, found)
        return found

    def _check_owner(self, request: HttpRequest, found: ApiToken) -> None:
        model, parameter = self.owns
        match = request.resolver_match
        value = str(match.kwargs.get(parameter, "")) if match else ""
        if value.isascii() and value.isdigit() and len(value) < 19:  # else: a 422 follows
            get_object_or_404(model, workspace=found.workspace, pk=int(value))


read = TokenAuth()
write = TokenAuth(write=True)
