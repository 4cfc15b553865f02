"""ICS subscriptions fetched from a real HTTP server on loopback."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from rapport.comms.models import CalendarSubscription, Meeting
from rapport.comms.subscriptions import refresh
from rapport.comms.tasks import refresh_calendars
from tests.comms.helpers import DATA, kranich

pytestmark = pytest.mark.django_db


@pytest.fixture
def lan_install(settings):
    """These servers listen on loopback: allowed only as on a self-hosted LAN install."""
    settings.RAPPORT_ALLOW_PRIVATE_ADDRESSES = True


class CalendarHandler(BaseHTTPRequestHandler):
    body = b""
    etag = '"v1"'
    requests: list[dict[str, str]] = []

    def do_GET(self) -> None:  # noqa: N802
        type(self).requests.append(dict(self.headers))
        if self.path != "/cal.ics":
            self.send_error(404)
            return
        if self.headers.get("If-None-Match") == self.etag:
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar; charset=utf-8")
        self.send_header("ETag", self.etag)
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def http_server() -> Iterator[str]:
    CalendarHandler.body = (DATA / "google.ics").read_bytes()
    CalendarHandler.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), CalendarHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_subscription_imports_the_calendar_and_then_asks_only_for_changes(workspace,
                                                                             http_server,
                                                                             lan_install):
    kranich(workspace)
    sub = CalendarSubscription.objects.create(workspace=workspace, name="Google",
                                              url=f"{http_server}/cal.ics")
    result = refresh(sub)
    assert result.errors == [] and result.imported == 4
    assert Meeting.objects.filter(status="cancelled").count() == 2
    sub.refresh_from_db()
    assert sub.etag == '"v1"' and sub.last_fetched_at and not sub.last_error
    assert refresh(sub).imported == 0
    assert CalendarHandler.requests[-1]["If-None-Match"] == '"v1"'


def test_the_periodic_task_refreshes_all_and_records_errors(workspace, http_server,
                                                           lan_install):
    good = CalendarSubscription.objects.create(workspace=workspace, name="Good",
                                               url=f"{http_server}/cal.ics")
    bad = CalendarSubscription.objects.create(workspace=workspace, name="Gone",
                                              url=f"{http_server}/missing.ics")
    assert refresh_calendars.call() == 2
    good.refresh_from_db()
    bad.refresh_from_db()
    assert not good.last_error
    assert bad.last_error == ("Der Kalender war nicht erreichbar: der Server hat mit einem "
                              "Fehler geantwortet.")
    assert Meeting.objects.count() == 4


def test_a_calendar_that_breaks_does_not_stop_another_workspaces(workspace, http_server,
                                                                lan_install):
    from rapport.core.models import Workspace

    broken_ws = Workspace.objects.create(name="Kaputt", time_zone="Mars/Olympus_Mons")
    broken = CalendarSubscription.objects.create(workspace=broken_ws, name="Broken",
                                                 url=f"{http_server}/cal.ics")
    good = CalendarSubscription.objects.create(workspace=workspace, name="Good",
                                               url=f"{http_server}/cal.ics")
    assert broken.pk < good.pk
    assert refresh_calendars.call() == 2
    broken.refresh_from_db()
    good.refresh_from_db()
    assert broken.last_error.startswith("Der Kalender konnte wegen eines internen Fehlers")
    assert not good.last_error
    assert Meeting.objects.filter(workspace=workspace).count() == 4
