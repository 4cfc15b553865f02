from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from rapport.timetracking import timer
from rapport.timetracking.forms import client_choices


def timer_control(request: HttpRequest) -> dict[str, object]:
    """The header's timer: what runs now, or whether there is a client to start one for
    (queried only when a page actually shows the header)."""
    user = getattr(request, "user", None)
    workspace = getattr(request, "workspace", None)
    if user is None or not user.is_authenticated or not workspace:
        return {}
    return {
        "running_timer": SimpleLazyObject(lambda: timer.running_anywhere(user) or False),
        # Names are fetched when the select is used, so pages do not carry every client.
        "timer_has_clients": SimpleLazyObject(lambda: client_choices(workspace).exists()),
    }
