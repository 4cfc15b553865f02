"""What the freelancer told the inbox to leave alone: senders, domains, calendar entries."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.comms.models import Meeting
from rapport.core.models import WorkspaceOwned


class IgnoredSender(WorkspaceOwned):
    """One address (`ann@example.com`) or a whole domain (`@example.com`), lower case."""

    pattern = models.CharField(_("address or domain"), max_length=254)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ignored sender")
        verbose_name_plural = _("ignored senders")
        ordering = ["pattern"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "pattern"],
                                    name="ignoredsender_unique"),
        ]

    def __str__(self) -> str:
        return self.pattern

    @property
    def is_domain(self) -> bool:
        return self.pattern.startswith("@")


class IgnoredMeeting(WorkspaceOwned):
    """A calendar entry the freelancer does not want to see among unassigned meetings."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="ignored")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ignored calendar entry")
        verbose_name_plural = _("ignored calendar entries")

    def __str__(self) -> str:
        return str(self.meeting)


class InboxSettings(WorkspaceOwned):
    ignore_private = models.BooleanField(
        _("Always ignore calendar entries marked private"), default=False)

    class Meta:
        verbose_name = _("inbox settings")
        verbose_name_plural = _("inbox settings")
        constraints = [
            models.UniqueConstraint(fields=["workspace"], name="inboxsettings_one"),
        ]

    def __str__(self) -> str:
        return str(self.workspace)
