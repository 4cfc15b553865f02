"""Web benchmark: requests per second of the busiest lists under gunicorn, with 300 clients.

Builds one workspace as a freelancer with many clients has it (BENCH_WEB_CLIENTS active
clients with contacts, BENCH_WEB_MESSAGES mails, BENCH_WEB_INVOICES invoices with payments,
the warning signs detected in all of it and every client's health assessed and stored),
starts gunicorn with 2 workers on a free port against that SQLite database (DEBUG off, as
in production), logs in through the login form, and sends BENCH_WEB_REQUESTS requests per
page from BENCH_WEB_CONCURRENCY threads (http.client, one keep-alive connection each);
a page too slow to answer them all within BENCH_WEB_SECONDS is measured on those it did.

The profile page is the floor: the simplest page a signed-in user sees. Each list reports
its requests per second and its ratio to the profile page; the goal is a ratio of at
least 0.5 (`goal_met`).
"""

from __future__ import annotations

import http.client
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

N_CLIENTS = int(os.environ.get("BENCH_WEB_CLIENTS", "300"))
N_MESSAGES = int(os.environ.get("BENCH_WEB_MESSAGES", "30000"))
N_INVOICES = int(os.environ.get("BENCH_WEB_INVOICES", "3000"))
REQUESTS = int(os.environ.get("BENCH_WEB_REQUESTS", "200"))
CONCURRENCY = int(os.environ.get("BENCH_WEB_CONCURRENCY", "3"))
# A page slower than this budget allows is measured on the requests made within it.
BUDGET_SECONDS = float(os.environ.get("BENCH_WEB_SECONDS", "90"))
WORKERS = 2
GOAL = 0.5
EMAIL = "web@rapport.example"
PASSWORD = "bench-password-" + "x" * 12
SEED = 20261202
PROJECT = Path(__file__).resolve().parents[1]
PAGES = {  # name → path; the first is the floor the others are compared with
    "profile": "/accounts/profile/",
    "client_list": "/clients/",
    "dashboard": "/",
    "health_overview": "/health/",
}

Result = dict[str, object]


def _say(text: str) -> None:
    print(f"  web: {text}", file=sys.stderr, flush=True)


# -- the workspace ------------------------------------------------------------------------


def build() -> Result:
    """The busy workspace, with signals detected and health assessed, as after a tick."""
    from django.utils import timezone
    from health import OWN_EMAIL, make_clients, make_invoices, make_messages

    from rapport.accounts.models import User
    from rapport.billing.services import billing_settings
    from rapport.core.services import create_workspace
    from rapport.health.snapshots import portfolio
    from rapport.signals.models import Signal
    from rapport.signals.services import refresh_workspace

    rng = random.Random(SEED)
    started = time.perf_counter()
    user = User.objects.create_user(EMAIL, PASSWORD, name="Lena Hoffmann", language="en")
    workspace = create_workspace(
        user, name="Lena Hoffmann · Web", time_zone="Europe/Berlin", holiday_country="DE",
        holiday_subdivision="BE", language="de", street="Kastanienallee 12",
        postal_code="10435", city="Berlin", tax_number="16/345/67890", email=OWN_EMAIL)
    billing = billing_settings(workspace)
    billing.iban, billing.bic = "DE89370400440532013000", "COBADEFFXXX"
    billing.save()
    now = timezone.now()
    profiles = make_clients(workspace, N_CLIENTS, rng)
    messages = make_messages(workspace, profiles, N_MESSAGES, rng, now)
    invoices, payments = make_invoices(workspace, profiles, N_INVOICES, rng,
                                       now.astimezone(workspace.tz).date())
    _say("detecting warning signs and assessing every client …")
    refresh_workspace(workspace)
    assessed = portfolio(workspace)
    signals = Signal.objects.filter(workspace=workspace).count()
    seconds = round(time.perf_counter() - started, 1)
    _say(f"workspace built in {seconds} s")
    return {"name": "web_workspace", "value": seconds, "unit": "s", "clients": len(profiles),
            "messages": messages, "invoices": invoices, "payments": payments,
            "signals": signals, "assessed_clients": len(assessed)}


# -- gunicorn -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(var_dir: str, port: int) -> subprocess.Popen:
    """gunicorn with WORKERS workers on the benchmark's database; returns once it answers."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "rapport.settings.dev", "DEBUG": "false",
           "RAPPORT_VAR_DIR": var_dir}
    env.pop("DATABASE_URL", None)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [str(gunicorn), "rapport.wsgi:application", "--workers", str(WORKERS), "--bind",
         f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=PROJECT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped with exit code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    stop_gunicorn(process)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop_gunicorn(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# -- the client ---------------------------------------------------------------------------


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    found = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _sep, rest = header.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


def log_in(port: int) -> str:
    """Sign in through the login form, as a browser does; return the Cookie header."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)  # a loaded machine
    connection.request("GET", "/accounts/login/")
    response = connection.getresponse()
    html = response.read().decode()
    cookies = _cookies(response)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode({"username": EMAIL, "password": PASSWORD,
                                   "csrfmiddlewaretoken": token})
    connection.request("POST", "/accounts/login/", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})
    response = connection.getresponse()
    response.read()
    cookies |= _cookies(response)
    connection.close()
    if response.status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"login failed: {response.status}")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def _get(connection: http.client.HTTPConnection, path: str, cookie: str) -> int:
    connection.request("GET", path, headers={"Cookie": cookie,
                                             "Accept-Language": "en-GB,en;q=0.9"})
    response = connection.getresponse()
    response.read()
    return response.status


def requests_per_second(port: int, path: str, cookie: str) -> tuple[float, float, int]:
    """REQUESTS GETs of `path` from CONCURRENCY threads (fewer if BUDGET_SECONDS runs out):
    (requests/s, slowest in ms, requests made)."""
    warm = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for _ in range(2 * WORKERS):  # every worker has loaded the page's code and templates
        status = _get(warm, path, cookie)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
    warm.close()
    remaining = iter(range(REQUESTS))
    lock = threading.Lock()
    slowest = [0.0]
    done = [0]
    failures: list[str] = []
    deadline = time.perf_counter() + BUDGET_SECONDS

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while time.perf_counter() < deadline:
            with lock:
                if next(remaining, None) is None:
                    break
            started = time.perf_counter()
            status = _get(connection, path, cookie)
            elapsed = time.perf_counter() - started
            with lock:
                done[0] += 1
                slowest[0] = max(slowest[0], elapsed)
                if status != 200:
                    failures.append(f"{path}: {status}")
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} failed requests, e.g. {failures[0]}")
    return done[0] / seconds, slowest[0] * 1000, done[0]


def bench_web() -> list[Result]:
    """Build the workspace, serve it with gunicorn, measure each page against the floor."""
    from run import _TMP, _django

    _django()
    from django.db import connections

    results = [build()]
    connections.close_all()  # gunicorn's workers open their own
    port = _free_port()
    process = start_gunicorn(_TMP.name, port)
    # Stopped from outside (timeout, Ctrl-C), still stop gunicorn: it runs in its own session.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("web: stopped"))
    try:
        cookie = log_in(port)
        floor = None
        for name, path in PAGES.items():
            rate, slowest, made = requests_per_second(port, path, cookie)
            floor = floor or rate
            ratio = round(rate / floor, 2)
            _say(f"{name}: {rate:.1f} requests/s, ratio {ratio}, slowest {slowest:.0f} ms")
            results.append({
                "name": f"web_{name}", "value": round(rate, 1), "unit": "requests/s",
                "path": path, "ratio_to_profile": ratio, "goal_ratio": GOAL,
                "goal_met": ratio >= GOAL, "slowest_ms": round(slowest),
                "requests": made, "concurrency": CONCURRENCY, "workers": WORKERS})
    finally:
        stop_gunicorn(process)
    return results

