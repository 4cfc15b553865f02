"""`{% intake_panel client %}`: the vetting status of a client, for the client page."""

from __future__ import annotations

from django import template

from rapport.clients.models import Client
from rapport.intake import services
from rapport.intake.models import Interview

register = template.Library()


@register.inclusion_tag("intake/_client_panel.html", takes_context=True)
def intake_panel(context: template.Context, client: Client) -> dict[str, object]:
    interview = (Interview.objects.filter(workspace=client.workspace, client=client)
                 .order_by("-created_at", "-pk").first())
    return {
        "client": client, "interview": interview,
        "is_prospect": client.status == Client.Status.PROSPECT,
        "declined_before": (services.declined_before(client)
                            if client.status == Client.Status.PROSPECT else []),
        "csrf_token": context.get("csrf_token"),
    }
