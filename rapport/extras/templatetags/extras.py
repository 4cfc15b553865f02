"""`{% extras_panel client %}` for the client page and `{% log_extra_link … %}`, the
one-keystroke link on a message or the client page."""

from __future__ import annotations

from django import template
from django.utils import formats

from rapport.clients.models import Client
from rapport.core import clock
from rapport.extras import panel
from rapport.extras.charts import rate_svg
from rapport.extras.rate import convert_contracted, real_rate

register = template.Library()


@register.inclusion_tag("extras/_panel.html", takes_context=True)
def extras_panel(context: template.Context, client: Client) -> dict[str, object]:
    return {"client": client, "csrf_token": context.get("csrf_token"),
            **panel.context(client, clock.today())}


@register.inclusion_tag("extras/_dashboard.html", takes_context=True)
def recurring_extras(context: template.Context) -> dict[str, object]:
    """On the dashboard: every client whose unpaid extras recur, with a link to the
    proposal on their page."""
    workspace = context["request"].workspace
    return {"found": panel.workspace_recurrences(workspace, clock.today())}


@register.inclusion_tag("extras/_rate.html")
def real_rate_panel(client: Client, rates_note: bool = True) -> dict[str, object]:
    """The real hourly rate with its trend, for the client page and the health view
    (which states the exchange rates once, under its value side: `rates_note=False`)."""
    today = clock.today()
    rate = real_rate(client, today)
    return {"rate": rate, "chart": rate_svg(rate, convert_contracted(rate, today)),
            "rates_note": rates_note}


@register.inclusion_tag("extras/_log_link.html")
def log_extra_link(url: str, shortcut: bool = True) -> dict[str, object]:
    """The "Log an extra request" button; with `shortcut`, reachable by the key x."""
    return {"url": url, "shortcut": shortcut}


@register.filter
def hours(minutes: int | None) -> str:
    """Minutes as hours with one decimal in the reader's format: 90 → "1.5" / "1,5"."""
    return formats.number_format(round((minutes or 0) / 60, 1), 1, use_l10n=True)
