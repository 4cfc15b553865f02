from django.http import HttpRequest

from rapport.core.models import Workspace


def workspace(request: HttpRequest) -> dict[str, object]:
    """The current workspace and the others the user may switch to, for the header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = getattr(request, "workspace", None)
    return {
        "workspace": current if current else None,
        "all_workspaces": Workspace.objects.filter(memberships__user=user).order_by("name"),
    }
