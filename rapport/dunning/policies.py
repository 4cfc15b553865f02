"""Reminder policies and their levels: a client's own copy, adding and saving levels.

A level that reminders were sent with is part of their record (title, fee, text), so it is
never deleted; a client's own policy in use likewise stays.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from rapport.clients.models import Client
from rapport.core.models import Workspace
from rapport.dunning.defaults import default_policy
from rapport.dunning.models import DunningLevel, DunningPolicy, Reminder

OWN_LEVELS_IN_USE = _("Reminders were sent with this client's own levels, so they stay; "
                      "adjust or switch them off here instead.")


def own_policy(client: Client) -> DunningPolicy | None:
    """The client's own override, or None when it follows the workspace's policy."""
    return DunningPolicy.objects.filter(client=client).first()


@transaction.atomic
def give_own_levels(client: Client) -> DunningPolicy:
    """A copy of the workspace's policy and levels that the client's reminders follow from
    now on; the workspace's own policy is left as it is."""
    source = default_policy(client.workspace)
    copy = DunningPolicy.objects.create(workspace=client.workspace, client=client,
                                        enabled=source.enabled)
    for level in source.levels.all():
        level.pk = None
        level.policy = copy
        level.save()
    return copy


def follow_workspace_policy(client: Client) -> None:
    """Drop the client's own levels, unless reminders were sent with them."""
    own = own_policy(client)
    if own is None:
        return
    if Reminder.objects.filter(level__policy=own).exists():
        raise ValidationError(OWN_LEVELS_IN_USE, code="in_use")
    own.delete()


@transaction.atomic
def save_levels(policy: DunningPolicy, changed: Iterable[DunningLevel],
                deleted: Iterable[DunningLevel]) -> list[DunningLevel]:
    """Store edited and new levels (new ones go last) and delete the removed ones that
    were never used; returns the removed levels that stay because reminders used them."""
    kept = []
    for level in deleted:
        if Reminder.objects.filter(level=level).exists():
            kept.append(level)
        else:
            level.delete()
    taken = set(policy.levels.values_list("position", flat=True))
    for level in changed:
        level.policy = policy
        if not level.position:
            level.position = max(taken | {0}) + 1
            taken.add(level.position)
        level.save()
    return kept


def add_level(workspace: Workspace) -> DunningLevel:
    """One more level after the workspace's last: two weeks later, with the same text."""
    policy = default_policy(workspace)
    last = policy.levels.order_by("-position").first()
    return policy.levels.create(
        position=(last.position + 1) if last else 1,
        delay_days=(last.delay_days + 14) if last else 3,
        title_de="Weitere Mahnung", title_en="Further notice",
        body_de=last.body_de if last else "", body_en=last.body_en if last else "",
    )

