"""What a client did that the freelancer should know about, and how they want to hear it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.clients.models import Client
from rapport.core.models import WorkspaceOwned


class Notification(WorkspaceOwned):
    """One event from the client's side; unread until the freelancer marks it read."""

    class Kind(models.TextChoices):
        VIEWED = "viewed", _("Viewed the proposal")
        CHANGES_REQUESTED = "changes", _("Asked for changes")
        ACCEPTED = "accepted", _("Accepted")
        CHANGE_ACCEPTED = "change_accepted", _("Accepted a change order")
        ANSWERED = "answered", _("Answered the questionnaire")
        INVOICE_VIEWED = "invoice_viewed", _("Opened an invoice")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("client"))
    proposal = models.ForeignKey("agreements.Proposal", on_delete=models.CASCADE, null=True,
                                 blank=True, related_name="+")
    subject = models.CharField(_("subject"), max_length=200)
    detail = models.TextField(_("detail"), blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["workspace", "read_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"


class Preference(models.Model):
    """Per user: whether client events also arrive by email (on unless turned off)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notification_preference")
    email = models.BooleanField(
        _("Also tell me by email"), default=True,
        help_text=_("When a client opens, asks for changes to or accepts a proposal, "
                    "accepts a change order or answers the questionnaire."))

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(self.user)
