"""Coming back to where the user came from after a form ("?next=/invoices/new/")."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def return_to(request: HttpRequest) -> str:
    """A path on this site to go back to after the form is saved ("" for none).

    Only local paths count, so a crafted link cannot send the user to another site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure())
    return target if safe and target.startswith("/") and not target.startswith("//") else ""
