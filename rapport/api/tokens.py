"""Creating, checking and revoking personal access tokens; the per-token rate limit."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from rapport.accounts.models import User
from rapport.api.models import ApiToken, TokenHit
from rapport.core import clock
from rapport.core.models import Membership, Workspace

PREFIX = "rap_"  # recognisable in logs and by secret scanners


def hash_token(raw: str) -> str:
    """A SHA-256 is enough here (unlike for passwords): the token is 256 random bits."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown to the user once; never stored


def create_token(user: User, workspace: Workspace, *, name: str, scope: str,
                 expires_at: dt.datetime | None = None) -> NewToken:
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        workspace=workspace, user=user, name=name.strip(), scope=scope,
        token_hash=hash_token(secret), prefix=secret[:len(PREFIX) + 4], expires_at=expires_at,
    )
    return NewToken(token, secret)


def revoke(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])


def find_usable(raw: str, now: dt.datetime | None = None) -> ApiToken | None:
    """The token behind a secret if it is neither revoked nor expired and its user is still
    an active member of its workspace; None otherwise (the caller says 401)."""
    if not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    token = (ApiToken.objects.select_related("workspace", "user")
             .filter(token_hash=hash_token(raw)).first())
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    if not Membership.objects.filter(workspace=token.workspace_id, user=token.user_id).exists():
        return None
    return token


def mark_used(token: ApiToken, now: dt.datetime | None = None) -> None:
    """Record the last use, at most once a minute per token (one write, not one per call)."""
    now = now or clock.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def rate_limit() -> tuple[int, int]:
    """(requests, seconds) allowed per token."""
    return settings.API_RATE_LIMIT, settings.API_RATE_WINDOW_SECONDS


@transaction.atomic
def count_request(token: ApiToken, now: dt.datetime | None = None) -> int | None:
    """Count one request in the token's sliding window. None if it is allowed; else the
    seconds until the oldest request in the window leaves it (for Retry-After)."""
    now = now or clock.now()
    limit, seconds = rate_limit()
    # One token's requests are counted one after another (a row lock on PostgreSQL; SQLite
    # writes one transaction at a time anyway), so parallel requests cannot overshoot.
    ApiToken.objects.select_for_update().filter(pk=token.pk).first()
    start = now - dt.timedelta(seconds=seconds)
    TokenHit.objects.filter(token=token, at__lte=start).delete()
    hits = TokenHit.objects.filter(token=token).order_by("at")
    if hits.count() >= limit:
        oldest = hits.values_list("at", flat=True)[hits.count() - limit]
        return max(1, math.ceil((oldest - start).total_seconds()))
    TokenHit.objects.create(token=token, at=now)
    return None
