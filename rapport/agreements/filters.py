"""The proposal list's filters: status and a search over title and client, in the database."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from rapport.agreements.models import Contract, Proposal
from rapport.core.models import Workspace


class ProposalFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Title or client")}))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), *Proposal.Status.choices])


def proposals(workspace: Workspace, filters: dict[str, Any]) -> QuerySet[Proposal]:
    """The workspace's proposals narrowed by the list's filters (each optional), newest first."""
    rows = Proposal.objects.filter(workspace=workspace)
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    text = (filters.get("q") or "").strip()
    if text:
        rows = rows.filter(Q(title__icontains=text) | Q(client__name__icontains=text))
    return rows.select_related("client").order_by("-created_at", "-pk")


def contracts(workspace: Workspace, filters: dict[str, Any]) -> QuerySet[Contract]:
    """The workspace's contracts, narrowed by the same search (a contract has no status of
    its own to filter by)."""
    rows = Contract.objects.filter(workspace=workspace)
    text = (filters.get("q") or "").strip()
    if text:
        rows = rows.filter(Q(proposal__title__icontains=text)
                           | Q(client__name__icontains=text))
    return rows.select_related("client", "proposal").order_by("-created_at", "-pk")

