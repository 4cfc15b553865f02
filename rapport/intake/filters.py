"""The prospect list: everyone who is or was vetted, filtered and searched in the database.

A prospect is a client with the status "prospect", or anyone who went through an intake
interview (then the list shows how it was decided)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils.translation import gettext_lazy as _

from rapport.clients.filters import search
from rapport.clients.models import Client
from rapport.core.models import Workspace
from rapport.intake.models import Interview

VETTING, ACCEPTED, DECLINED = "vetting", "accepted", "declined"


class ProspectFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Name, contact or email")}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("All")), (VETTING, _("Being vetted")), (ACCEPTED, _("Became a client")),
        (DECLINED, _("Declined"))])


def prospects(workspace: Workspace, filters: dict[str, Any]) -> QuerySet[Client]:
    """Prospects narrowed by the list's filters: those still to interview first, then by
    newest interview, the decided last; each annotated
    with its latest interview (`interview_pk`, `interview_state`, `interview_started`)."""
    interviews = Interview.objects.filter(client=OuterRef("pk")).order_by("-created_at", "-pk")
    rows = Client.objects.filter(workspace=workspace).filter(
        Q(status=Client.Status.PROSPECT) | Exists(interviews))
    status = filters.get("status")
    if status == VETTING:
        rows = rows.filter(status=Client.Status.PROSPECT)
    elif status == DECLINED:
        rows = rows.filter(status=Client.Status.DECLINED)
    elif status == ACCEPTED:
        rows = rows.exclude(status__in=[Client.Status.PROSPECT, Client.Status.DECLINED])
    rows = search(rows, filters.get("q") or "")
    return rows.annotate(
        interview_pk=Subquery(interviews.values("pk")[:1]),
        interview_state=Subquery(interviews.values("state")[:1]),
        interview_started=Subquery(interviews.values("created_at")[:1]),
        still_vetting=Case(When(status=Client.Status.PROSPECT, then=Value(0)), default=Value(1)),
    ).order_by("still_vetting", F("interview_started").desc(nulls_first=True), "name", "pk")


def label(rows: Iterable[Client]) -> None:
    """Give each row of a page `interview_state_label`, the interview's state in words."""
    states = dict(Interview.State.choices)
    for row in rows:
        row.interview_state_label = states.get(row.interview_state, "")
