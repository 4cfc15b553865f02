"""Stored assessments must always say what a fresh assessment says."""

import datetime as dt
from io import StringIO

import pytest
from django.utils import timezone

from rapport.health import snapshots
from rapport.health.assessment import assess_portfolio, health_settings
from rapport.health.models import HealthSnapshot
from rapport.signals import services
from rapport.signals.models import Signal
from tests.conftest import make_client
from tests.health.helpers import signal
from tests.signals.helpers import message

pytestmark = pytest.mark.django_db


def _view(portfolio):
    return [(h.client.name, h.status, h.recommendation.key, h.new_this_week, h.changes,
             [(s.key, s.status, s.count, s.score, s.previous_score, s.breaches)
              for s in h.signs]) for h in portfolio]


def _same(workspace, today=None):
    assert _view(snapshots.portfolio(workspace, today)) == _view(
        assess_portfolio(workspace, today))


@pytest.fixture
def clients(workspace):
    late, calm = make_client(workspace, "Late Ltd"), make_client(workspace, "Calm AG")
    for client in (late, calm):
        client.change_status("active")
    for days in (3, 9, 30, 40):
        signal(late, "slow_payment", days)
    signal(calm, "urgency", 5)
    return late, calm


def test_snapshots_follow_dismissing_muting_settings_and_the_date(workspace, clients):
    late, calm = clients
    _same(workspace)
    assert HealthSnapshot.objects.count() == 2
    services.dismiss(Signal.objects.filter(client=late).first())
    _same(workspace)
    services.mute(calm, "urgency")
    _same(workspace)
    services.unmute(calm, "urgency")
    _same(workspace)
    settings = health_settings(workspace)
    settings.present_threshold = 9
    settings.save()
    _same(workspace)
    workspace.non_negotiables = ["No calls on Sundays"]
    workspace.save()
    _same(workspace)
    # Two months later the old signals have left the window.
    _same(workspace, timezone.localdate() + dt.timedelta(days=60))


def test_new_signals_from_the_detectors_make_the_snapshot_dirty(workspace, clients):
    _late, calm = clients
    snapshots.portfolio(workspace)
    assert not HealthSnapshot.objects.filter(dirty_at__isnull=False).exists()
    for days in (1, 2, 3):
        message(workspace, calm, "Das ist dringend, bitte sofort!",
                timezone.now() - dt.timedelta(days=days))
    services.detect_new()  # written with bulk_create: no model signals
    assert HealthSnapshot.objects.get(client=calm).dirty_at is not None
    _same(workspace)
    assert HealthSnapshot.objects.get(client=calm).dirty_at is None
    calm_health = next(h for h in snapshots.portfolio(workspace) if h.client == calm)
    assert calm_health.sign("unreasonable_demands").count >= 3


def test_the_tick_prepares_the_snapshots(workspace, clients):
    from django.core.management import call_command

    late, calm = clients
    call_command("tick", "--now", stdout=StringIO())
    stored = {s.client_id: s for s in HealthSnapshot.objects.all()}
    assert set(stored) == {late.pk, calm.pk}
    assert all(s.dirty_at is None and s.as_of == timezone.localdate(timezone=workspace.tz)
               for s in stored.values())
    assert {row[0]: row[1] for row in stored[late.pk].signs}["slow_to_pay"] == "present"


def test_refreshing_one_client_stores_what_a_full_recompute_says_and_counts_only_its_facts(
        workspace):
    from rapport.billing import services as billing
    from tests.billing.factories import billable_client, make_billable

    make_billable(workspace)
    mine, other = (billable_client(workspace, name) for name in ("Eigen GmbH", "Andere AG"))
    for client in (mine, other):
        client.change_status("active")
    for number in range(3):
        invoice = billing.new_draft(workspace, mine if number else other)
        billing.add_line(invoice, "Texte", 1, "100.00")
        billing.issue(invoice, timezone.localdate() - dt.timedelta(days=30))
    billing.cancel(invoice)  # mine: one issued, one cancelled, and the cancellation
    billing.add_line(billing.new_draft(workspace, mine), "Entwurf", 1, "50.00")
    for days in (1, 2):
        message(workspace, mine, "Das ist dringend, bitte sofort!",
                timezone.now() - dt.timedelta(days=days))
    message(workspace, other, "Danke!", timezone.now() - dt.timedelta(days=1))
    services.detect_new()
    snapshots.refresh_clients(workspace, [other.pk])
    before = HealthSnapshot.objects.get(client=other).computed_at

    assert snapshots.refresh_clients(workspace, [mine.pk]) == [mine.pk]
    stored = HealthSnapshot.objects.get(client=mine)
    # Issued invoices, the cancelled one included, but neither drafts nor cancellations.
    assert (stored.messages, stored.invoices) == (2, 2)
    assert stored.dirty_at is None
    assert HealthSnapshot.objects.get(client=other).computed_at == before
    assert _view(snapshots.portfolio(workspace)) == _view(assess_portfolio(workspace))
    assert next(h for h in snapshots.portfolio(workspace) if h.client == mine).sign(
        "unreasonable_demands").count == 2


def test_after_hours_share_is_counted_per_window_as_the_full_assessment_reads_it(workspace):
    """A refresh counts the client's incoming mail per window in the database: the share
    that decides whether after-hours mail counts must come out as from the mail's dates,
    today and a week ago, in this window and the one before, at the windows' edges."""
    client = make_client(workspace, "Evening GmbH")
    client.change_status("active")
    tz, today = workspace.tz, timezone.localdate()

    def write(days_ago: int, hour: int) -> None:
        moment = dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(hour, 30),
                                     tzinfo=tz)
        message(workspace, client, "Kurze Rückfrage zum Entwurf.", moment)

    window = health_settings(workspace).window_days
    for days_ago in (0, 2, 4, 6, 7, 8, window - 1, window, window + 6, window + 7):
        write(days_ago, 11)  # in office hours, on the edges of this week and the windows
    for days_ago in (3, 5, window + 3):
        write(days_ago, 19)  # in the evening
    services.detect_for_client(client)
    counted = {}
    for share in (10, 25, 30, 50):
        settings = health_settings(workspace)
        settings.after_hours_share = share
        settings.save()
        for day in (today, today - dt.timedelta(days=4), today + dt.timedelta(days=3)):
            snapshots.refresh_clients(workspace, [client.pk], day)
            _same(workspace, day)
        [health] = snapshots.portfolio(workspace, today)
        counted[share] = health.sign("unreasonable_demands").count
    assert counted[10] >= 3 and counted[50] == 0  # the share decides, as set
