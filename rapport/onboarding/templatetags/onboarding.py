"""`{% load onboarding %}`: the first-run checklist on the dashboard."""

from __future__ import annotations

from django import template

from rapport.onboarding import checklist
from rapport.onboarding.views import HIDDEN_KEY

register = template.Library()


@register.inclusion_tag("onboarding/_checklist.html", takes_context=True)
def onboarding_checklist(context: template.Context) -> dict:
    """Shown until every step is done, unless hidden for this workspace.

    Once complete it is remembered in the session, so a busy dashboard does not pay for
    the checklist's queries on every visit."""
    request = context["request"]
    workspace = request.workspace
    hidden = workspace.pk in request.session.get(HIDDEN_KEY, [])
    steps = [] if hidden else checklist.steps(workspace)
    done = sum(step.done for step in steps)
    if steps and done == len(steps):  # finished: no more queries for it on the dashboard
        request.session[HIDDEN_KEY] = sorted({*request.session.get(HIDDEN_KEY, []),
                                              workspace.pk})
    return {"steps": steps if done < len(steps) else [], "done": done, "total": len(steps),
            "request": request, "csrf_token": context.get("csrf_token")}
