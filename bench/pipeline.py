"""Upload to signal: how long after an upload commits does its warning sign show?

A real `rapport worker` process (as `rapport serve` starts it) runs against this
benchmark's SQLite database. Each of BENCH_PIPELINE_UPLOADS uploads is one mbox with one
rude mail from a known client, stored and queued the way the inbox page does it; the
clock runs from the commit of the upload until the client's `disrespect` signal for that
message is in the database (polled every 10 ms); uploads are spaced so that the worker is
idle when each arrives. Reported: p50, p95 and the maximum.
The goal is a p50 under 2 s.
"""

from __future__ import annotations

import datetime as dt
import mailbox
import os
import signal
import statistics
import subprocess
import sys
import time
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

UPLOADS = int(os.environ.get("BENCH_PIPELINE_UPLOADS", "20"))
TIMEOUT = 60.0
PROJECT = Path(__file__).resolve().parents[1]


def _mbox(path: Path, number: int) -> Path:
    box = mailbox.mbox(str(path))
    mail = EmailMessage()
    mail["From"] = "Karin Valentin <karin@feinkost-valentin.example>"
    mail["To"] = "lena@hoffmann-text.example"
    mail["Subject"] = f"Entwurf {number}"
    mail["Message-ID"] = f"<bench-pipeline-{number}@feinkost-valentin.example>"
    mail["Date"] = format_datetime(dt.datetime.now(dt.UTC) - dt.timedelta(minutes=number))
    mail.set_content("Hallo Lena,\n\nHonestly, this is amateurish. What are we paying "
                     f"you for? (Nummer {number})\n\nKarin")
    box.add(mail)
    box.close()
    return path


def _start_worker(var_dir: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"RAPPORT_VAR_DIR": var_dir, "DJANGO_SETTINGS_MODULE": "rapport.settings.dev",
                "DEBUG": "false"})
    return subprocess.Popen([sys.executable, "-m", "rapport", "worker"], cwd=PROJECT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def bench_pipeline() -> list[dict[str, object]]:
    from run import _TMP, _django

    _django()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.db.models import Max
    from django.utils import timezone

    from rapport.accounts.models import User
    from rapport.clients.models import Client, Contact
    from rapport.clients.services import set_contact_emails
    from rapport.comms.models import Message
    from rapport.comms.services import save_upload
    from rapport.comms.tasks import import_upload
    from rapport.core.models import Heartbeat
    from rapport.core.services import create_workspace
    from rapport.signals.models import Checkpoint, Signal
    from rapport.signals.services import detect_new

    # Mail stored by an earlier benchmark in this database counts as read.
    top = Message.objects.aggregate(top=Max("pk"))["top"] or 0
    Checkpoint.objects.update_or_create(name="message", defaults={"position": top})
    detect_new()
    user = User.objects.create_user("pipeline@rapport.example", "x" * 20, name="Lena")
    workspace = create_workspace(user, name="Pipeline", time_zone="Europe/Berlin",
                                 holiday_country="DE", holiday_subdivision="BE", language="de")
    workspace.email = "lena@hoffmann-text.example"
    workspace.save()
    client = Client.objects.create(workspace=workspace, name="Feinkost Valentin GmbH")
    contact = Contact.objects.create(workspace=workspace, client=client, name="Karin")
    set_contact_emails(contact, ["karin@feinkost-valentin.example"])

    worker = _start_worker(_TMP.name)
    seconds: list[float] = []
    try:
        started = time.perf_counter()  # wait for its first heartbeat: it is up
        while not Heartbeat.objects.filter(name="worker", at__gte=timezone.now() - dt.timedelta(
                seconds=30)).exists():
            if worker.poll() is not None or time.perf_counter() - started > TIMEOUT:
                raise RuntimeError("the worker did not start")
            time.sleep(0.05)
        for number in range(1, UPLOADS + 1):
            # Let the worker fall idle first, as between a user's uploads: the time then
            # includes its wait for the next poll (an upload right behind the previous
            # one would be found within the same batch).
            time.sleep(0.7 + 0.1 * (number % 4))
            data = _mbox(Path(_TMP.name) / f"pipeline-{number}.mbox", number).read_bytes()
            with transaction.atomic():
                run = save_upload(workspace, SimpleUploadedFile("karin.mbox", data))
                transaction.on_commit(lambda pk=run.pk: import_upload.enqueue(pk))
            committed = time.perf_counter()
            message_id = f"<bench-pipeline-{number}@feinkost-valentin.example>"
            while True:
                found = Signal.objects.filter(
                    client=client, kind="disrespect", source_type="message",
                    source_id__in=Message.objects.filter(
                        workspace=workspace, message_id=message_id).values("pk")).exists()
                if found:
                    break
                if worker.poll() is not None:
                    raise RuntimeError("the worker stopped: "
                                       + worker.stderr.read().decode()[-2000:])
                if time.perf_counter() - committed > TIMEOUT:
                    raise RuntimeError(f"no signal {TIMEOUT:.0f} s after upload {number}")
                time.sleep(0.01)
            seconds.append(time.perf_counter() - committed)
            print(f"pipeline: upload {number}: {seconds[-1]:.2f} s", file=sys.stderr)
    finally:
        _stop(worker)
    ordered = sorted(seconds)
    return [{
        "name": "upload_to_signal",
        "uploads": len(seconds),
        "p50_seconds": round(statistics.median(ordered), 3),
        "p95_seconds": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 3),
        "max_seconds": round(ordered[-1], 3),
        "goal_seconds": 2.0,
        "value": round(statistics.median(ordered), 3),
        "unit": "s (p50, upload commit to signal visible, SQLite)",
    }]
