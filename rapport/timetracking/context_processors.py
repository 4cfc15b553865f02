from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from rapport.timetracking import timer
from rapport.timetracking.forms import client_choices


def timer_control(request: HttpRequest) -> dict[str, object]:
    """The header's timer: what runs now, or the clients to start one for (queried only
    when a page actually shows the header)."""
    user = getattr(request, "user", None)
    workspace = getattr(request, "workspace", None)
    if user is None or not user.is_authenticated or not workspace:
        return {}
    return {
        "running_timer": SimpleLazyObject(lambda: timer.running_anywhere(user) or False),
        "timer_clients": SimpleLazyObject(lambda: list(client_choices(workspace))),
    }
