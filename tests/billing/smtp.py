"""A real SMTP server on a loopback port, so email tests go through Django's SMTP backend.

The in-memory backend would hide what only a real conversation shows: headers that do not
encode, attachments that do not survive MIME, recipients lost in the envelope. Use it with

    from tests.billing.smtp import smtp_server  # noqa: F401

and take `smtp_server` as a fixture; `smtp_server.messages` holds what arrived, parsed.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from pytest_django import Settings


@dataclass
class Delivery:
    """One accepted mail: who the envelope named and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class CollectingHandler:
    """aiosmtpd handler that keeps every message instead of relaying it."""

    deliveries: list[Delivery] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        content = envelope.original_content or envelope.content or b""
        if isinstance(content, str):
            content = content.encode("utf-8")
        message = email.message_from_bytes(content, policy=email.policy.default)
        with self._lock:
            self.deliveries.append(Delivery(
                mail_from=envelope.mail_from or "",
                rcpt_tos=list(envelope.rcpt_tos),
                message=message,  # type: ignore[arg-type]  # policy.default gives EmailMessage
            ))
        return "250 Message accepted for delivery"


@dataclass
class SMTPServer:
    """What a test needs to know about the running server."""

    host: str
    port: int
    handler: CollectingHandler

    @property
    def deliveries(self) -> list[Delivery]:
        with self.handler._lock:
            return list(self.handler.deliveries)

    @property
    def messages(self) -> list[EmailMessage]:
        return [delivery.message for delivery in self.deliveries]


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings: Settings) -> Iterator[SMTPServer]:
    """Start aiosmtpd on 127.0.0.1 and point Django's SMTP backend at it for one test."""
    host = "127.0.0.1"
    handler = CollectingHandler()
    controller = None
    for _attempt in range(5):  # the port may be taken between picking and binding it
        candidate = Controller(handler, hostname=host, port=free_port(host),
                               server_hostname="rapport-test.localhost", ready_timeout=10)
        try:
            candidate.start()
        except (OSError, RuntimeError):
            continue
        controller = candidate
        break
    if controller is None:
        pytest.fail("Could not start the test SMTP server on a free loopback port.")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = host
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield SMTPServer(host=host, port=controller.port, handler=handler)
    finally:
        controller.stop()
