"""A real IMAP server (Debian's dovecot-imapd) on a loopback port, for the sync tests.

Use it with

    from tests.comms.dovecot import imap_server  # noqa: F401

and take `imap_server` as a fixture: it has `host`, `port`, `append(user, folder, raw)`.
Any user logs in with the password "secret". One server serves a test module; give
each test its own user name (each user has its own mailbox).
"""

from __future__ import annotations

import imaplib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

DOVECOT = "/usr/sbin/dovecot"
PASSWORD = "secret"
NOBODY = 65534
CONFIG = Path(__file__).parent / "data" / "dovecot-test.conf"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ImapServer:
    host: str
    port: int
    base: Path

    def connect(self, user: str) -> imaplib.IMAP4:
        conn = imaplib.IMAP4(self.host, self.port, timeout=10)
        conn.login(user, PASSWORD)
        return conn

    def append(self, user: str, folder: str, messages: list[bytes]) -> None:
        conn = self.connect(user)
        try:
            if folder != "INBOX":
                conn.create(folder)
            for raw in messages:
                status, data = conn.append(folder, None, None, raw)
                assert status == "OK", data
        finally:
            conn.logout()


def _config(base: Path, port: int) -> str:
    text = CONFIG.read_text() if CONFIG.exists() else ""
    if not text:
        pytest.fail(f"missing {CONFIG}")
    return text.replace("BASE", str(base)).replace("port = 11143", f"port = {port}")


@pytest.fixture(scope="module")
def imap_server() -> Iterator[ImapServer]:
    if not Path(DOVECOT).exists():
        pytest.fail("The IMAP tests need Debian's dovecot-imapd: apt-get install dovecot-imapd")
    base = Path(tempfile.mkdtemp(prefix="rapport-dovecot-"))
    base.chmod(0o755)
    (base / "mail").mkdir()
    if os.geteuid() == 0:
        os.chown(base / "mail", NOBODY, NOBODY)
    port = _free_port()
    conf = base / "dovecot.conf"
    conf.write_text(_config(base, port))
    subprocess.run([DOVECOT, "-c", str(conf)], check=True)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                log = (base / "dovecot.log").read_text(errors="replace")
                pytest.fail(f"dovecot did not start:\n{log}")
            time.sleep(0.05)
    try:
        yield ImapServer("127.0.0.1", port, base)
    finally:
        pid_file = base / "run" / "master.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().split()[0])
            os.kill(pid, signal.SIGTERM)
            for _ in range(100):
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)
        shutil.rmtree(base, ignore_errors=True)
