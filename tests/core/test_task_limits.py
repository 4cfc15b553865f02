"""A background worker has a memory ceiling: a task that needs more fails on its own and
the worker goes on. Run in a real separate process (the ceiling is per process)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="RLIMIT_AS as on the servers we document")

PROGRAM = """
from rapport.core.tasklimits import limit_memory
limit_memory(%d)
try:
    hog = bytearray(2 * 1024 * 1024 * 1024)
    print("allocated")
except MemoryError:
    print("refused")
small = bytearray(10 * 1024 * 1024)
print("went on", len(small))
"""


def _run(megabytes: int) -> str:
    result = subprocess.run([sys.executable, "-c", PROGRAM % megabytes], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_task_past_the_ceiling_fails_and_the_worker_goes_on():
    assert _run(512).split("\n")[:2] == ["refused", "went on 10485760"]


def _address_space_limit(pid: int) -> str:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max address space"):
            return line.split()[3]
    return ""


def test_a_running_worker_has_the_configured_ceiling(tmp_path):
    import os
    import time

    environment = {k: v for k, v in os.environ.items()
                   if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    environment.update({"RAPPORT_VAR_DIR": str(tmp_path), "RAPPORT_TASK_MEMORY_MB": "700",
                        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    rapport = [sys.executable, "-m", "rapport"]
    subprocess.run([*rapport, "migrate", "-v0"], cwd=ROOT, env=environment, check=True,
                   timeout=300)
    worker = subprocess.Popen([*rapport, "worker"], cwd=ROOT, env=environment,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while (limit := _address_space_limit(worker.pid)) != str(700 * 1024 * 1024):
            assert worker.poll() is None, "the worker stopped"
            assert time.monotonic() < deadline, f"address space limit: {limit}"
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
