"""The signal list's filters: kind, status and client, narrowed in the database."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from rapport.clients.models import Client
from rapport.core.models import Workspace
from rapport.signals.models import Signal, SignalKind

ACTIVE, DISMISSED, EVERY = "active", "dismissed", "all"


class SignalFilterForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), required=False,
                                    queryset=Client.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All kinds")), *SignalKind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        (ACTIVE, _("Counting")), (DISMISSED, _("Dismissed")), (EVERY, _("All"))])

    def __init__(self, workspace: Workspace, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        client = self.fields["client"]
        client.queryset = Client.objects.filter(
            workspace=workspace, pk__in=Signal.objects.filter(workspace=workspace)
            .values("client_id")).order_by("name")
        client.empty_label = _("All")


def by_status(signals: QuerySet[Signal], status: str | None) -> QuerySet[Signal]:
    """Counting signals (the default), dismissed ones, or all of them."""
    if status == DISMISSED:
        return signals.filter(dismissed_at__isnull=False)
    if status == EVERY:
        return signals
    return signals.active()


def matching(workspace: Workspace, filters: dict[str, Any]) -> QuerySet[Signal]:
    """The workspace's signals narrowed by the list's filters (each optional)."""
    signals = Signal.objects.filter(workspace=workspace)
    if filters.get("client"):
        signals = signals.filter(client=filters["client"])
    if filters.get("kind"):
        signals = signals.filter(kind=filters["kind"])
    return by_status(signals, filters.get("status"))


def counts_by_kind(signals: QuerySet[Signal]) -> list[tuple[str, str, int]]:
    """(kind, label, how many) for `signals`, the most frequent first, in one query."""
    labels = dict(SignalKind.choices)
    rows = signals.order_by().values_list("kind").annotate(n=Count("pk")).order_by("-n", "kind")
    return [(kind, labels.get(kind, kind), n) for kind, n in rows]
