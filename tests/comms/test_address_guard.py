"""Calendar and mail addresses cannot reach into the server's own network.

Real HTTP servers on loopback stand in for internal services: by default they must be
unreachable through a calendar subscription or a mail account, and what a user is told
must never carry what such a service answered.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from rapport.comms import imap, subscriptions
from rapport.comms.crypto import encrypt
from rapport.comms.models import CalendarSubscription, MailAccount, Meeting
from rapport.core import netguard
from tests.comms.helpers import DATA

pytestmark = pytest.mark.django_db
SECRET = b"INTERNAL-ADMIN-PANEL root:hunter2"


class Handler(BaseHTTPRequestHandler):
    """/cal.ics: a calendar; /loop: redirects to itself; /big: 6 MB; /secret: 500 + SECRET;
    /to?u=URL: redirects to URL."""

    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        type(self).hits.append(f"{self.server.server_address[0]}{self.path}")
        if self.path == "/cal.ics":
            self.send_response(200)
            self.end_headers()
            self.wfile.write((DATA / "google.ics").read_bytes())
        elif self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
        elif self.path.startswith("/to?u="):
            self.send_response(302)
            self.send_header("Location", self.path[len("/to?u="):])
            self.end_headers()
        elif self.path == "/big":
            self.send_response(200)
            self.end_headers()  # no length: the size is only known while reading
            for _ in range(6 * 16):
                self.wfile.write(b"X" * 65536)
        else:
            self.send_response(500)
            self.end_headers()
            self.wfile.write(SECRET)

    def log_message(self, *args: object) -> None:
        pass


def _serve(host: str) -> Iterator[str]:
    server = ThreadingHTTPServer((host, 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def internal() -> Iterator[str]:
    """An internal service on 127.0.0.1."""
    Handler.hits = []
    yield from _serve("127.0.0.1")


@pytest.fixture
def outside() -> Iterator[str]:
    """A server on 127.0.0.2 that these tests treat as a public address."""
    yield from _serve("127.0.0.2")


@pytest.fixture
def pretend_public(monkeypatch):
    """Only 127.0.0.2 counts as public, so a "public" server can run on loopback."""
    real = netguard.is_public
    monkeypatch.setattr(netguard, "is_public",
                        lambda address: str(address) == "127.0.0.2" or real(address))


@pytest.fixture
def lan_install(settings):
    settings.RAPPORT_ALLOW_PRIVATE_ADDRESSES = True


def _subscribe(workspace, url: str) -> CalendarSubscription:
    return CalendarSubscription.objects.create(workspace=workspace, name="Cal", url=url)


def _error(sub: CalendarSubscription) -> str:
    sub.refresh_from_db()
    return sub.last_error


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "::1", "10.1.2.3", "172.16.0.1", "172.31.255.255",
    "192.168.178.1", "169.254.169.254", "169.254.1.1", "fe80::1", "fc00::1", "fd12::1",
    "100.64.0.1", "224.0.0.1", "239.255.255.250", "ff02::1", "0.0.0.0", "::",
    "240.0.0.1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe",
    "2002:7f00:1::1",
])
def test_internal_addresses_are_not_public(address):
    assert not netguard.is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111",
                                     "172.32.0.1", "100.128.0.1"])
def test_internet_addresses_are_public(address):
    assert netguard.is_public(ipaddress.ip_address(address))


def test_a_subscription_to_a_loopback_server_is_refused_without_asking_it(workspace,
                                                                          internal):
    sub = _subscribe(workspace, f"{internal}/cal.ics")
    result = subscriptions.refresh(sub)
    assert Handler.hits == [] and Meeting.objects.count() == 0
    assert result.imported == 0
    assert _error(sub) == "Der Kalender war nicht erreichbar: die Adresse ist nicht erlaubt."


def test_a_name_that_resolves_to_loopback_is_refused_too(workspace, internal):
    port = internal.rsplit(":", 1)[1]
    sub = _subscribe(workspace, f"http://localhost:{port}/cal.ics")
    subscriptions.refresh(sub)
    assert Handler.hits == []
    assert "nicht erlaubt" in _error(sub)


def test_a_redirect_into_the_network_is_refused(workspace, internal, outside,
                                                pretend_public):
    sub = _subscribe(workspace, f"{outside}/to?u={internal}/secret")
    subscriptions.refresh(sub)
    assert Handler.hits == ["127.0.0.2/to?u=" + f"{internal}/secret"]
    assert "nicht erlaubt" in _error(sub)
    assert "INTERNAL" not in _error(sub)


def test_the_address_checked_is_the_address_connected_to(workspace, internal, outside,
                                                         pretend_public, monkeypatch):
    """A name that answers "public" to the check and "internal" right after (DNS
    rebinding) still only reaches the checked address."""
    real = socket.getaddrinfo
    ports = {"outside": int(outside.rsplit(":", 1)[1])}
    answers = iter(["127.0.0.2", "127.0.0.1", "127.0.0.1"])

    def rebinding(host, port, *args, **kwargs):
        if host == "calendar.rebind.test":
            return real(next(answers), port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    sub = _subscribe(workspace, f"http://calendar.rebind.test:{ports['outside']}/cal.ics")
    result = subscriptions.refresh(sub)
    assert Handler.hits == ["127.0.0.2/cal.ics"]
    assert result.imported == 4 and not _error(sub)


def test_redirects_are_followed_at_most_three_times(workspace, internal, lan_install):
    sub = _subscribe(workspace, f"{internal}/loop")
    subscriptions.refresh(sub)
    assert Handler.hits == ["127.0.0.1/loop"] * 4
    assert _error(sub) == ("Der Kalender war nicht erreichbar: der Server hat mit einem "
                           "Fehler geantwortet.")


def test_a_calendar_larger_than_the_limit_is_not_imported(workspace, internal, lan_install):
    sub = _subscribe(workspace, f"{internal}/big")
    subscriptions.refresh(sub)
    assert _error(sub) == "Der Kalender wurde nicht importiert: er ist größer als 5 MB."


def test_an_error_page_is_never_shown_to_the_user(workspace, internal, lan_install):
    sub = _subscribe(workspace, f"{internal}/secret")
    result = subscriptions.refresh(sub)
    assert "INTERNAL" not in _error(sub) and "500" not in _error(sub)
    assert "INTERNAL" not in str(result.errors)


def test_a_closed_port_and_a_silent_port_read_the_same(workspace, lan_install):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection, never answers
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))  # bound, not listening: refused
    try:
        errors = []
        for sock in (silent, closed):
            sub = _subscribe(workspace, f"http://127.0.0.1:{sock.getsockname()[1]}/")
            subscriptions.refresh(sub, timeout=0.5)
            errors.append(_error(sub))
    finally:
        silent.close()
        closed.close()
    assert errors[0] == errors[1] == ("Der Kalender war nicht erreichbar: der Server hat "
                                      "nicht geantwortet.")


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/cal.ics", "http://localhost:8080/", "http://[::1]/cal.ics",
    "http://169.254.169.254/latest/meta-data/", "http://10.0.0.5/", "http://192.168.1.1/",
    "webcal://127.0.0.1/cal.ics", "http://[::ffff:127.0.0.1]/",
])
def test_the_form_refuses_an_internal_calendar_address(owner_http, url):
    response = owner_http.post("/inbox/calendars/new/", {"name": "Cal", "url": url})
    assert response.status_code == 200
    assert "points into a private network" in response.content.decode()
    assert not CalendarSubscription.objects.exists()


def test_a_webcal_address_is_subscribed_as_https(owner_http, workspace):
    response = owner_http.post("/inbox/calendars/new/",
                               {"name": "Team", "url": "webcal://8.8.8.8/team.ics"})
    assert response.status_code == 302
    assert CalendarSubscription.objects.get().url == "https://8.8.8.8/team.ics"


def test_a_lan_install_may_subscribe_to_a_private_address(owner_http, lan_install):
    response = owner_http.post("/inbox/calendars/new/",
                               {"name": "NAS", "url": "http://192.168.1.20/cal.ics"})
    assert response.status_code == 302


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "169.254.169.254", "10.0.0.1",
                                  "::1"])
def test_the_form_refuses_an_internal_mail_server(owner_http, host):
    response = owner_http.post("/inbox/accounts/new/", {
        "name": "Work", "host": host, "port": 993, "security": "ssl",
        "username": "me", "folders": "INBOX", "password": "pw"})
    assert "points into a private network" in response.content.decode()
    assert not MailAccount.objects.exists()


def _account(workspace, host: str, port: int) -> MailAccount:
    return MailAccount.objects.create(
        workspace=workspace, name="Work", host=host, port=port,
        security=MailAccount.Security.NONE, username="me", password_encrypted=encrypt("pw"))


def test_a_mail_account_on_an_internal_address_is_not_contacted(workspace, internal):
    account = _account(workspace, "127.0.0.1", int(internal.rsplit(":", 1)[1]))
    imap.sync_all()
    account.refresh_from_db()
    assert account.last_error == ("Der Mailserver war nicht erreichbar: die Adresse ist "
                                  "nicht erlaubt.")


@pytest.fixture
def banner_service() -> Iterator[int]:
    """An internal service that greets every connection with its banner and closes."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(10)

    def serve() -> None:
        try:
            conn, _address = listener.accept()
        except OSError:
            return
        with conn:
            conn.sendall(SECRET + b"\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    listener.close()


def test_what_another_service_answers_never_shows_as_a_mail_error(workspace, banner_service,
                                                                  lan_install):
    account = _account(workspace, "127.0.0.1", banner_service)
    imap.sync_all()
    account.refresh_from_db()
    assert account.last_error == ("Synchronisation fehlgeschlagen: der Mailserver hat mit "
                                  "einem Fehler geantwortet.")


# --- Saving an address never touches the network: nothing to time from the browser ---

@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A real server on 127.0.0.2 (treated as public) that records any connection."""
    sock = socket.socket()
    sock.bind(("127.0.0.2", 0))
    sock.listen(5)
    sock.settimeout(0.3)
    yield sock
    sock.close()


def _connected(sock: socket.socket) -> bool:
    try:
        conn, _address = sock.accept()
    except TimeoutError:
        return False
    conn.close()
    return True


@pytest.fixture
def lookups(monkeypatch) -> list[str]:
    """Records every name lookup (and lets it happen)."""
    seen: list[str] = []
    real = socket.getaddrinfo

    def spy(host, *args, **kwargs):
        seen.append(host)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", spy)
    return seen


def test_saving_a_mail_account_makes_no_connection_and_no_lookup(
        owner_http, workspace, listener, pretend_public, lookups,
        django_capture_on_commit_callbacks):
    port = listener.getsockname()[1]
    form = {"name": "Work", "host": "127.0.0.2", "port": port, "security": "none",
            "username": "me", "folders": "INBOX", "password": "pw"}
    with django_capture_on_commit_callbacks(execute=True):
        assert owner_http.post("/inbox/accounts/new/", form).status_code == 302
    account = MailAccount.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        owner_http.post(f"/inbox/accounts/{account.pk}/edit/",
                        {**form, "host": "mail.rapport-test.example"})
        owner_http.post(f"/inbox/accounts/{account.pk}/sync/")
    assert not _connected(listener)
    assert lookups == []
    account.refresh_from_db()
    assert account.host == "mail.rapport-test.example"
    assert account.sync_state == MailAccount.SyncState.QUEUED  # the worker will connect


def test_subscribing_to_a_calendar_makes_no_connection_and_no_lookup(
        owner_http, workspace, listener, pretend_public, lookups,
        django_capture_on_commit_callbacks):
    port = listener.getsockname()[1]
    with django_capture_on_commit_callbacks(execute=True):
        for url in (f"http://127.0.0.2:{port}/cal.ics", "https://cal.rapport-test.example/x"):
            assert owner_http.post("/inbox/calendars/new/",
                                   {"name": "Cal", "url": url}).status_code == 302
    assert not _connected(listener)
    assert lookups == []
    assert CalendarSubscription.objects.count() == 2


@pytest.mark.parametrize("host", ["127.1", "2130706433", "0x7f.0.0.1", "localhost.",
                                  "db.localhost", "[::1]"])
def test_the_form_refuses_internal_addresses_in_any_spelling_without_a_lookup(
        owner_http, host, lookups):
    response = owner_http.post("/inbox/accounts/new/", {
        "name": "Work", "host": host, "port": 993, "security": "ssl",
        "username": "me", "folders": "INBOX", "password": "pw"})
    assert "points into a private network" in response.content.decode()
    assert not MailAccount.objects.exists()
    assert lookups == []


def test_a_closed_and_a_silent_mail_port_read_the_same(workspace, lan_install):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection, never answers
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))  # bound, not listening: refused
    try:
        errors = []
        for sock in (silent, closed):
            account = _account(workspace, "127.0.0.1", sock.getsockname()[1])
            with pytest.raises(OSError) as failure:
                imap.connect(account, timeout=0.5)
            errors.append(imap.describe_failure(failure.value))
            account.delete()
    finally:
        silent.close()
        closed.close()
    assert errors[0] == errors[1]


def _shown_state(http, subscription) -> str:
    import re

    html = http.get("/inbox/syncs/").content.decode()
    block = html[html.index(subscription.name):]
    return re.search(r'data-testid="sync-state">([^<]*)<', block).group(1)


def test_the_page_shows_a_refused_and_a_silent_calendar_alike_and_at_the_same_time(
        owner_http, workspace, lan_install):
    import datetime as dt

    from rapport.comms.models import UNIFORM_FAILURE_SECONDS

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection, never answers
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))  # bound, not listening: refused
    subs = []
    try:
        for name, sock in (("Silent", silent), ("Closed", closed)):
            sub = CalendarSubscription.objects.create(
                workspace=workspace, name=name, url=f"http://127.0.0.1:{sock.getsockname()[1]}/")
            subscriptions.refresh(sub, timeout=0.5)
            subs.append(sub)
    finally:
        silent.close()
        closed.close()
    # Just after the attempt both still read as running, however fast each one failed.
    assert [_shown_state(owner_http, sub) for sub in subs] == ["Syncing now …"] * 2
    html = owner_http.get("/inbox/syncs/").content.decode()
    assert "hx-get" in html  # the page keeps asking
    # Once a silent server would have timed out, both read the same failure.
    CalendarSubscription.objects.update(
        sync_started_at=timezone.now() - dt.timedelta(seconds=UNIFORM_FAILURE_SECONDS + 1))
    assert [_shown_state(owner_http, sub) for sub in subs] == ["Sync failed"] * 2
    assert owner_http.get("/inbox/syncs/").content.decode().count(
        "Could not reach the calendar: the server did not answer.") == 2
