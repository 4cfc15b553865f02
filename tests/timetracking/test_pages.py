"""The time pages through real requests: the header timer, manual entries, filters."""

import datetime as dt
from zoneinfo import ZoneInfo

from rapport.clients.models import Project
from rapport.timetracking.models import TimeEntry
from tests.conftest import make_client

BERLIN = ZoneInfo("Europe/Berlin")


def _entry(workspace, client, day, hour, minutes, **fields):
    start = dt.datetime(2026, 3, day, hour, tzinfo=BERLIN)
    return TimeEntry.objects.create(
        workspace=workspace, client=client, started_at=start,
        ended_at=start + dt.timedelta(minutes=minutes), minutes=minutes, **fields)


def test_the_timer_starts_from_any_page_and_shows_on_the_next(owner_http, client_obj):
    response = owner_http.post("/time/timer/start/", {"client": client_obj.pk,
                                                      "next": "/clients/"})
    assert response.status_code == 302 and response["Location"] == "/clients/"
    page = owner_http.get("/invoices/").content.decode()
    assert 'data-testid="timer-running"' in page
    assert "Acme GmbH" in page
    owner_http.post("/time/timer/stop/", {"next": "/invoices/"})
    entry = TimeEntry.objects.get()
    assert entry.ended_at is not None
    assert 'data-testid="timer-idle"' in owner_http.get("/invoices/").content.decode()


def test_a_second_start_says_a_timer_is_already_running(owner_http, client_obj):
    owner_http.post("/time/timer/start/", {"client": client_obj.pk})
    page = owner_http.post("/time/timer/start/", {"client": client_obj.pk},
                           follow=True).content.decode()
    assert "A timer is already running" in page
    assert TimeEntry.objects.count() == 1


def test_the_timer_does_not_leave_the_site(owner_http, client_obj):
    response = owner_http.post("/time/timer/start/", {"client": client_obj.pk,
                                                      "next": "https://evil.example/"})
    assert response["Location"] == "/time/"


def test_a_manual_entry_with_a_duration_is_saved(owner_http, workspace, client_obj):
    response = owner_http.post("/time/new/", {
        "client": client_obj.pk, "category": "communication", "billable": "on",
        "day": "2026-03-02", "start_time": "14:00", "duration": "1:15",
        "description": "Call about the launch"})
    assert response.status_code == 302
    entry = TimeEntry.objects.get()
    assert entry.minutes == 75
    assert entry.started_at == dt.datetime(2026, 3, 2, 14, tzinfo=BERLIN)
    assert entry.ended_at == dt.datetime(2026, 3, 2, 15, 15, tzinfo=BERLIN)
    assert entry.source == TimeEntry.Source.MANUAL


def test_a_manual_entry_needs_an_end_or_a_duration(owner_http, client_obj):
    page = owner_http.post("/time/new/", {"client": client_obj.pk, "category": "work",
                                          "day": "2026-03-02", "start_time": "14:00"})
    assert "Enter the end or the duration." in page.content.decode()
    assert not TimeEntry.objects.exists()


def test_a_project_of_another_client_is_refused(owner_http, workspace, client_obj):
    other = make_client(workspace, "Other AG")
    project = Project.objects.create(workspace=workspace, client=other, name="Shop", amount=0)
    page = owner_http.post("/time/new/", {
        "client": client_obj.pk, "project": project.pk, "category": "work",
        "day": "2026-03-02", "start_time": "09:00", "end_time": "10:00"}).content.decode()
    assert "This project belongs to another client." in page
    assert not TimeEntry.objects.exists()


def test_deleting_asks_first_then_deletes(owner_http, workspace, client_obj):
    entry = _entry(workspace, client_obj, 2, 9, 30)
    page = owner_http.get(f"/time/{entry.pk}/delete/").content.decode()
    assert "This cannot be undone." in page
    assert TimeEntry.objects.exists()
    owner_http.post(f"/time/{entry.pk}/delete/")
    assert not TimeEntry.objects.exists()


def test_editing_changes_the_times_and_the_minutes(owner_http, workspace, client_obj):
    entry = _entry(workspace, client_obj, 2, 9, 30)
    owner_http.post(f"/time/{entry.pk}/", {
        "client": client_obj.pk, "category": "admin", "day": "2026-03-02",
        "start_time": "09:00", "end_time": "11:30"})
    entry.refresh_from_db()
    assert entry.minutes == 150 and entry.category == "admin"


def test_filters_and_totals_per_category(owner_http, workspace, client_obj):
    other = make_client(workspace, "Other AG")
    _entry(workspace, client_obj, 2, 9, 60, category="work")
    _entry(workspace, client_obj, 3, 9, 30, category="communication")
    _entry(workspace, client_obj, 20, 9, 45, category="work")
    _entry(workspace, other, 2, 13, 120, category="work")
    page = owner_http.get("/time/", {"client": client_obj.pk, "since": "2026-03-01",
                                     "until": "2026-03-10"}).content.decode()
    assert '<strong data-category="work">1:00</strong>' in page
    assert '<strong data-category="communication">0:30</strong>' in page
    assert '<strong data-testid="total">1:30</strong>' in page
    assert "Other AG</a>" not in page


def test_the_list_pages_through_many_entries(owner_http, workspace, client_obj):
    TimeEntry.objects.bulk_create([
        TimeEntry(workspace=workspace, client=client_obj, minutes=10,
                  started_at=dt.datetime(2026, 3, 1, 8, tzinfo=BERLIN) + dt.timedelta(hours=i),
                  ended_at=dt.datetime(2026, 3, 1, 8, 10, tzinfo=BERLIN) + dt.timedelta(hours=i))
        for i in range(60)])
    first = owner_http.get("/time/", {"client": client_obj.pk}).content.decode()
    assert "Page 1 of 2" in first
    second = owner_http.get("/time/", {"client": client_obj.pk, "page": 2}).content.decode()
    assert second.count("/delete/") == 10


def test_entries_of_another_workspace_stay_hidden(owner_http, outsider):
    from rapport.core.models import Workspace

    elsewhere = Workspace.objects.get(name="Elsewhere Ltd")
    entry = _entry(elsewhere, make_client(elsewhere, "Secret Co"), 2, 9, 30)
    assert owner_http.get(f"/time/{entry.pk}/").status_code == 404
    assert "Secret Co" not in owner_http.get("/time/").content.decode()


def test_a_timer_running_in_another_workspace_shows_and_stops_here(owner, owner_http,
                                                                  workspace, client_obj):
    from rapport.core.services import create_workspace

    second = create_workspace(owner, name="Second Studio", time_zone="Europe/Berlin",
                              holiday_country="DE", language="de")
    owner_http.post("/time/timer/start/", {"client": client_obj.pk})
    session = owner_http.session
    session["rapport_workspace_id"] = second.pk
    session.save()
    page = owner_http.get("/time/").content.decode()
    assert 'data-testid="timer-running"' in page and "(Studio Nord)" in page
    owner_http.post("/time/timer/stop/")
    assert TimeEntry.objects.get().ended_at is not None


def test_the_time_page_says_what_counts_on_its_own_for_the_client(owner_http, workspace,
                                                                 client_obj):
    from rapport.comms.models import Meeting, Source

    start = dt.datetime(2026, 3, 4, 10, tzinfo=BERLIN)
    Meeting.objects.create(workspace=workspace, client=client_obj, uid="kickoff", start=start,
                           end=start + dt.timedelta(minutes=90), source=Source.ICS)
    _entry(workspace, client_obj, 2, 9, 60)
    page = owner_http.get("/time/", {"client": client_obj.pk, "since": "2026-03-01",
                                     "until": "2026-03-31"}).content.decode()
    assert "1:30 h of meetings from the calendar and meeting log" in page
    assert '<strong data-category="meetings">0:00</strong>' in page  # not in the list


def test_pages_do_not_carry_every_client_name_in_the_header(owner_http, workspace,
                                                           client_obj):
    make_client(workspace, "Zebra Media")
    page = owner_http.get("/invoices/").content.decode()
    assert 'data-testid="timer-idle"' in page and "Zebra Media" not in page
    options = owner_http.get("/time/timer/clients/").content.decode()
    assert "Zebra Media</option>" in options and "Acme GmbH</option>" in options


def test_without_a_client_chosen_the_timer_asks_on_its_own_page(owner_http, client_obj):
    page = owner_http.post("/time/timer/start/", {"client": "", "next": "/clients/"})
    assert page.status_code == 200
    assert "This field is required." in page.content.decode()
    response = owner_http.post("/time/timer/start/", {"client": client_obj.pk,
                                                      "next": "/clients/"})
    assert response["Location"] == "/clients/"
    assert TimeEntry.objects.get().ended_at is None
