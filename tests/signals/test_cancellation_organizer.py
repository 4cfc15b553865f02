"""Only the client's own late cancellations count against them, worded like the timeline."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from rapport.comms.models import Meeting, MeetingChange, Source
from rapport.comms.stats import counts_for
from rapport.signals import services
from rapport.signals.explain import explain
from rapport.signals.models import Signal
from tests.billing.factories import billable_client
from tests.signals.helpers import at

pytestmark = pytest.mark.django_db
START = at(2026, 10, 5, 10)
NOTICE = dt.timedelta(minutes=30)


@pytest.fixture
def client(workspace):
    workspace.language = "en"
    workspace.email = "olga@studio-nord.example"
    workspace.save()
    return billable_client(workspace, "Meridian Lane Events")


def _cancelled(client, organizer: str, uid: str) -> Meeting:
    meeting = Meeting.objects.create(
        workspace=client.workspace, uid=uid, summary="Check-in", start=START,
        end=START + dt.timedelta(hours=1), client=client, source=Source.ICS,
        organizer=organizer, status=Meeting.Status.CANCELLED, cancelled_at=START - NOTICE)
    MeetingChange.objects.create(workspace=client.workspace, meeting=meeting,
                                 kind="cancelled", old_start=START,
                                 changed_at=START - NOTICE, lead_time=NOTICE)
    return meeting


def test_a_meeting_the_freelancer_organized_and_cancelled_does_not_count(client):
    _cancelled(client, "olga@studio-nord.example", "mine")
    services.detect_for_client(client, now=at(2026, 10, 20))
    assert not Signal.objects.filter(client=client, kind="cancellation").exists()
    assert counts_for(client, now=at(2026, 10, 20)).late_cancellations == 0


def test_the_clients_late_cancellation_counts_and_says_30_min_like_the_timeline(client):
    meeting = _cancelled(client, "mara@meridian.example", "theirs")
    services.detect_for_client(client, now=at(2026, 10, 20))
    signal = Signal.objects.get(client=client, kind="cancellation")
    with translation.override("en"):  # rendered for each reader from the stored facts
        assert "cancelled 30 min before the start" in explain(signal)
        assert "0 h" not in explain(signal)
    with translation.override("de"):
        assert "30 Min. vor Beginn" in explain(signal) and "0 Stunden" not in explain(signal)
    assert counts_for(client, now=at(2026, 10, 20)).late_cancellations == 1
    with translation.override("de"):
        badge = Template("{% load comms %}{{ lead|notice }}").render(
            Context({"lead": meeting.cancellation_lead}))
        assert "30 Min." in badge
