"""When signal detection fails for one workspace, its new messages are not lost: the
failure is shown on that workspace's dashboard and the next run reads them again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from rapport.core.models import Workspace
from rapport.health.pipeline import follow_up_clients
from rapport.signals import services
from rapport.signals.models import Signal
from tests.conftest import make_client
from tests.signals.helpers import message

RUDE = "Honestly, this is amateurish. What are we paying you for?"
PANEL = 'data-testid="detection-retry"'


@pytest.fixture
def broken(monkeypatch):
    """Detection breaks in the workspaces listed (a database error, a bad detector)."""
    failing: set[int] = set()
    real = services.rejudge_facts

    def rejudge(workspace, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if workspace.pk in failing:
            raise RuntimeError("database is locked")
        return real(workspace, *args, **kwargs)

    monkeypatch.setattr(services, "rejudge_facts", rejudge)
    return failing


def dashboard(user) -> str:  # noqa: ANN001
    http = HttpClient()
    http.force_login(user)
    return http.get(reverse("core:dashboard")).content.decode()


@pytest.mark.django_db
def test_a_workspace_whose_detection_failed_gets_its_signals_at_the_next_run(
        workspace, owner, outsider, broken):
    other = Workspace.objects.get(name="Elsewhere Ltd")
    mine, theirs = make_client(workspace, "Kranich"), make_client(other, "Vogt")
    when = timezone.now() - dt.timedelta(hours=2)
    lost = [message(workspace, mine, RUDE, when), message(workspace, mine, "Danke!", when)]
    seen = message(other, theirs, RUDE, when)

    broken.add(workspace.pk)
    stats = services.detect_new(daily=False)
    assert stats["failed_workspaces"] == 1
    assert Signal.objects.filter(source_id=seen.pk, kind="disrespect").exists()
    assert not Signal.objects.filter(client=mine).exists()
    assert services.message_position() == seen.pk  # the others move on ...
    page = dashboard(owner)  # ... and this workspace says what is pending
    assert PANEL in page
    assert "Signal detection failed for 2 messages — it will be retried." in page
    assert PANEL not in dashboard(outsider)

    services.detect_new(daily=False)  # still broken: still pending, nothing lost
    assert "Signal detection failed for 2 messages" in dashboard(owner)

    broken.clear()
    follow_up_clients.call(other.pk, [theirs.pk])  # any later run retries it
    assert Signal.objects.filter(source_id=lost[0].pk, kind="disrespect").exists()
    assert PANEL not in dashboard(owner)
    assert services.retry_markers() == {}


@pytest.mark.django_db
def test_the_dashboard_names_the_failure_in_german(workspace, owner, broken):
    client = make_client(workspace, "Kranich")
    message(workspace, client, RUDE)
    broken.add(workspace.pk)
    services.detect_new(daily=False)
    owner.language = "de"
    owner.save()
    assert ("Die Erkennung von Warnzeichen ist für 1 Nachricht fehlgeschlagen – sie wird "
            "wiederholt.") in dashboard(owner)
