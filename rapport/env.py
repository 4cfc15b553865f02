"""Strict parsing of settings from environment variables.

A misspelt boolean must stop the server, not silently become False, and every
secret may come from a file (`NAME_FILE`) so it never has to sit in the environment.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def get(name: str, default: str | None = None) -> str | None:
    """Return NAME, or the contents of the file named by NAME_FILE, or the default."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            with open(file_name, encoding="utf-8") as handle:
                return handle.read().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    return os.environ.get(name, default)


def require(name: str) -> str:
    value = get(name)
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} must be set.")
    return value


def get_bool(name: str, default: bool) -> bool:
    raw = get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use true or false.")


def get_int(name: str, default: int) -> int:
    raw = get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from exc


def get_list(name: str, default: list[str]) -> list[str]:
    raw = get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def parse_email_url(url: str) -> dict[str, object]:
    """Turn EMAIL_URL into Django email settings.

    Supported: `smtp://user:pass@host:587?tls=true`, `smtps://…` (implicit TLS),
    `console:` (print mails) and `memory:` (keep them in memory, for tests).
    """
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "memory":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL scheme {parsed.scheme!r} is not supported; use smtp, smtps or console."
        )
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    tls_raw = query.get("tls", "false").lower()
    if tls_raw not in _TRUE | _FALSE:
        raise ImproperlyConfigured(f"EMAIL_URL tls={tls_raw!r} is not a boolean.")
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or (465 if scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_SSL": scheme == "smtps",
        "EMAIL_USE_TLS": scheme == "smtp" and tls_raw in _TRUE,
        "EMAIL_TIMEOUT": 20,
    }
