"""Links that open one document without an account: random tokens with expiry and revocation."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.core import clock


def new_token() -> str:
    return secrets.token_urlsafe(24)  # 192 bits


class TokenLink(models.Model):
    """The shared part of every portal link; each subclass names the document it opens."""

    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def is_usable(self, now: dt.datetime | None = None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or clock.now())
