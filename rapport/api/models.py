"""Personal access tokens for the REST API and the log their rate limit is counted from."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.core import clock
from rapport.core.models import WorkspaceOwned


class ApiToken(WorkspaceOwned):
    """One user's key to one workspace. Only the SHA-256 of the secret is stored: the token
    itself is shown once, when it is created, and cannot be read back from the database."""

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100,
                            help_text=_("What uses it, e.g. “accounting export”."))
    scope = models.CharField(_("scope"), max_length=5, choices=Scope.choices,
                             default=Scope.READ)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("begins with"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["workspace", "user"], name="apitoken_ws_user")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or clock.now())

    @property
    def last_day(self) -> dt.date | None:
        """The last day it works, in the active time zone (it ends at that day's midnight)."""
        if self.expires_at is None:
            return None
        return timezone.localtime(self.expires_at - dt.timedelta(microseconds=1)).date()

    def is_usable(self, now: dt.datetime | None = None) -> bool:
        return self.revoked_at is None and not self.is_expired(now)


class TokenHit(models.Model):
    """One API request made with a token, kept for the length of the rate-limit window:
    a sliding window counted in the database, so every app server sees the same count."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["token", "at"], name="tokenhit_token_at")]

    def __str__(self) -> str:
        return f"{self.token_id} {self.at:%H:%M:%S}"
