"""`{% extras_panel client %}` for the client page and `{% log_extra_link … %}`, the
one-keystroke link on a message or the client page."""

from __future__ import annotations

from django import template
from django.utils import formats, timezone

from rapport.clients.models import Client
from rapport.extras import panel

register = template.Library()


@register.inclusion_tag("extras/_panel.html", takes_context=True)
def extras_panel(context: template.Context, client: Client) -> dict[str, object]:
    return {"client": client, "csrf_token": context.get("csrf_token"),
            **panel.context(client, timezone.localdate())}


@register.inclusion_tag("extras/_log_link.html")
def log_extra_link(url: str, shortcut: bool = True) -> dict[str, object]:
    """The "Log an extra request" button; with `shortcut`, reachable by the key x."""
    return {"url": url, "shortcut": shortcut}


@register.filter
def hours(minutes: int | None) -> str:
    """Minutes as hours with one decimal in the reader's format: 90 → "1.5" / "1,5"."""
    return formats.number_format(round((minutes or 0) / 60, 1), 1, use_l10n=True)
