"""A worker killed with SIGKILL in the middle of a 5,000-message mbox import: the next
worker takes the import over at its checkpoint and finishes it — every message once.

Real `rapport worker` processes on a real database: a SQLite file (the settings a laptop
install uses) when the suite runs on SQLite, the test database when it runs on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import mailbox
import os
import signal
import sqlite3
import subprocess
import sys
import time
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
COUNT = 5000
LEASE_SECONDS = 3
START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

SETUP = """
import os
from django.core.files.uploadedfile import UploadedFile
from rapport.accounts.models import User
from rapport.clients.models import Client, Contact
from rapport.clients.services import set_contact_emails
from rapport.comms import jobs, services
from rapport.core.services import create_workspace

user = User.objects.create_user("mara@berg-text.example", "correct horse battery staple")
workspace = create_workspace(user, name="Mara Berg Text", time_zone="Europe/Berlin",
                             holiday_country="DE", holiday_subdivision="BE", language="de")
client = Client.objects.create(workspace=workspace, name="Kranich Verlag")
anna = Contact.objects.create(workspace=workspace, client=client, name="Anna")
set_contact_emails(anna, ["anna@kranich.example"])
with open(os.environ["MBOX"], "rb") as f:
    run = services.save_upload(workspace, UploadedFile(f, name="archive.mbox"))
jobs.queue(run)
print(run.pk)
"""


def write_mbox(path: Path, count: int = COUNT) -> Path:
    """An mbox of `count` messages of a few KB from Anna, written with `mailbox`."""
    box = mailbox.mbox(path, create=True)
    box.lock()
    paragraph = ("Hallo Mara, anbei die Korrekturen zum Katalog. Bitte schau dir die "
                 "Seiten noch einmal an, bevor wir in den Druck gehen. ") * 20
    for i in range(count):
        message = EmailMessage()
        message["From"] = "Anna <anna@kranich.example>"
        message["To"] = "mara@berg-text.example"
        message["Subject"] = f"Katalog, Seite {i}"
        message["Message-ID"] = f"<page-{i}@kranich.example>"
        message["Date"] = format_datetime(START + dt.timedelta(minutes=i))
        message.set_content(f"Nachricht {i}.\n\n{paragraph}\n")
        box.add(message)
    box.flush()
    box.unlock()
    box.close()
    return path


class Database:
    """The database both the workers and this test look at."""

    def __init__(self, tmp_path: Path) -> None:
        self.var = tmp_path / "var"
        self.var.mkdir()
        self.env = {k: v for k, v in os.environ.items()
                    if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}}
        self.env.update({
            "DJANGO_SETTINGS_MODULE": "rapport.settings.dev", "DEBUG": "false",
            "SECRET_KEY": "worker-test-" + "k" * 40, "RAPPORT_VAR_DIR": str(self.var),
            "RAPPORT_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
        })
        if connection.vendor == "postgresql":
            db = connection.settings_dict
            self.env["DATABASE_URL"] = (f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/"
                                        f"{db['NAME']}")
            self.sqlite = None
        else:  # the laptop's database: a file under RAPPORT_VAR_DIR, WAL mode
            self.rapport("migrate", "--no-input")
            self.sqlite = sqlite3.connect(self.var / "rapport.sqlite3", timeout=20,
                                          isolation_level=None)

    def rapport(self, *args: str, **env: str) -> str:
        done = subprocess.run([sys.executable, "-m", "rapport", *args], cwd=ROOT,
                              env={**self.env, **env}, capture_output=True, timeout=300,
                              check=False)
        assert done.returncode == 0, done.stderr.decode()[-3000:]
        return done.stdout.decode()

    def worker(self) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "rapport", "worker", "--interval", "0.2"], cwd=ROOT,
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def query(self, sql: str, *params: object) -> list[tuple]:
        if self.sqlite is not None:
            return self.sqlite.execute(sql, params).fetchall()
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("?", "%s"), params)
            return cursor.fetchall()

    def run(self, pk: int) -> tuple[str, int, int, str]:
        return self.query("SELECT state, imported, duplicates, worker FROM comms_importrun "
                          "WHERE id = ?", pk)[0]


@pytest.fixture
def database(transactional_db, tmp_path) -> Database:
    return Database(tmp_path)


def _wait_for(condition, timeout: float, worker: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if worker is not None and worker.poll() is not None:
            pytest.fail("the worker exited: " + worker.stderr.read().decode()[-3000:])
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)  # waiting for another process, not moving time


def test_a_second_worker_finishes_an_import_whose_worker_was_killed(database, tmp_path):
    mbox = write_mbox(tmp_path / "archive.mbox")
    pk = int(database.rapport("shell", "-c", SETUP, MBOX=str(mbox)).split()[-1])
    assert database.run(pk)[0] == "queued"

    first = database.worker()
    try:
        _wait_for(lambda: database.run(pk)[1] >= 300, timeout=120, worker=first)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    state, imported, _duplicates, killed = database.run(pk)
    assert state == "running" and 300 <= imported < COUNT, "killed in the middle"

    second = database.worker()
    try:
        # It notices within a few loops that the lease ran out and continues.
        _wait_for(lambda: database.run(pk)[0] in {"done", "failed"}, timeout=180,
                  worker=second)
    finally:  # its work is committed; how it stops does not matter here
        second.send_signal(signal.SIGKILL)
        second.wait(timeout=10)
    state, imported, duplicates, worker = database.run(pk)
    assert state == "done"
    assert worker != killed, "the second worker did it"
    total, distinct = database.query(
        "SELECT COUNT(*), COUNT(DISTINCT message_id) FROM comms_message")[0]
    assert total == distinct == COUNT, "every message of the file, each once"
    assert (imported, duplicates) == (COUNT, 0)
