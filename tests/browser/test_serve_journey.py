"""Rapport started the way `make demo` starts it — `rapport serve`, a real process with its
own SQLite file — runs its background work by itself: an uploaded mbox with a rude mail
from a known client shows its warning sign on the client's pages within seconds, with no
other command. Stopping the server stops every process it started."""

from __future__ import annotations

import datetime as dt
import mailbox
import os
import signal
import socket
import subprocess
import sys
import time
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests import processes
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser]
ROOT = Path(__file__).resolve().parents[2]
EMAIL = "lena@hoffmann-text.example"
SETUP = f"""
from django.core.management import call_command

call_command("migrate", "--no-input", verbosity=0)

from rapport.accounts.models import User
from rapport.clients.models import Client, Contact
from rapport.clients.services import set_contact_emails
from rapport.core.services import create_workspace

user = User.objects.create_user({EMAIL!r}, {PASSWORD!r}, name="Lena Hoffmann", language="en")
workspace = create_workspace(user, name="Lena Hoffmann Text", time_zone="Europe/Berlin",
                             holiday_country="DE", holiday_subdivision="BE", language="en")
workspace.email = {EMAIL!r}
workspace.save()
client = Client.objects.create(workspace=workspace, name="Feinkost Valentin GmbH")
contact = Contact.objects.create(workspace=workspace, client=client, name="Karin Valentin")
set_contact_emails(contact, ["karin@feinkost-valentin.example"])
print(client.pk)
"""





@pytest.fixture
def served(tmp_path):
    """`rapport serve` on a free port, over a fresh SQLite database in tmp_path."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")}
    env.update({"RAPPORT_VAR_DIR": str(tmp_path / "var"), "PYTHONUNBUFFERED": "1"})
    command = [sys.executable, "-m", "rapport"]
    # Migrate and create a user, a workspace and a client with a known address.
    client_pk = int(subprocess.run([*command, "shell", "-c", SETUP], cwd=ROOT, env=env,
                                   check=True, capture_output=True, text=True,
                                   timeout=120).stdout.split()[-1])
    port = processes.free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen([*command, "serve", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "serve.log").read_text()
                assert time.monotonic() < deadline, "the server did not start in 30 s"
                time.sleep(0.2)
        yield url, client_pk, server, str(port)
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        log.close()


def _rude_mbox(path: Path) -> Path:
    box = mailbox.mbox(str(path))
    mail = EmailMessage()
    mail["From"] = "Karin Valentin <karin@feinkost-valentin.example>"
    mail["To"] = EMAIL
    mail["Subject"] = "Die Entwürfe"
    mail["Message-ID"] = "<rude-1@feinkost-valentin.example>"
    mail["Date"] = format_datetime(dt.datetime.now(dt.UTC) - dt.timedelta(hours=2))
    mail.set_content("Hallo Lena,\n\nHonestly, this is amateurish. "
                     "What are we paying you for?\n\nKarin")
    box.add(mail)
    box.close()
    return path


def test_an_uploaded_rude_mail_shows_its_signal_without_any_other_command(
        browser, served, tmp_path):
    url, client_pk, server, port = served
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = url
    try:
        log_in(page, EMAIL)
        page.get_by_role("link", name="Inbox").first.click()
        page.get_by_label("Mail or calendar file").set_input_files(
            str(_rude_mbox(tmp_path / "karin.mbox")))
        page.get_by_role("button", name="Import").click()
        uploaded = time.monotonic()

        # Nothing else is started: the worker inside `rapport serve` imports the file and
        # the follow-up detects the signal. Reload the client's signals until it shows.
        signals_page = f"{url}/signals/clients/{client_pk}/"
        rude = page.locator("article.signal").filter(has_text="Disrespect")
        while True:
            page.goto(signals_page)
            if rude.count():
                break
            assert time.monotonic() - uploaded < 30, "no signal 30 s after the upload"
            time.sleep(1)
        expect(rude).to_contain_text("amateurish")
        screenshot(page, "serve-signal-after-upload")

        page.goto(f"{url}/health/clients/{client_pk}/")
        expect(page.get_by_test_id("assessed")).to_contain_text(
            "from 1 message and 0 invoices")
        screenshot(page, "serve-health-why-now")
        page.goto(f"{url}/")
        expect(page.get_by_test_id("background")).to_contain_text("healthy")
        expect(page.get_by_test_id("background-warning")).to_have_count(0)
        screenshot(page, "serve-dashboard-background")
    finally:
        context.close()

    # Stopping `rapport serve` stops the web server and the worker with it.
    children = processes.children(server.pid)
    assert len(children) == 2, children  # the web server and the worker
    server.send_signal(signal.SIGINT)
    assert server.wait(timeout=20) == 0
    assert [pid for pid in children if processes.alive(pid)] == []
