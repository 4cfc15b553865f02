"""Webhooks against a real loopback HTTP server: signed, retried with backoff, logged."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from rapport.billing import services as billing
from rapport.webhooks import services, signing
from rapport.webhooks.models import Delivery, Endpoint
from rapport.webhooks.tasks import deliver_webhook
from tests.billing.factories import billable_client, make_billable
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _loopback_allowed(settings):
    settings.RAPPORT_ALLOW_PRIVATE_ADDRESSES = True


@pytest.fixture
def issued(workspace):
    make_billable(workspace)
    client = billable_client(workspace)
    invoice = billing.new_draft(workspace, client)
    billing.add_line(invoice, "Copywriting", 1, 100)
    return billing.issue(invoice)


def _endpoint(workspace, url, events=("invoice.paid",)):
    return Endpoint.objects.create(workspace=workspace, url=url, events=list(events))


def test_paying_an_invoice_posts_a_signed_event_the_receiver_can_verify(
        workspace, issued, django_capture_on_commit_callbacks):
    with Receiver([200]) as receiver:
        endpoint = _endpoint(workspace, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            billing.record_payment(issued, "119.00")
        delivery = Delivery.objects.get()
        assert delivery.event == "invoice.paid"
        assert deliver_webhook.call(delivery.pk) == "delivered"
    [request] = receiver.received
    assert request.path == "/hooks/rapport"
    assert request.headers["Rapport-Event"] == "invoice.paid"
    assert request.headers["Content-Type"] == "application/json"
    signature = request.headers["Rapport-Signature"]
    assert signing.verify(endpoint.secret, signature, request.body)
    assert not signing.verify("whsec_wrong", signature, request.body)
    assert not signing.verify(endpoint.secret, signature, request.body + b" ")
    event = json.loads(request.body)
    assert event["type"] == "invoice.paid" and event["id"] == str(delivery.event_id)
    assert event["data"]["invoice"]["number"] == issued.number
    assert event["data"]["invoice"]["paid_total"] == "119.00"


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body():
    import hashlib
    import hmac

    header = signing.sign("s3cret", b'{"a":1}', timestamp=1700000000)
    digest = hmac.new(b"s3cret", b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={digest}"
    assert signing.verify("s3cret", header, b'{"a":1}', now=1700000100)
    assert not signing.verify("s3cret", header, b'{"a":1}', now=1700000000 + 301)  # a replay


def test_a_failed_delivery_is_retried_with_backoff_until_it_succeeds(
        workspace, django_capture_on_commit_callbacks):
    with Receiver([500, 200]) as receiver:
        endpoint = _endpoint(workspace, receiver.url)
        delivery = services.send_test(endpoint)
        now = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            assert services.attempt(delivery.pk, now) == "retrying"
        delivery.refresh_from_db()
        assert delivery.attempts == 1
        assert delivery.next_attempt_at == now + dt.timedelta(seconds=30)
        first = delivery.attempt_log.get()
        assert first.status_code == 500 and first.duration_ms >= 0
        # The retry is queued for the worker, to run when it is due.
        queued = DBTaskResult.objects.filter(
            task_path="rapport.webhooks.tasks.deliver_webhook").order_by("-enqueued_at").first()
        assert queued is not None and queued.run_after == delivery.next_attempt_at

        assert services.attempt(delivery.pk, now + dt.timedelta(seconds=10)) == "not-due"
        assert len(receiver.received) == 1
        assert services.attempt(delivery.pk, now + dt.timedelta(seconds=31)) == "delivered"
    delivery.refresh_from_db()
    assert delivery.state == "delivered" and delivery.attempts == 2
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 200]
    bodies = {r.body for r in receiver.received}
    assert len(bodies) == 1  # the same event each time
    assert all(signing.verify(endpoint.secret, r.headers["Rapport-Signature"], r.body)
               for r in receiver.received)


def test_the_pauses_double_and_the_attempts_are_capped(workspace):
    assert [services.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert services.backoff(20) == dt.timedelta(hours=6)
    with Receiver([503]) as receiver:
        delivery = services.send_test(_endpoint(workspace, receiver.url))
        now = timezone.now()
        for _ in range(services.MAX_ATTEMPTS):
            services.attempt(delivery.pk, now)
            now += dt.timedelta(hours=7)
        assert services.attempt(delivery.pk, now) == "not-due"
    delivery.refresh_from_db()
    assert delivery.state == "gave_up" and delivery.next_attempt_at is None
    assert len(receiver.received) == services.MAX_ATTEMPTS


def test_private_addresses_are_refused_unless_allowed(workspace, settings, owner_http):
    settings.RAPPORT_ALLOW_PRIVATE_ADDRESSES = False
    with Receiver([200]) as receiver:
        delivery = services.send_test(_endpoint(workspace, receiver.url))
        assert services.attempt(delivery.pk) == "retrying"
    assert receiver.received == []
    assert delivery.attempt_log.get().error == "address not allowed"
    page = owner_http.post("/webhooks/", {"url": "http://127.0.0.1:9/x",
                                          "events": ["invoice.paid"]})
    assert "This address is not public" in page.content.decode()
    assert Endpoint.objects.count() == 1


def test_redeliver_sends_the_same_event_again(workspace, owner_http):
    with Receiver([200]) as receiver:
        endpoint = _endpoint(workspace, receiver.url)
        owner_http.post(f"/webhooks/{endpoint.pk}/test/")
        first = Delivery.objects.get()
        services.attempt(first.pk)
        owner_http.post(f"/webhooks/deliveries/{first.pk}/redeliver/")
        again = Delivery.objects.exclude(pk=first.pk).get()
        services.attempt(again.pk)
    assert again.event_id == first.event_id
    assert [json.loads(r.body)["type"] for r in receiver.received] == ["ping", "ping"]
    page = owner_http.get("/webhooks/").content.decode()
    assert "HTTP 200" in page and "Delivered" in page


def test_redeliver_on_a_failing_delivery_tries_it_now_instead_of_waiting(workspace):
    with Receiver([500, 200]) as receiver:
        delivery = services.send_test(_endpoint(workspace, receiver.url))
        assert services.attempt(delivery.pk) == "retrying"
        assert services.redeliver(delivery) == delivery
        assert services.attempt(delivery.pk) == "delivered"
    assert Delivery.objects.count() == 1 and len(receiver.received) == 2


def test_another_workspaces_endpoints_and_deliveries_are_out_of_reach(workspace, outsider,
                                                                     owner_http):
    from rapport.core.models import Workspace

    other = Workspace.objects.get(name="Elsewhere Ltd")
    theirs = _endpoint(other, "https://example.com/hook")
    delivery = services.send_test(theirs)
    assert owner_http.post(f"/webhooks/{theirs.pk}/test/").status_code == 404
    assert owner_http.post(f"/webhooks/{theirs.pk}/delete/").status_code == 404
    assert owner_http.post(f"/webhooks/deliveries/{delivery.pk}/redeliver/").status_code == 404
    assert "example.com/hook" not in owner_http.get("/webhooks/").content.decode()


def test_a_change_of_a_clients_overall_health_is_announced_once(
        workspace, client_obj, django_capture_on_commit_callbacks):
    from rapport.health.models import HealthSnapshot
    from rapport.webhooks import health

    _endpoint(workspace, "https://example.com/hook", events=["client.health_changed"])
    snapshot = HealthSnapshot.objects.create(
        workspace=workspace, client=client_obj, as_of=timezone.localdate(), settings_key="k",
        signs=[["late_payment", "none", 0, 0, 0, 0, [], [], ""]])
    assert health.check_changes(workspace.pk) == 0  # first sight: nothing changed yet
    snapshot.signs = [["late_payment", "watch", 3, 1, 0, 0, [], [], ""],
                      ["scope_creep", "none", 0, 0, 0, 0, [], [], ""]]
    snapshot.save()
    with django_capture_on_commit_callbacks() as queued:
        assert health.check_changes(workspace.pk) == 1
    assert health.check_changes(workspace.pk) == 0  # told once
    delivery = Delivery.objects.get()
    assert delivery.event == "client.health_changed" and len(queued) == 1
    assert delivery.payload["data"]["health"] == {"before": "none", "after": "watch"}
    assert delivery.payload["data"]["client"]["name"] == client_obj.name


def test_a_finished_health_task_checks_for_changes(workspace, client_obj):
    from django_tasks.signals import task_finished

    from rapport.health.models import HealthSnapshot
    from rapport.health.tasks import refresh_health
    from rapport.webhooks.models import ClientHealthState

    _endpoint(workspace, "https://example.com/hook", events=["client.health_changed"])
    HealthSnapshot.objects.create(workspace=workspace, client=client_obj,
                                  as_of=timezone.localdate(), settings_key="k",
                                  signs=[["late_payment", "present", 9, 3, 0, 0, [], [], ""]])
    result = refresh_health.enqueue()
    task_finished.send(sender=type(result.task.get_backend()), task_result=result)
    assert ClientHealthState.objects.get(client=client_obj).status == "present"
