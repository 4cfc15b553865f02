"""`rapport serve` never leaves a process behind: when one of its children fails, it stops
the other and exits with an error; when it is killed outright, its children stop too."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests import processes

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads /proc and relies on PR_SET_PDEATHSIG")






def _serve(tmp_path: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")}
    env["RAPPORT_VAR_DIR"] = str(tmp_path)
    return subprocess.Popen([sys.executable, "-m", "rapport", "serve", "--port",
                             str(processes.free_port())], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)


def _cleanup(server: subprocess.Popen, children: list[int]) -> None:
    for pid in [server.pid, *children]:
        if processes.alive(pid):
            os.kill(pid, signal.SIGKILL)
    server.wait(timeout=10)


def test_a_worker_that_fails_stops_the_web_server_too(tmp_path):
    """Over a database that was never migrated, the worker fails at once."""
    server = _serve(tmp_path)
    children: list[int] = []
    try:
        processes.wait_until(
            lambda: len(processes.children(server.pid)) == 2 or server.poll() is not None, 30)
        children = processes.children(server.pid)
        output, _ = server.communicate(timeout=60)
        assert server.returncode != 0
        assert b"The worker process stopped" in output
        assert [pid for pid in children if processes.alive(pid)] == []
    finally:
        _cleanup(server, children)


def test_killing_serve_outright_stops_itschildren(tmp_path):
    server = _serve(tmp_path)
    children: list[int] = []
    try:
        assert processes.wait_until(lambda: len(processes.children(server.pid)) == 2, 30)
        children = processes.children(server.pid)
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        assert processes.wait_until(lambda: not any(processes.alive(pid) for pid in children), 20)
    finally:
        _cleanup(server, children)
