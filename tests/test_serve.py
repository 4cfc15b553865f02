"""`rapport serve` never leaves a process behind: when one of its children fails, it stops
the other and exits with an error; when it is killed outright, its children stop too."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads /proc and relies on PR_SET_PDEATHSIG")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_until(condition, seconds: float) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def _serve(tmp_path: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")}
    env["RAPPORT_VAR_DIR"] = str(tmp_path)
    return subprocess.Popen([sys.executable, "-m", "rapport", "serve", "--port",
                             str(_free_port())], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)


def _cleanup(server: subprocess.Popen, children: list[int]) -> None:
    for pid in [server.pid, *children]:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
    server.wait(timeout=10)


def test_a_worker_that_fails_stops_the_web_server_too(tmp_path):
    """Over a database that was never migrated, the worker fails at once."""
    server = _serve(tmp_path)
    children: list[int] = []
    try:
        _wait_until(lambda: len(_children(server.pid)) == 2 or server.poll() is not None, 30)
        children = _children(server.pid)
        output, _ = server.communicate(timeout=60)
        assert server.returncode != 0
        assert b"The worker process stopped" in output
        assert [pid for pid in children if _alive(pid)] == []
    finally:
        _cleanup(server, children)


def test_killing_serve_outright_stops_its_children(tmp_path):
    server = _serve(tmp_path)
    children: list[int] = []
    try:
        assert _wait_until(lambda: len(_children(server.pid)) == 2, 30)
        children = _children(server.pid)
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        assert _wait_until(lambda: not any(_alive(pid) for pid in children), 20)
    finally:
        _cleanup(server, children)
