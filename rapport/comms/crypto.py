"""Secrets at rest: Fernet with a key derived (HKDF-SHA256) from the server's SECRET_KEY."""

from __future__ import annotations

import base64
from functools import cache

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


@cache
def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"rapport.comms",
               info=b"mail-account-password").derive(secret_key.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(text: str) -> bytes:
    return _fernet(settings.SECRET_KEY).encrypt(text.encode("utf-8"))


def decrypt(token: bytes) -> str:
    return _fernet(settings.SECRET_KEY).decrypt(bytes(token)).decode("utf-8")
