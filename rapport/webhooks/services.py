"""Queueing, sending and retrying webhook deliveries.

An event becomes one `Delivery` per subscribed endpoint inside the transaction that
caused it; the worker sends it after the commit. A failed attempt (no answer, or any
status outside 2xx) is retried with exponential backoff — 30 s, 1 min, 2 min, … — up to
`MAX_ATTEMPTS`; then the delivery is given up and the log says so ("redeliver" starts over).
Connections go only to public addresses (`rapport.core.netguard`), without following
redirects, with a time limit; the receiver's answer is never stored or shown.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import logging
import time
import uuid
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Q

from rapport.core import clock, netguard
from rapport.webhooks import signing
from rapport.webhooks.models import Attempt, Delivery, Endpoint, Event

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY = dt.timedelta(seconds=30)
LONGEST_WAIT = dt.timedelta(hours=6)
TIMEOUT_SECONDS = 10
STALE_CLAIM = dt.timedelta(minutes=5)
USER_AGENT = "Rapport-Webhooks/1"


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failure: 30 s, 1 min, 2 min, … at most 6 h."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)


def envelope(event: str, workspace_id: int, data: dict, event_id: uuid.UUID | None = None,
             ) -> tuple[uuid.UUID, dict]:
    event_id = event_id or uuid.uuid4()
    return event_id, {"id": str(event_id), "type": event, "workspace": workspace_id,
                      "created": clock.now().isoformat(timespec="seconds"), "data": data}


def _schedule(delivery_ids: list[int], when: dt.datetime | None = None) -> None:
    from rapport.webhooks.tasks import deliver_webhook

    def enqueue() -> None:
        task = deliver_webhook.using(run_after=when) if when else deliver_webhook
        for pk in delivery_ids:
            task.enqueue(pk)

    transaction.on_commit(enqueue, robust=True)


def emit(workspace_id: int, event: str, data: dict) -> list[Delivery]:
    """Queue `event` for every active endpoint of the workspace that subscribed to it;
    sent by the worker once the current transaction commits."""
    endpoints = [e for e in Endpoint.objects.filter(workspace_id=workspace_id, active=True)
                 if event in (e.events or [])]
    if not endpoints:
        return []
    event_id, payload = envelope(event, workspace_id, data)
    deliveries = [Delivery.objects.create(workspace_id=workspace_id, endpoint=endpoint,
                                          event=event, event_id=event_id, payload=payload)
                  for endpoint in endpoints]
    _schedule([d.pk for d in deliveries])
    return deliveries


def send_test(endpoint: Endpoint) -> Delivery:
    """A "ping" to check the URL and the signature on the receiving side."""
    event_id, payload = envelope(Event.PING, endpoint.workspace_id,
                                 {"message": "Test event from Rapport", "endpoint": endpoint.url})
    delivery = Delivery.objects.create(workspace_id=endpoint.workspace_id, endpoint=endpoint,
                                       event=Event.PING, event_id=event_id, payload=payload)
    _schedule([delivery.pk])
    return delivery


def redeliver(delivery: Delivery) -> Delivery:
    """Send the same event (same id, so the receiver can recognise it) once more: a
    delivery still being retried is tried now, a finished one gets a new delivery."""
    if Delivery.objects.filter(pk=delivery.pk, state=Delivery.State.RETRYING).update(
            next_attempt_at=clock.now()):
        _schedule([delivery.pk])
        return delivery
    copy = Delivery.objects.create(workspace_id=delivery.workspace_id,
                                   endpoint=delivery.endpoint, event=delivery.event,
                                   event_id=delivery.event_id, payload=delivery.payload)
    _schedule([copy.pk])
    return copy


def _claim(delivery_id: int, now: dt.datetime) -> bool:
    """Take the delivery for this worker; exactly one concurrent caller gets True."""
    due = (Q(state=Delivery.State.PENDING)
           | Q(state=Delivery.State.RETRYING, next_attempt_at__lte=now)
           | Q(state=Delivery.State.SENDING, claimed_at__lt=now - STALE_CLAIM))
    return bool(Delivery.objects.filter(due, pk=delivery_id).update(
        state=Delivery.State.SENDING, claimed_at=now))


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST through the address guard; returns the status code (the body is drained a
    little and dropped). Raises netguard.NotAllowed / Unreachable."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise netguard.NotAllowed("only http and https")
    connection_class = (http.client.HTTPSConnection if parts.scheme == "https"
                        else http.client.HTTPConnection)
    connection = netguard.guarded(connection_class(parts.hostname, parts.port,
                                                   timeout=TIMEOUT_SECONDS))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)
        return response.status
    except (OSError, http.client.HTTPException) as exc:
        if isinstance(exc, netguard.NotAllowed | netguard.Unreachable):
            raise
        raise netguard.Unreachable("no answer") from exc
    finally:
        connection.close()


def _error_text(exc: Exception) -> str:
    if isinstance(exc, netguard.NotAllowed):
        return "address not allowed"
    if isinstance(exc, TimeoutError) or "timed out" in str(exc):
        return "timed out"
    return "no answer"


def attempt(delivery_id: int, now: dt.datetime | None = None) -> str:
    """Send one delivery if it is due; record the attempt and plan the next one."""
    now = now or clock.now()
    if not _claim(delivery_id, now):
        return "not-due"
    delivery = Delivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
               "Rapport-Event": delivery.event, "Rapport-Delivery": str(delivery.event_id),
               signing.HEADER: signing.sign(endpoint.secret, body)}
    started = time.monotonic()
    status, error = None, ""
    try:
        status = post(endpoint.url, body, headers)
    except (netguard.NotAllowed, netguard.Unreachable) as exc:
        error = _error_text(exc)
    duration = int((time.monotonic() - started) * 1000)
    Attempt.objects.create(delivery=delivery, at=now, status_code=status,
                           duration_ms=duration, error=error)
    delivery.attempts += 1
    if status is not None and 200 <= status < 300:
        delivery.state, delivery.delivered_at, delivery.next_attempt_at = (
            Delivery.State.DELIVERED, now, None)
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.state, delivery.next_attempt_at = Delivery.State.GAVE_UP, None
    else:
        delivery.state = Delivery.State.RETRYING
        delivery.next_attempt_at = now + backoff(delivery.attempts)
        _schedule([delivery.pk], delivery.next_attempt_at)
    delivery.save(update_fields=["attempts", "state", "delivered_at", "next_attempt_at"])
    if delivery.state != Delivery.State.DELIVERED:
        logger.info("Webhook delivery %s failed (%s)", delivery.pk, status or error)
    return delivery.state
