"""Who is acting right now: the signed-in user and their address in a request, a client
in the portal, the background worker, or the system (a command, a migration).

A middleware sets it per request and the worker per task, so the model signals in
`rapport.audit.tracking` can name the actor without any view or service passing it on.
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django_tasks.signals import task_finished, task_started

from rapport.accounts.client_ip import client_ip

SYSTEM = "system"
WORKER = "worker"
PORTAL = "portal"
VISITOR = "visitor"


@dataclass(frozen=True)
class Actor:
    label: str = SYSTEM          # system / worker / portal / visitor / user
    user: object | None = None   # the request's user (maybe lazy) when signed in
    ip_address: str | None = None
    request_id: str = ""

    def resolved_user(self) -> object | None:
        user = self.user
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        return user


_SYSTEM = Actor()
_current: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("rapport_audit_actor",
                                                                        default=None)


def current() -> Actor:
    return _current.get() or _SYSTEM


def act_as(actor: Actor) -> None:
    """From here to the end of the current request (or task), changes are `actor`'s: for
    who is known only after the middleware ran (an API token, a portal page). The
    middleware resets the actor when the request ends."""
    _current.set(actor)


@contextmanager
def acting(actor: Actor) -> Iterator[Actor]:
    """Run a block as `actor` (tests, commands and the worker use it)."""
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


_PORTAL_NAMESPACES = {"portal", "agreements_portal", "intake_portal"}


class AuditContextMiddleware:
    """Remember the request's user, address and id for the audit entries it causes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = (request.headers.get("X-Request-ID") or "")[:64] or uuid.uuid4().hex
        token = _current.set(Actor(label=VISITOR, user=getattr(request, "user", None),
                                   ip_address=client_ip(request) or None,
                                   request_id=request_id))
        request.audit_request_id = request_id  # type: ignore[attr-defined]
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)

    def process_view(self, request: HttpRequest, view_func: Callable, args: object,
                     kwargs: object) -> None:
        match = request.resolver_match
        if match is not None and match.namespace in _PORTAL_NAMESPACES:
            actor = current()
            act_as(Actor(label=PORTAL, user=actor.user, ip_address=actor.ip_address,
                         request_id=actor.request_id))


_task_tokens: dict[str, contextvars.Token] = {}


def _task_started(sender: object, task_result: object, **kwargs: object) -> None:
    result_id = str(getattr(task_result, "id", ""))
    _task_tokens[result_id] = _current.set(Actor(label=WORKER, request_id=result_id[:64]))


def _task_finished(sender: object, task_result: object, **kwargs: object) -> None:
    token = _task_tokens.pop(str(getattr(task_result, "id", "")), None)
    if token is not None:
        try:
            _current.reset(token)
        except ValueError:  # finished in another context than it started
            _current.set(None)


def connect_task_signals() -> None:
    """Everything a background task changes is recorded as done by the worker."""
    task_started.connect(_task_started, dispatch_uid="audit-task-started")
    task_finished.connect(_task_finished, dispatch_uid="audit-task-finished")
