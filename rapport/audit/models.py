"""The audit log: one append-only row per state change of an invoice, payment, proposal,
contract, change order, reminder or client — who, when, what, before and after.

Rows are never changed or removed: `save()` refuses an existing row, the manager refuses
bulk updates and deletes, and a database trigger refuses UPDATE and DELETE from anywhere
else (see migration 0002). They outlive the user and even the workspace they name (no
database constraint on either), as an audit trail must.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.core.models import Workspace, WorkspaceOwned

APPEND_ONLY = "The audit log is append-only: entries cannot be changed or deleted."


class AppendOnlyError(PermissionDenied):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs: object) -> int:
        raise AppendOnlyError(APPEND_ONLY)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(APPEND_ONLY)

    def for_object(self, object_type: str, object_id: int) -> AuditQuerySet:
        """Entries about the object itself and about its parts (an invoice's payments)."""
        return self.filter(
            models.Q(object_type=object_type, object_id=object_id)
            | models.Q(parent_type=object_type, parent_id=object_id))


class AuditEntry(WorkspaceOwned):
    class ActorKind(models.TextChoices):
        USER = "user", _("user")
        PORTAL = "portal", _("client via portal")
        WORKER = "worker", _("background worker")
        SYSTEM = "system", _("system")
        VISITOR = "visitor", _("visitor")

    workspace = models.ForeignKey(
        Workspace, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
        verbose_name=_("workspace"))
    at = models.DateTimeField(_("when"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False,
        null=True, blank=True, related_name="+", verbose_name=_("user"))
    actor = models.CharField(_("who"), max_length=10, choices=ActorKind.choices,
                             default=ActorKind.SYSTEM)
    actor_name = models.CharField(_("name"), max_length=200, blank=True)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.BigIntegerField(_("object ID"))
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    parent_type = models.CharField(max_length=60, blank=True)
    parent_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(_("action"), max_length=40)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    request_id = models.CharField(_("request ID"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["workspace", "object_type", "object_id"],
                         name="audit_ws_object"),
            models.Index(fields=["workspace", "parent_type", "parent_id"],
                         name="audit_ws_parent"),
            models.Index(fields=["workspace", "-at"], name="audit_ws_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise AppendOnlyError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(APPEND_ONLY)
