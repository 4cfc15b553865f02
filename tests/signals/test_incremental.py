"""`detect_new_signals`: only what arrived since the last run, in every workspace."""

from __future__ import annotations

import pytest

from rapport.comms.models import Direction, Message, Source
from rapport.signals.models import Checkpoint, Signal, UnlinkedMessage
from rapport.signals.services import detect_new
from rapport.signals.tasks import detect_new_signals
from tests.conftest import make_client
from tests.signals.helpers import at, message

pytestmark = pytest.mark.django_db


def test_new_messages_are_read_once_and_the_checkpoint_moves(workspace):
    client = make_client(workspace)
    message(workspace, client, "Das ist uns zu teuer.")
    assert detect_new(now=at(2026, 11, 5))["messages"] == 1
    assert Signal.objects.filter(kind="haggling").count() == 1
    assert Checkpoint.objects.get(name="message").position == Message.objects.latest("pk").pk
    assert detect_new(now=at(2026, 11, 5))["messages"] == 0
    message(workspace, client, "Bitte ASAP.")
    assert detect_new(now=at(2026, 11, 5))["messages"] == 1
    assert set(Signal.objects.values_list("kind", flat=True)) == {"haggling", "urgency"}


def test_a_message_linked_to_a_client_later_is_read_then(workspace):
    loose = Message.objects.create(
        workspace=workspace, dedup_key="loose", thread_key="l", date=at(2026, 11, 4),
        body_text="Geht da noch was beim Preis?", direction=Direction.INBOUND,
        source=Source.EML)
    detect_new(now=at(2026, 11, 5))
    assert UnlinkedMessage.objects.filter(message=loose).exists()
    assert not Signal.objects.exists()
    loose.client = make_client(workspace)
    loose.save()
    detect_new(now=at(2026, 11, 5))
    assert Signal.objects.get().kind == "haggling"
    assert not UnlinkedMessage.objects.exists()


def test_the_task_runs_the_same_service(workspace):
    client = make_client(workspace)
    message(workspace, client, "Wir zahlen nächste Woche.")
    result = detect_new_signals.call()
    assert result["messages"] == 1
    assert Signal.objects.get().kind == "payment_excuse"


def test_an_overdue_invoice_is_revisited_as_time_passes(workspace):
    import datetime as dt

    from rapport.billing import services as billing
    from tests.billing.factories import billable_client, make_billable

    make_billable(workspace)
    client = billable_client(workspace)
    invoice = billing.new_draft(workspace, client)
    billing.add_line(invoice, "Texte", 1, "100.00")
    billing.issue(invoice, dt.date(2026, 9, 1))
    detect_new(now=at(2026, 9, 25))
    weak = Signal.objects.get(kind="slow_payment").strength
    assert detect_new(now=at(2026, 11, 1))["clients"] == 1
    assert Signal.objects.get(kind="slow_payment").strength > weak
    # Later the same day nothing has aged: the run reads no client at all.
    assert detect_new(now=at(2026, 11, 1, 15))["clients"] == 0
    assert detect_new(now=at(2026, 11, 2))["clients"] == 1
