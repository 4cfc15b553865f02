"""Benchmarks: `make bench` prints a JSON list of {name, value, unit} results.

Goals for speed live here, never in timed tests. Later features add their benchmarks.
Each benchmark runs against a throwaway SQLite database in a temporary directory.
"""

from __future__ import annotations

import email
import email.policy
import json
import mailbox
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bank_matching import bench_bank_matching
from dashboard import bench_dashboard
from detectors import bench_analyze, bench_detectors
from health import bench_health
from pipeline import bench_pipeline
from web import bench_web

# bench/health.py imports `_django` from here: run as a script, this module is `__main__`,
# so register it as `run` too, or that import would load a second copy (a second database).
sys.modules.setdefault("run", sys.modules[__name__])
PROJECT = Path(__file__).resolve().parents[1]
MAIL_MESSAGES = int(os.environ.get("BENCH_MAIL_MESSAGES", "100000"))
_TMP = tempfile.TemporaryDirectory(prefix="rapport-bench-")


def _django() -> None:
    """Set Django up once, on a fresh SQLite database under a temporary directory."""
    import django

    if getattr(_django, "done", False):
        return
    sys.path.insert(0, str(PROJECT))
    os.environ["RAPPORT_VAR_DIR"] = _TMP.name
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings.dev")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    _django.done = True  # type: ignore[attr-defined]


_WORDS = ["Angebot", "Entwurf", "Feedback", "Termin", "Rechnung", "Freigabe", "Kapitel",
          "Bilder", "draft", "review", "invoice", "meeting", "schedule", "approval", "quick",
          "question", "update", "website", "text"]


def write_mbox(path: Path, count: int, seed: int = 7) -> None:
    """A realistic mix: plain, quoted-printable Latin-1, base64 and multipart/alternative,
    threads with References, some messages without Message-ID, `>From ` quoting."""
    rng = random.Random(seed)
    senders = [f"person{n}@client{n % 40}.example" for n in range(200)]
    senders += [f"someone{n}@gmail.com" for n in range(50)]
    with path.open("wb") as out:
        for n in range(count):
            sender = rng.choice(senders)
            subject = " ".join(rng.choices(_WORDS, k=4))
            day = 1 + n % 28
            header = (f"From {sender} Mon Nov {day:2d} 10:{n % 60:02d}:00 2026\n"
                      f"From: Person {n % 997} <{sender}>\n"
                      f"To: lena@rapport.example\n"
                      f"Subject: {'Re: ' if n % 3 else ''}{subject}\n"
                      f"Date: Mon, {day} Nov 2026 10:{n % 60:02d}:00 +0100\n")
            if n % 50:
                header += f"Message-ID: <bench-{n}@rapport.example>\n"
            if n % 3:
                header += f"In-Reply-To: <bench-{n - 1}@rapport.example>\n"
                header += f"References: <bench-{n - n % 3}@rapport.example>\n"
            text = " ".join(rng.choices(_WORDS, k=rng.randint(30, 120)))
            kind = n % 4
            if kind == 0:
                body = (f"MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n"
                        f"Hallo,\n{text}\n>From the archive\nGrüße\n")
            elif kind == 1:
                body = ("MIME-Version: 1.0\nContent-Type: text/plain; charset=iso-8859-1\n"
                        "Content-Transfer-Encoding: quoted-printable\n\n"
                        f"Gr=FC=DFe aus K=F6ln, {text}\n")
            elif kind == 2:
                import base64

                encoded = base64.encodebytes(f"Hello, {text}\n".encode()).decode()
                body = ("MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
                        f"Content-Transfer-Encoding: base64\n\n{encoded}")
            else:
                body = ('MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary="b"\n'
                        f"\n--b\nContent-Type: text/plain; charset=utf-8\n\n{text}\n"
                        f"--b\nContent-Type: text/html; charset=utf-8\n\n<p>{text}</p>\n"
                        "--b--\n")
            out.write((header + body + "\n").encode("utf-8"))


def _stdlib_parse(path: Path) -> float:
    """What Python's standard library alone takes to parse every message of the file."""
    started = time.perf_counter()
    box = mailbox.mbox(str(path), factory=None, create=False)
    for key in box.iterkeys():
        email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
    box.close()
    return time.perf_counter() - started


def bench_mail_import() -> dict[str, object]:
    """Import a generated mbox of 100,000 messages; compare with stdlib parsing alone."""
    _django()
    from rapport.accounts.models import User
    from rapport.clients.models import Client, ClientDomain
    from rapport.comms.mailimport import import_mail_file
    from rapport.comms.models import Message
    from rapport.core.services import create_workspace

    user = User.objects.create_user("bench@rapport.example", "x" * 20, name="Bench")
    workspace = create_workspace(user, name="Bench", time_zone="Europe/Berlin",
                                 holiday_country="DE", holiday_subdivision="BE", language="de")
    workspace.email = "lena@rapport.example"
    workspace.save()
    for n in range(40):
        client = Client.objects.create(workspace=workspace, name=f"Client {n}")
        ClientDomain.objects.create(workspace=workspace, client=client,
                                    domain=f"client{n}.example")
    path = Path(_TMP.name) / "bench.mbox"
    write_mbox(path, MAIL_MESSAGES)
    parse_seconds = _stdlib_parse(path)
    started = time.perf_counter()
    result = import_mail_file(workspace, path)
    import_seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    stored = Message.objects.filter(workspace=workspace).count()
    return {
        "name": "mail_import",
        "messages": MAIL_MESSAGES,
        "stored": stored,
        "problems": len(result.errors),
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "messages_per_second": round(MAIL_MESSAGES / import_seconds),
        "peak_memory_mb": round(peak_kb / 1024, 1),
        "stdlib_parse_seconds": round(parse_seconds, 2),
        "import_seconds": round(import_seconds, 2),
        "ratio": round(import_seconds / parse_seconds, 2),
        "value": round(MAIL_MESSAGES / import_seconds),
        "unit": "messages/s",
    }


# Each returns a list of results; BENCH_ONLY=health,pipeline (comma-separated) runs a subset.
BENCHMARKS: dict[str, Callable[[], list[dict[str, object]]]] = {
    "mail_import": lambda: [bench_mail_import()],
    "health": bench_health,
    "dashboard": bench_dashboard,
    "pipeline": bench_pipeline,
    "bank_matching": bench_bank_matching,
    "detectors": lambda: bench_detectors() + bench_analyze(),
    "web": bench_web,
}


def main() -> None:
    only = {name.strip() for name in os.environ.get("BENCH_ONLY", "").split(",") if name.strip()}
    if only - set(BENCHMARKS):
        sys.exit(f"BENCH_ONLY: unknown {sorted(only - set(BENCHMARKS))}; "
                 f"known: {', '.join(BENCHMARKS)}")
    results = []
    for name, bench in BENCHMARKS.items():
        if not only or name in only:
            results += bench()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
