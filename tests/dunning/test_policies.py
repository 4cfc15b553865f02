"""A client's own reminder levels, adding levels and saving them: the rules behind the
policy page, at the service level."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from rapport.core import clock
from rapport.dunning import policies, services
from rapport.dunning.defaults import default_policy
from rapport.dunning.models import DunningLevel, DunningPolicy

pytestmark = pytest.mark.django_db
DUE = dt.date(2026, 3, 16)


def test_own_levels_are_a_copy_the_workspace_policy_does_not_see(overdue):
    workspace_levels = list(default_policy(overdue.workspace).levels.all())
    own = policies.give_own_levels(overdue.client)
    assert services.policy_for(overdue) == own
    copied = list(own.levels.all())
    assert [lv.title_en for lv in copied] == [lv.title_en for lv in workspace_levels]
    assert not {lv.pk for lv in copied} & {lv.pk for lv in workspace_levels}
    first = copied[0]
    before = first.delay_days
    first.delay_days = before + 10
    first.save()
    assert default_policy(overdue.workspace).levels.get(position=first.position
                                                        ).delay_days == before


def test_a_client_without_reminders_on_its_own_levels_follows_the_workspace_again(overdue):
    policies.give_own_levels(overdue.client)
    policies.follow_workspace_policy(overdue.client)
    assert policies.own_policy(overdue.client) is None
    assert services.policy_for(overdue).client is None


def test_own_levels_that_reminders_were_sent_with_stay(overdue):
    own = policies.give_own_levels(overdue.client)
    with clock.travel(DUE + dt.timedelta(days=3)):
        services.run_now(overdue.workspace)
    assert overdue.reminders.filter(level__policy=own).exists()
    with pytest.raises(ValidationError):
        policies.follow_workspace_policy(overdue.client)
    assert DunningPolicy.objects.filter(client=overdue.client).exists()


def test_a_deleted_level_that_was_used_stays_and_new_levels_go_last(overdue):
    policy = default_policy(overdue.workspace)
    with clock.travel(DUE + dt.timedelta(days=3)):
        services.run_now(overdue.workspace)
    used = overdue.reminders.get().level
    unused = policy.levels.exclude(pk=used.pk).order_by("position").last()
    new = DunningLevel(policy=policy, delay_days=90, title_de="Letzte", title_en="Last",
                       body_de="x", body_en="x")
    kept = policies.save_levels(policy, [new], [used, unused])
    assert kept == [used]
    assert policy.levels.filter(pk=used.pk).exists()
    assert not policy.levels.filter(pk=unused.pk).exists()
    assert new.position == max(policy.levels.values_list("position", flat=True))


def test_an_added_level_comes_two_weeks_after_the_last_with_its_text(workspace):
    last = default_policy(workspace).levels.order_by("-position").first()
    added = policies.add_level(workspace)
    assert added.position == last.position + 1
    assert added.delay_days == last.delay_days + 14
    assert added.body_de == last.body_de and added.title_en == "Further notice"
