"""Calendars whose rules would expand into millions of meetings import fast and bounded."""

from __future__ import annotations

import datetime as dt
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from rapport.comms import calendar, subscriptions
from rapport.comms.calendar import import_ics
from rapport.comms.models import CalendarSubscription, ImportRun, Meeting
from rapport.comms.services import run_import, upload_dir

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC)


def _ics(*events: str) -> bytes:
    body = "".join(
        "BEGIN:VEVENT\r\n" + event.strip().replace("\n", "\r\n") + "\r\nEND:VEVENT\r\n"
        for event in events)
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//bomb//EN\r\n" + body
            + "END:VCALENDAR\r\n").encode()


GOOD = """UID:weekly-call@example
SUMMARY:Weekly call
DTSTART:20261102T090000Z
DTEND:20261102T093000Z
RRULE:FREQ=WEEKLY;COUNT=4"""


def _bomb(rule: str, start: str = "20261101T000000Z") -> str:
    return f"UID:bomb-{abs(hash(rule))}@example\nSUMMARY:Bomb\nDTSTART:{start}\n" \
           f"DURATION:PT1S\nRRULE:{rule}"


def _timed_import(workspace, data: bytes):
    started = time.monotonic()
    result = import_ics(workspace, data, now=NOW)
    return result, time.monotonic() - started


@pytest.mark.parametrize("rule", [
    "FREQ=SECONDLY",
    "FREQ=MINUTELY",
    "FREQ=MINUTELY;INTERVAL=2;COUNT=100000000",
    "FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;"
    "BYMINUTE=0,10,20,30,40,50",
])
def test_a_rule_repeating_more_than_hourly_is_skipped_and_the_rest_imported(workspace, rule):
    result, seconds = _timed_import(workspace, _ics(_bomb(rule), GOOD))
    assert seconds < 5
    assert Meeting.objects.filter(summary="Bomb").count() == 0
    assert Meeting.objects.filter(summary="Weekly call").count() == 4
    assert result.errors == [{"position": "“Bomb”",
                              "reason": "Übersprungen: Der Termin wiederholt sich öfter "
                                        "als stündlich."}]


def test_a_huge_count_is_cut_at_the_limit_per_series(workspace):
    result, seconds = _timed_import(
        workspace, _ics(_bomb("FREQ=DAILY;COUNT=100000000", start="20260101T080000Z")))
    assert seconds < 30
    assert Meeting.objects.count() == calendar.MAX_PER_EVENT
    assert result.errors == [{
        "position": "“Bomb”", "level": "warning",
        "reason": "Von dieser Serie wurden nur die ersten 500 Termine importiert."}]


def test_only_the_window_around_today_is_expanded(workspace):
    import_ics(workspace, _ics(_bomb("FREQ=WEEKLY", start="20200106T080000Z")), now=NOW)
    starts = list(Meeting.objects.order_by("start").values_list("start", flat=True))
    assert starts[0] >= NOW - dt.timedelta(days=366)
    assert starts[-1] <= NOW + dt.timedelta(days=549)
    assert 120 < len(starts) < 135  # about 30 months of weeks


def test_an_hourly_rule_from_long_ago_is_skipped(workspace):
    result, seconds = _timed_import(workspace,
                                    _ics(_bomb("FREQ=HOURLY", start="19000101T000000Z")))
    assert seconds < 5 and not Meeting.objects.exists()
    assert "zu oft" in result.errors[0]["reason"]


def test_one_calendar_imports_a_bounded_number_of_meetings(workspace, monkeypatch):
    monkeypatch.setattr(calendar, "MAX_PER_FILE", 30)
    events = [f"UID:s{n}@example\nSUMMARY:Series {n}\nDTSTART:20261102T0{n}0000Z\n"
              f"DTEND:20261102T0{n}3000Z\nRRULE:FREQ=DAILY;COUNT=10" for n in range(6)]
    result, _seconds = _timed_import(workspace, _ics(*events))
    assert Meeting.objects.count() == 30
    assert {"position": "file", "reason": "3 Termine übersprungen: ein Kalender importiert "
                                          "höchstens 30 Termine auf einmal."} in result.errors


def test_an_uploaded_bomb_finishes_and_lists_what_was_skipped(workspace):
    path = upload_dir() / "bomb-test.ics"
    path.write_bytes(_ics(_bomb("FREQ=SECONDLY"), GOOD))
    run = ImportRun.objects.create(workspace=workspace, kind=ImportRun.Kind.CALENDAR,
                                   filename="bomb.ics", path=str(path),
                                   total_bytes=path.stat().st_size)
    run = run_import(run)
    assert run.state == ImportRun.State.DONE
    assert [e["position"] for e in run.errors] == ["“Bomb”"]
    assert "stündlich" in run.errors[0]["reason"]


def test_each_series_is_written_in_its_own_transaction(workspace, monkeypatch):
    """A crash in the second series keeps the first: no transaction spans the file."""
    stored = calendar.CalendarImporter._store

    def crash_on_second(self, uid, *args, **kwargs):
        if uid.startswith("second"):
            raise SystemExit("worker stopped")
        return stored(self, uid, *args, **kwargs)

    monkeypatch.setattr(calendar.CalendarImporter, "_store", crash_on_second)
    data = _ics(GOOD, "UID:second@example\nSUMMARY:Second\nDTSTART:20261103T090000Z\n"
                      "DURATION:PT30M")
    with pytest.raises(SystemExit):
        import_ics(workspace, data, now=NOW)
    assert Meeting.objects.filter(summary="Weekly call").count() == 4


def test_a_subscription_names_the_skipped_event(workspace, settings):
    settings.RAPPORT_ALLOW_PRIVATE_ADDRESSES = True  # the server below is on loopback
    body = _ics(_bomb("FREQ=SECONDLY"), GOOD)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        sub = CalendarSubscription.objects.create(
            workspace=workspace, name="Team",
            url=f"http://127.0.0.1:{server.server_address[1]}/team.ics")
        subscriptions.refresh(sub)
    finally:
        server.shutdown()
        server.server_close()
    sub.refresh_from_db()
    assert sub.last_error == ("“Bomb”: Übersprungen: Der Termin wiederholt sich öfter als "
                              "stündlich.")
