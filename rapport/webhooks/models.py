"""Webhook endpoints of a workspace, the deliveries sent to them and every attempt."""

from __future__ import annotations

import secrets
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.clients.models import Client
from rapport.core.models import WorkspaceOwned


class Event(models.TextChoices):
    INVOICE_PAID = "invoice.paid", _("Invoice paid in full")
    PROPOSAL_ACCEPTED = "proposal.accepted", _("Proposal accepted")
    CLIENT_HEALTH_CHANGED = "client.health_changed", _("Client health changed")
    PING = "ping", _("Test event")


SUBSCRIBABLE = [Event.INVOICE_PAID, Event.PROPOSAL_ACCEPTED, Event.CLIENT_HEALTH_CHANGED]


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class Endpoint(WorkspaceOwned):
    url = models.URLField(_("URL"), max_length=500,
                          help_text=_("Where the events are posted; a public https address."))
    secret = models.CharField(_("signing secret"), max_length=80, default=new_secret,
                              editable=False)
    events = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.url

    def event_labels(self) -> list[str]:
        return [str(Event(e).label) for e in self.events if e in Event.values]


class Delivery(WorkspaceOwned):
    """One event for one endpoint; tried until it succeeds or the attempts run out."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        RETRYING = "retrying", _("Failed, will retry")
        GAVE_UP = "gave_up", _("Failed, gave up")

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("event"), max_length=40, choices=Event.choices)
    event_id = models.UUIDField(_("event ID"), default=uuid.uuid4)
    payload = models.JSONField(_("payload"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"],
                                name="webhook_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.state})"

    @property
    def last_attempt(self) -> Attempt | None:
        attempts = list(self.attempt_log.all())
        return attempts[-1] if attempts else None


class Attempt(models.Model):
    """One try: what came back and how long it took (the remote body is never kept)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(_("when"))
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    error = models.CharField(_("error"), max_length=200, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"


class ClientHealthState(WorkspaceOwned):
    """The overall health a client was last announced with, to notice when it changes."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10)
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.client_id}: {self.status}"
