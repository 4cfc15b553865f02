"""Signals: one row per observed fact about a client, with its evidence."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.clients.models import Client
from rapport.core.models import WorkspaceOwned


class SignalKind(models.TextChoices):
    AFTER_HOURS = "after_hours", _("Message outside office hours")
    LATE_NIGHT = "late_night", _("Message late at night")
    URGENCY = "urgency", _("Urgency")
    HAGGLING = "haggling", _("Haggling")
    SCOPE_CREEP = "scope_creep", _("Scope creep")
    DISRESPECT = "disrespect", _("Disrespect")
    PAYMENT_EXCUSE = "payment_excuse", _("Payment excuse")
    IGNORES_ADVICE = "ignores_advice", _("Ignores advice")
    SLOW_PAYMENT = "slow_payment", _("Slow payment")
    BROKEN_PROMISE = "broken_promise", _("Broken payment promise")
    KEPT_PROMISE = "kept_promise", _("Kept payment promise")
    UNRESPONSIVE = "unresponsive", _("Does not respond")
    CANCELLATION = "cancellation", _("Late cancellation or no-show")
    OFF_TOPIC_CALLS = "off_topic_calls", _("Calls run off topic")
    INCIDENT = "incident", _("Recorded incident")


class SignalSource(models.TextChoices):
    """What a signal was read from; `Signal.source_id` is that row's primary key."""

    MESSAGE = "message", _("message")
    INVOICE = "invoice", _("invoice")
    PROMISE = "promise", _("payment promise")
    MEETING = "meeting", _("meeting")
    MEETING_CHANGE = "meetingchange", _("meeting change")
    MEETING_LOG = "meetinglog", _("meeting log")
    NOTE = "note", _("note")
    EXTRA_REQUEST = "extrarequest", _("extra request")


# The sources of the fact detectors (`rapport.signals.facts`): their signals are withdrawn
# when the fact no longer holds. Messages are read once by the text detectors instead.
FACT_SOURCES = frozenset(SignalSource) - {SignalSource.MESSAGE}


class SignalQuerySet(models.QuerySet):
    def active(self) -> SignalQuerySet:
        """Signals that count: not dismissed, and of a kind not muted for the client."""
        muted = MutedKind.objects.filter(client=models.OuterRef("client"),
                                         kind=models.OuterRef("kind"))
        return self.filter(dismissed_at__isnull=True).exclude(models.Exists(muted))


class Signal(WorkspaceOwned):
    """A fact with evidence. `source_type`/`source_id` point at the message, invoice,
    reminder, promise, meeting or note it came from; `(source_type, source_id, kind,
    span_start)` is unique, so running a detector twice adds nothing."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="signals",
                               verbose_name=_("client"))
    kind = models.CharField(_("kind"), max_length=20, choices=SignalKind.choices)
    occurred_at = models.DateTimeField(_("when"))
    strength = models.DecimalField(_("strength"), max_digits=3, decimal_places=2)
    # What the detector says, as a message code with typed parameters, rendered in the
    # reader's language by `rapport.signals.explain`. `explanation` is only the sentence
    # of rows written before that (a fallback); new rows leave it empty.
    message_code = models.CharField(max_length=40, blank=True)
    params = models.JSONField(default=dict, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    source_type = models.CharField(max_length=20, choices=SignalSource.choices)
    source_id = models.PositiveBigIntegerField()
    evidence = models.TextField(_("evidence"), blank=True)  # the exact text span, if any
    span_start = models.IntegerField(default=-1)
    span_end = models.IntegerField(default=-1)
    # For incidents: the note's category (`Note.IncidentCategory`), so the health view can
    # map a recorded incident to its warning sign.
    category = models.CharField(_("category"), max_length=30, blank=True)
    dismissed_at = models.DateTimeField(_("dismissed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SignalQuerySet.as_manager()

    class Meta:
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["source_type", "source_id", "kind", "span_start"],
                                    name="signal_once_per_evidence"),
        ]
        indexes = [models.Index(fields=["workspace", "client", "kind"], name="signal_client_kind")]

    def __str__(self) -> str:
        return f"{self.client}: {self.kind}"


class MutedKind(WorkspaceOwned):
    """A kind of signal the user does not want to see for one client."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="muted_kinds")
    kind = models.CharField(max_length=20, choices=SignalKind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "kind"], name="mutedkind_once")]

    def __str__(self) -> str:
        return f"{self.client}: {self.kind}"


class Checkpoint(models.Model):
    """How far `detect_new_signals` has read a source table (the highest primary key seen).

    Not owned by a workspace: the periodic task reads all workspaces' new rows at once."""

    name = models.CharField(max_length=40, unique=True)
    position = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.position}"


class UnlinkedMessage(WorkspaceOwned):
    """An incoming message read before it belonged to a client. When the user links the
    sender later, the next run detects its signals and drops this row."""

    message = models.OneToOneField("comms.Message", on_delete=models.CASCADE,
                                   related_name="+")

    def __str__(self) -> str:
        return str(self.message_id)


class SignalExample(WorkspaceOwned):
    """A sentence the user judged: a warning sign of `kind` (positive) or not (negative,
    from "not a red flag"). The workspace's detector learns from these and only from its
    own: a similar sentence then fires, or no longer fires, for that kind."""

    class Label(models.TextChoices):
        POSITIVE = "positive", _("is a warning sign")
        NEGATIVE = "negative", _("is not a warning sign")

    kind = models.CharField(_("kind"), max_length=20, choices=SignalKind.choices)
    text = models.TextField(_("sentence"))
    normalised = models.TextField(editable=False)
    label = models.CharField(_("label"), max_length=10, choices=Label.choices)
    message = models.ForeignKey("comms.Message", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+", verbose_name=_("message"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("taught example")
        verbose_name_plural = _("taught examples")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["workspace", "kind"], name="signalexample_ws_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.label}: {self.text[:40]}"
