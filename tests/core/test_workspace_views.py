"""Workspace set-up, settings, office hours and switching between workspaces."""

import pytest
from django.test import Client as HttpClient

from rapport.accounts.models import User
from rapport.core.models import Workspace
from tests.conftest import make_workspace

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Text & Ton", "legal_name": "Mara Berg", "street": "Hauptstr. 1",
    "postal_code": "10115", "city": "Berlin", "country": "DE", "vat_id": "DE123456789",
    "tax_number": "", "email": "hallo@textundton.example", "phone": "",
    "default_currency": "EUR", "language": "de",
    "time_zone": "Europe/Berlin", "holiday_country": "DE", "holiday_subdivision": "BE",
    "preferred_channels": ["email", "video"], "max_calls_per_week": "1",
    "non_negotiables": "No work on Sundays\n\nNever on family birthdays\n",
    "hours_0": "09:00-12:00, 13:00-17:00", "hours_1": "09:00-17:00", "hours_2": "",
    "hours_3": "", "hours_4": "9-13", "hours_5": "", "hours_6": "",
}


@pytest.fixture
def newcomer_http():
    user = User.objects.create_user("new@example.com", "x" * 12)
    http = HttpClient()
    http.force_login(user)
    return http, user


def test_a_user_without_workspace_is_sent_to_create_one(newcomer_http):
    http, _user = newcomer_http
    response = http.get("/clients/")
    assert response.status_code == 302 and response["Location"] == "/workspace/new/"


def test_creating_a_workspace_with_office_hours_and_boundaries(newcomer_http):
    http, user = newcomer_http
    response = http.post("/workspace/new/", VALID)
    assert response.status_code == 302
    workspace = Workspace.objects.get(memberships__user=user)
    assert workspace.non_negotiables == ["No work on Sundays", "Never on family birthdays"]
    assert workspace.preferred_channels == ["email", "video"]
    assert workspace.max_calls_per_week == 1
    assert [str(r) for r in workspace.hours_by_weekday[0]] == ["09:00–12:00", "13:00–17:00"]
    assert [str(r) for r in workspace.hours_by_weekday[4]] == ["09:00–13:00"]
    assert workspace.hours_by_weekday[6] == []
    assert workspace.memberships.get().role == "owner"


@pytest.mark.parametrize(("hours", "message"), [
    ("13:00-12:00", "ends before it starts"),
    ("09:00-12:00, 11:00-14:00", "overlap"),
    ("nine to five", "is not a time range"),
])
def test_bad_office_hours_are_reported_on_their_day_and_nothing_is_saved(
    newcomer_http, hours, message
):
    http, user = newcomer_http
    response = http.post("/workspace/new/", {**VALID, "hours_2": hours})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["hours_2"] and message in errors["hours_2"][0]
    assert not Workspace.objects.filter(memberships__user=user).exists()


def test_an_unknown_holiday_region_is_refused(newcomer_http):
    http, _user = newcomer_http
    response = http.post("/workspace/new/", {**VALID, "holiday_subdivision": "XX"})
    # The region is a select of the country's regions, so an unknown one is not a choice.
    assert "Select a valid choice. XX is not one of the available choices." in \
        response.content.decode()


def test_settings_show_and_replace_office_hours(owner_http, workspace):
    page = owner_http.get("/workspace/settings/").content.decode()
    assert "09:00-12:00, 13:00-17:00" in page
    response = owner_http.post("/workspace/settings/", {**VALID, "hours_0": "10:00-14:00"})
    assert response.status_code == 302
    workspace.refresh_from_db()
    workspace.__dict__.pop("hours_by_weekday", None)
    assert [str(r) for r in workspace.hours_by_weekday[0]] == ["10:00–14:00"]
    assert workspace.office_hours.count() == 3


def test_a_user_switches_between_own_workspaces(owner_http, owner, workspace):
    second = make_workspace(owner, name="Second Business")
    owner_http.post(f"/workspace/{second.pk}/switch/")
    assert "Second Business" in owner_http.get("/").content.decode()
    owner_http.post(f"/workspace/{workspace.pk}/switch/")
    assert "<h1>Studio Nord</h1>" in owner_http.get("/").content.decode()


def test_switching_to_someone_elses_workspace_is_a_404(owner_http, outsider):
    foreign = Workspace.objects.get(memberships__user=outsider)
    assert owner_http.post(f"/workspace/{foreign.pk}/switch/").status_code == 404


def test_a_member_sees_the_same_clients(member, workspace, client_obj):
    http = HttpClient()
    http.force_login(member)
    assert client_obj.name in http.get("/clients/").content.decode()


def test_pages_show_times_in_the_workspace_time_zone(owner_http, workspace):
    """A mail sent 09:00 UTC in November is 10:00 in Berlin, whatever the server's zone."""
    import datetime as dt

    from tests.conftest import make_client
    from tests.signals.helpers import message

    workspace.time_zone = "Europe/Berlin"
    workspace.save()
    sent = message(workspace, make_client(workspace, "Zeitzone GmbH"), "Hallo",
                   dt.datetime(2026, 11, 4, 9, 0, tzinfo=dt.UTC))
    page = owner_http.get(f"/inbox/messages/{sent.pk}/").content.decode()
    assert "10 a.m." in page and "9 a.m." not in page
    workspace.time_zone = "America/New_York"
    workspace.save()
    page = owner_http.get(f"/inbox/messages/{sent.pk}/").content.decode()
    assert "4 a.m." in page


def test_new_office_hours_rejudge_the_times_of_client_mail(owner_http, workspace):
    import datetime as dt

    from django_tasks_db.models import DBTaskResult

    from rapport.signals.models import Signal
    from rapport.signals.services import detect_for_client
    from rapport.signals.tasks import redetect_office_time_signals
    from tests.conftest import make_client
    from tests.signals.helpers import message

    client = make_client(workspace, "Abendrot GmbH")
    wednesday = dt.date(2026, 11, 4)
    evening = message(workspace, client, "Hallo", dt.datetime.combine(
        wednesday, dt.time(18, 30), tzinfo=workspace.tz))
    night = message(workspace, client, "Hallo", dt.datetime.combine(
        wednesday, dt.time(23, 0), tzinfo=workspace.tz))
    detect_for_client(client)
    flagged = set(Signal.objects.filter(kind="after_hours").values_list("source_id", flat=True))
    assert flagged == {evening.pk, night.pk}
    response = owner_http.post("/workspace/settings/", {**VALID, "hours_2": "09:00-19:00"},
                               follow=True)
    assert "being recounted with the new hours" in response.content.decode()
    # Enqueued for the worker (tests/core/test_tasks.py runs the real worker); run it here.
    queued = DBTaskResult.objects.get(task_path__endswith=".redetect_office_time_signals")
    assert queued.args_kwargs["args"] == [workspace.pk]
    redetect_office_time_signals.call(workspace.pk)
    flagged = set(Signal.objects.filter(kind="after_hours").values_list("source_id", flat=True))
    assert flagged == {night.pk}  # 18:30 on a Wednesday is office time now
    assert Signal.objects.filter(kind="late_night", source_id=night.pk).exists()
