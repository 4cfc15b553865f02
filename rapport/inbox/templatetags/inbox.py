"""`{{ message|sender:own }}` and `{{ addresses|people:own }}`: your own address reads "you"."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def sender(message: object, own: set[str] | None) -> str:
    """The sender's name (or address); "you" when the freelancer wrote it."""
    address = (getattr(message, "from_address", "") or "").lower()
    if own and address in own:
        return _("you")
    return getattr(message, "from_name", "") or address or "—"


@register.filter
def people(addresses: str, own: set[str] | None) -> str:
    """A comma-separated address list with the freelancer's own addresses as "you"."""
    shown = []
    for address in (a.strip() for a in (addresses or "").split(",")):
        if address:
            shown.append(_("you") if own and address.lower() in own else address)
    return ", ".join(shown)
