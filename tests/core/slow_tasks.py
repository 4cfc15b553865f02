"""A task only the tests queue: it records each start in a file and, on its first run,
waits long enough for the test to kill its worker."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django_tasks import task


@task()
def slow_follow_up(log_path: str, client_ids: list[int]) -> int:
    log = Path(log_path)
    first = not log.exists()
    with log.open("a") as f:
        f.write(f"started {os.getpid()} {client_ids}\n")
    if first:
        time.sleep(120)  # killed long before this ends
    with log.open("a") as f:
        f.write(f"done {os.getpid()}\n")
    return len(client_ids)
