"""Template helpers of comms: `{% client_comms client %}` and notice durations."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import gettext as _

from rapport.comms.stats import describe_lead

register = template.Library()


@register.filter
def notice(lead: dt.timedelta | None) -> str:
    """'cancelled 2 h before start' style durations; negative leads say 'after'."""
    if lead is None:
        return ""
    if lead < dt.timedelta(0):
        return _("%(duration)s after the start") % {"duration": describe_lead(lead)}
    return _("%(duration)s before start") % {"duration": describe_lead(lead)}


@register.filter
def percent(share: float | None) -> str:
    return "–" if share is None else f"{round(share * 100)} %"


@register.filter
def duration(value: dt.timedelta | None) -> str:
    return "–" if value is None else describe_lead(value)


@register.inclusion_tag("comms/_client_comms_loader.html")
def client_comms(client: object) -> dict[str, object]:
    """One line on the client page: the communication section, loaded with htmx."""
    return {"client": client}
