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
import tracemalloc
from collections.abc import Callable
from email.parser import BytesParser
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
SIGNALS_MESSAGES = int(os.environ.get("BENCH_SIGNALS_MESSAGES", str(MAIL_MESSAGES)))
REPLY_MESSAGES = int(os.environ.get("BENCH_REPLY_MESSAGES", str(max(1, MAIL_MESSAGES // 5))))
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


def _stdlib_parse(path: Path) -> tuple[float, float]:
    """What Python's standard library alone needs to split the file and parse every
    message with `email.policy.compat32` (its fastest policy: header values kept as
    written): (CPU seconds, wall seconds)."""
    cpu, wall = time.process_time(), time.perf_counter()
    box = mailbox.mbox(str(path), factory=None, create=False)
    parser = BytesParser(policy=email.policy.compat32)
    for key in box.iterkeys():
        parser.parsebytes(box.get_bytes(key))
    box.close()
    return time.process_time() - cpu, time.perf_counter() - wall


def _bench_workspace(name: str) -> object:
    """A workspace with 40 clients known by domain, as the generated mail expects."""
    from rapport.accounts.models import User
    from rapport.clients.models import Client, ClientDomain
    from rapport.core.services import create_workspace

    user = User.objects.create_user(f"{name}@rapport.example", "x" * 20, name="Bench")
    workspace = create_workspace(user, name=name, time_zone="Europe/Berlin",
                                 holiday_country="DE", holiday_subdivision="BE", language="de")
    workspace.email = "lena@rapport.example"
    workspace.save()
    for n in range(40):
        client = Client.objects.create(workspace=workspace, name=f"Client {n}")
        ClientDomain.objects.create(workspace=workspace, client=client,
                                    domain=f"client{n}.example")
    return workspace


def _import_peak_mb(path: Path, name: str) -> float:
    """The most memory (Python allocations, tracemalloc) an import of `path` holds."""
    from rapport.comms.mailimport import import_mail_file

    workspace = _bench_workspace(name)
    tracemalloc.start()
    import_mail_file(workspace, path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def bench_mail_import() -> dict[str, object]:
    """Import a generated mbox of 100,000 messages; compare with the standard library
    parsing the same file (compat32). Goal: at most three times its time, and memory flat
    in the size of the file (the peak for a tenth of the file and for all of it)."""
    _django()
    from rapport.comms.mailimport import import_mail_file
    from rapport.comms.models import Message

    workspace = _bench_workspace("bench")
    path = Path(_TMP.name) / "bench.mbox"
    write_mbox(path, MAIL_MESSAGES)
    parse_cpu, parse_wall = min(_stdlib_parse(path) for _round in range(2))
    cpu, wall = time.process_time(), time.perf_counter()
    result = import_mail_file(workspace, path)
    import_cpu, import_wall = time.process_time() - cpu, time.perf_counter() - wall
    stored = Message.objects.filter(workspace=workspace).count()
    tenth = Path(_TMP.name) / "bench-tenth.mbox"
    write_mbox(tenth, max(1, MAIL_MESSAGES // 10))
    peak_tenth = _import_peak_mb(tenth, "memory-tenth")
    peak_all = _import_peak_mb(path, "memory-all")
    return {
        "name": "mail_import",
        "messages": MAIL_MESSAGES,
        "stored": stored,
        "problems": len(result.errors),
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "messages_per_second": round(MAIL_MESSAGES / import_wall),
        "stdlib_compat32_parse_cpu_seconds": round(parse_cpu, 2),
        "import_cpu_seconds": round(import_cpu, 2),
        "ratio": round(import_cpu / parse_cpu, 2),
        "stdlib_compat32_parse_wall_seconds": round(parse_wall, 2),
        "import_wall_seconds": round(import_wall, 2),
        "ratio_wall": round(import_wall / parse_wall, 2),
        "peak_memory_mb_tenth_of_file": round(peak_tenth, 1),
        "peak_memory_mb_whole_file": round(peak_all, 1),
        "memory_growth_with_file": round(peak_all / peak_tenth, 2) if peak_tenth else None,
        "process_peak_rss_mb": round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "goal": "ratio (CPU) and ratio_wall (import / stdlib compat32 parse of the same "
                "file) <= 3; memory flat in file size",
        "goal_met": import_cpu / parse_cpu <= 3 and import_wall / parse_wall <= 3
        and peak_all / max(peak_tenth, 1e-9) < 2,
        "value": round(MAIL_MESSAGES / import_wall),
        "unit": "messages/s",
    }


def write_reply_mbox(path: Path, count: int, seed: int = 11) -> None:
    """Threads of three as some mail programs send them: the replies carry neither
    References nor In-Reply-To, only the subject with "Re:" or "AW:" in front."""
    rng = random.Random(seed)
    with path.open("wb") as out:
        for n in range(count):
            thread = n - n % 3
            subject = f"{' '.join(random.Random(thread).choices(_WORDS, k=3))} {thread}"
            prefix = ["", "Re: ", "AW: Re: "][n % 3]
            day = 1 + n % 28
            text = " ".join(rng.choices(_WORDS, k=rng.randint(30, 120)))
            out.write((f"From person{n % 200}@client{n % 40}.example Mon Nov {day:2d} "
                       f"10:{n % 60:02d}:00 2026\n"
                       f"From: Person {n % 200} <person{n % 200}@client{n % 40}.example>\n"
                       f"To: lena@rapport.example\nSubject: {prefix}{subject}\n"
                       f"Date: Mon, {day} Nov 2026 10:{n % 60:02d}:{n % 3:02d} +0100\n"
                       f"Message-ID: <reply-bench-{n}@rapport.example>\n"
                       f"Content-Type: text/plain; charset=utf-8\n\n{text}\n\n")
                      .encode())


def bench_mail_import_replies() -> dict[str, object]:
    """Import an mbox whose replies name no earlier message: each finds its thread by
    the subject without reply prefixes (an indexed column), which must cost no more
    than the rest of the import: the same goal as `mail_import`."""
    _django()
    from rapport.comms.mailimport import import_mail_file
    from rapport.comms.models import Message

    workspace = _bench_workspace("replies")
    path = Path(_TMP.name) / "replies.mbox"
    write_reply_mbox(path, REPLY_MESSAGES)
    parse_cpu, parse_wall = min(_stdlib_parse(path) for _round in range(2))
    cpu, wall = time.process_time(), time.perf_counter()
    import_mail_file(workspace, path)
    import_cpu, import_wall = time.process_time() - cpu, time.perf_counter() - wall
    threads = Message.objects.filter(workspace=workspace).values("thread_key").distinct()
    return {
        "name": "mail_import_replies_without_references",
        "messages": REPLY_MESSAGES,
        "threads": threads.count(),
        "stdlib_compat32_parse_cpu_seconds": round(parse_cpu, 2),
        "import_cpu_seconds": round(import_cpu, 2),
        "ratio": round(import_cpu / parse_cpu, 2),
        "ratio_wall": round(import_wall / parse_wall, 2),
        "goal": "ratio (CPU, import / stdlib compat32 parse) <= 3, as mail_import",
        "value": round(REPLY_MESSAGES / import_wall),
        "unit": "messages/s",
    }


def _import_and_detect(path: Path, name: str, model: bool) -> tuple[float, float]:
    """CPU seconds to import `path` into a new workspace and then to detect the signals
    of every imported message (what the first follow-up task of the import does)."""
    from django.db.models import Max
    from django.test import override_settings

    from rapport.comms.mailimport import import_mail_file
    from rapport.comms.models import Message
    from rapport.signals.models import Checkpoint
    from rapport.signals.services import detect_new

    workspace = _bench_workspace(name)
    top = Message.objects.aggregate(top=Max("pk"))["top"] or 0
    Checkpoint.objects.update_or_create(name="message", defaults={"position": top})
    with override_settings(RAPPORT_SIGNALS_MODEL=model):
        started = time.process_time()
        import_mail_file(workspace, path)
        imported = time.process_time()
        detect_new(daily=False)
        return imported - started, time.process_time() - imported


def bench_mail_import_signals() -> dict[str, object]:
    """Import and signal detection with the learned model on and off (switched off with
    RAPPORT_SIGNALS_MODEL): the model may make it at most 20 % slower.

    Every run imports into the same database, so a later run meets a bigger store. The
    runs go off, on, on, off: each setting meets the store at the same sizes in total
    (0 + 3 and 1 + 2 files' worth), so the growing store does not count against either."""
    _django()
    from rapport.signals.detectors import detect_text

    detect_text("load the lexicons and the model once, as a process does")
    path = Path(_TMP.name) / "signals.mbox"
    write_mbox(path, SIGNALS_MESSAGES, seed=13)
    runs = {False: [0.0, 0.0], True: [0.0, 0.0]}  # model → [import, detection] CPU seconds
    for number, model in enumerate((False, True, True, False)):
        imported, detected = _import_and_detect(path, f"signals-{number}", model=model)
        runs[model][0] += imported
        runs[model][1] += detected
    (off_import, off_detect), (on_import, on_detect) = runs[False], runs[True]
    off, on = off_import + off_detect, on_import + on_detect
    return {
        "name": "mail_import_with_signals",
        "messages": SIGNALS_MESSAGES,
        "runs": "off, on, on, off (CPU seconds below are the sums of each setting's two runs)",
        "model_off_import_cpu_seconds": round(off_import, 2),
        "model_off_detect_cpu_seconds": round(off_detect, 2),
        "model_on_import_cpu_seconds": round(on_import, 2),
        "model_on_detect_cpu_seconds": round(on_detect, 2),
        "ratio_model_on_to_off": round(on / off, 2),
        "goal": "ratio_model_on_to_off <= 1.2",
        "value": round(on / off, 2),
        "unit": "x CPU time (import + detection, learned model on / off)",
    }


# Each returns a list of results; BENCH_ONLY=health,pipeline (comma-separated) runs a subset.
BENCHMARKS: dict[str, Callable[[], list[dict[str, object]]]] = {
    "mail_import": lambda: [bench_mail_import()],
    "mail_import_signals": lambda: [bench_mail_import_signals()],
    "mail_import_replies": lambda: [bench_mail_import_replies()],
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
